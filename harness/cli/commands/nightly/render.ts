/** What `faasmark nightly plan` prints: the pins, then every job's steps with their commands. */
import type { NIGHTLY_PINS, PlanJob } from './plan.js';
import { scriptName } from './plan.js';

export interface PrintedPlan {
  pins: typeof NIGHTLY_PINS;
  invokerImage: string;
  jobs: PlanJob[];
}

export function planText(plan: PrintedPlan, outDir: string | undefined): string {
  const p = plan.pins;
  const lines = [
    'faasmark nightly plan (validated: suites, images, scripts, .github/workflows/nightly.yml)',
    `pins: kind ${p.kind}, helm ${p.helm}, Spin CLI ${p.spin}, JDK ${p.java} (${p.javaDistribution}), containerd-shim-spin ${p.containerdShimSpin}`,
    `      OpenWhisk ${p.openwhiskCommit}, openwhisk-deploy-kube ${p.deployKubeCommit}, invoker base ${p.upstreamInvokerImage}`,
    `invoker image: ${plan.invokerImage}`,
  ];
  for (const job of plan.jobs) {
    lines.push('', `job ${job.id}: ${job.name} (results ${job.results}, artifact ${job.artifact})`);
    job.steps.forEach((step, i) => {
      const when = step.if ? ` [if: ${step.if}]` : '';
      lines.push(`  ${i + 1}. ${step.title}${when}  (${scriptName(i, step)})`);
      for (const c of step.commands) lines.push(`       ${c}`);
    });
  }
  if (outDir) lines.push('', `scripts written to ${outDir}/<job>/`);
  return lines.join('\n');
}

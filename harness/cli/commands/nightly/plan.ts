/**
 * The nightly workflow as data (docs/ci.md): every job's steps with their shell commands and
 * the pins resolved. `faasmark nightly plan` prints it, validates it and writes one script per
 * step; .github/workflows/nightly.yml runs exactly those scripts, in order ({@link
 * checkWorkflow} refuses a workflow that drifted from the plan). Pure: the caller reads the
 * suite file and passes its actions.
 */

import {
  DEPLOY_KUBE_COMMIT,
  MRU_INVOKER_IMAGE,
  OPENWHISK_COMMIT,
  UPSTREAM_INVOKER_IMAGE,
} from '../../../../platforms/openwhisk/pins.js';
import { SHIM_VERSION } from '../../../../platforms/spin/spinkube/cluster.js';

/** Tool versions the nightly installs (the OpenWhisk and SpinKube pins live beside their code). */
export const NIGHTLY_PINS = {
  kind: 'v0.24.0',
  helm: 'v3.16.2',
  /** Spin CLI for bare metal; containerd-shim-spin v0.24.0 embeds the same Spin. */
  spin: 'v3.6.3',
  /** actions/setup-java: Gradle 6.9.1 of the OpenWhisk tree runs on JDK <= 16. */
  java: '11',
  javaDistribution: 'temurin',
  openwhiskCommit: OPENWHISK_COMMIT,
  deployKubeCommit: DEPLOY_KUBE_COMMIT,
  upstreamInvokerImage: UPSTREAM_INVOKER_IMAGE,
  containerdShimSpin: SHIM_VERSION,
} as const;

export type JobId = 'cluster' | 'embedded';
export const JOB_IDS: readonly JobId[] = ['cluster', 'embedded'];

export interface PlanStep {
  id: string;
  /** The workflow step's `name`. */
  title: string;
  /** Bash lines, run under `set -euo pipefail`. */
  commands: string[];
  /** The workflow step's `if:` (e.g. `always()` for the report). */
  if?: string;
  /** Environment the workflow step must set (`env:`), name → GitHub expression. */
  env?: Record<string, string>;
}

export interface PlanJob {
  id: JobId;
  name: string;
  /** Results directory of the job's run (uploaded as an artifact). */
  results: string;
  artifact: string;
  steps: PlanStep[];
}

export interface PlanInputs {
  /** Where the step scripts and the final suite are written (the workflow: $RUNNER_TEMP/nightly). */
  out: string;
  /** The invoker image the cluster suite runs: built (default) or pulled by digest. */
  invokerImage: string;
  /** workload → blackbox image, from the cluster suite's openwhisk entry. */
  actionImages: Record<string, string>;
  /** The embedded job's suite and repetitions. */
  embeddedSuite: string;
  embeddedRepeat: number;
}

/** Shell quoting for a word (single quotes). */
export function sq(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

/** Double quotes for a path that may start with a variable (`$RUNNER_TEMP/...`). */
export function dq(path: string): string {
  return `"${path.replace(/["\\`]/g, (c) => `\\${c}`)}"`;
}

/** The scripts both jobs share: setup, build check, report, baseline, gate. */
function common(job: { results: string; artifact: string }) {
  const setup: PlanStep = {
    id: 'setup',
    title: 'Set up the machine (scripts/setup.sh: packages, Docker, base images, wasmtime, workloads)',
    commands: [
      // root for apt and dockerd; HOME and PATH kept so what it installs is found later
      'sudo -E env "PATH=$PATH" "HOME=$HOME" bash scripts/setup.sh',
      // what it built as root in the checkout and HOME goes back to the runner's user
      'sudo chown -R "$(id -u):$(id -g)" "$PWD" "$HOME"',
    ],
  };
  const check: PlanStep = {
    id: 'check-builds',
    title: 'Check that every workload artifact is built and current',
    commands: ['npx faasmark build --check'],
  };
  const report: PlanStep = {
    id: 'report',
    title: 'Report (HTML, figures, CSV)',
    if: 'always()',
    commands: [
      `if [ -d ${job.results} ]; then npx faasmark report ${job.results} --csv > /dev/null; else echo "no results in ${job.results}"; fi`,
    ],
  };
  const baseline: PlanStep = {
    id: 'baseline',
    title: "Download the last successful night's results",
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression
    env: { GH_TOKEN: '${{ github.token }}' },
    commands: [
      `mkdir -p baseline/${job.artifact}`,
      `id=$(gh run list --workflow "$WORKFLOW_FILE" --status success --branch "$GITHUB_REF_NAME" --limit 1 --json databaseId --jq '.[0].databaseId // empty')`,
      'if [ -n "$id" ]; then',
      `  gh run download "$id" --name ${job.artifact} --dir baseline/${job.artifact} || echo "::warning::no ${job.artifact} artifact in run $id"`,
      'else',
      '  echo "::notice::no successful night yet: tonight becomes the baseline"',
      'fi',
    ],
  };
  const gate: PlanStep = {
    id: 'gate',
    title: 'Regression gate (faasmark gate) and job summary',
    commands: [
      `npx faasmark gate --baseline baseline/${job.artifact} --candidate ${job.results} --threshold "$REGRESSION_THRESHOLD"`,
    ],
  };
  return { setup, check, report, baseline, gate };
}

/** Download a file and check it against a published checksum file (`sha256sum -c`). */
function tools(p: typeof NIGHTLY_PINS): PlanStep {
  const kind = `https://kind.sigs.k8s.io/dl/${p.kind}/kind-linux-amd64`;
  const helm = `https://get.helm.sh/helm-${p.helm}-linux-amd64.tar.gz`;
  const spin = `https://github.com/spinframework/spin/releases/download/${p.spin}`;
  return {
    id: 'tools',
    title: `Install kind ${p.kind}, helm ${p.helm} and the Spin CLI ${p.spin} (checksums verified)`,
    commands: [
      'dl="$RUNNER_TEMP/tools" && mkdir -p "$dl" && cd "$dl"',
      `curl -fsSLO ${kind} && curl -fsSLO ${kind}.sha256sum && sha256sum -c kind-linux-amd64.sha256sum`,
      'sudo install -m 0755 kind-linux-amd64 /usr/local/bin/kind',
      `curl -fsSLO ${helm} && curl -fsSLO ${helm}.sha256sum && sha256sum -c helm-${p.helm}-linux-amd64.tar.gz.sha256sum`,
      `tar xzf helm-${p.helm}-linux-amd64.tar.gz && sudo install -m 0755 linux-amd64/helm /usr/local/bin/helm`,
      `curl -fsSLO ${spin}/spin-${p.spin}-linux-amd64.tar.gz && curl -fsSLO ${spin}/checksums-${p.spin}.txt`,
      `sha256sum -c --ignore-missing checksums-${p.spin}.txt`,
      `mkdir -p "$RUNNER_TEMP/spin" && tar xzf spin-${p.spin}-linux-amd64.tar.gz -C "$RUNNER_TEMP/spin" spin`,
      'echo "FAASMARK_SPIN_BIN=$RUNNER_TEMP/spin/spin" >> "$GITHUB_ENV"',
      'kind version && helm version --short && kubectl version --client && "$RUNNER_TEMP/spin/spin" --version',
    ],
  };
}

/** One title for both forms: the workflow file is the same whichever the night runs. */
const INVOKER_TITLE = `MRU invoker image (built on ${NIGHTLY_PINS.upstreamInvokerImage}, or pulled by digest)`;

/** The MRU invoker: built and layered on the upstream image (default), or pulled by digest. */
function invokerStep(p: typeof NIGHTLY_PINS, image: string, out: string): PlanStep {
  if (image !== MRU_INVOKER_IMAGE) {
    return {
      id: 'invoker-image',
      title: INVOKER_TITLE,
      commands: [
        `docker pull ${sq(image)}`,
        `docker image inspect --format '{{.Id}} {{json .RepoDigests}}' ${sq(image)} | tee ${dq(`${out}/invoker-image.txt`)}`,
      ],
    };
  }
  return {
    id: 'invoker-image',
    title: INVOKER_TITLE,
    commands: [
      `OW_COMMIT=${p.openwhiskCommit} INVOKER_BASE=${sq(p.upstreamInvokerImage)} IMAGE=${sq(image)} bash platforms/openwhisk/mru/build-invoker.sh | tee ${dq(`${out}/invoker-image.json`)}`,
      `test -s ${dq(`${out}/invoker-image.json`)}`,
    ],
  };
}

/** The cluster job: OpenWhisk on kind with the MRU invoker, and Spin on the runner. */
export function clusterJob(inputs: PlanInputs, p: typeof NIGHTLY_PINS = NIGHTLY_PINS): PlanJob {
  const job = { results: 'results/nightly-cluster', artifact: 'nightly-cluster-results' };
  const c = common(job);
  const suite = `${inputs.out}/cluster/nightly-cluster.yaml`;
  const images: PlanStep = {
    id: 'action-images',
    title: `Build the action images the suite names (${Object.values(inputs.actionImages).join(', ') || 'none'})`,
    // the base images they build on come from the setup step (scripts/setup-docker.sh)
    commands: Object.entries(inputs.actionImages).map(
      ([w, image]) => `bash workloads/docker/build-image.sh ${sq(w)} ${sq(image)}`,
    ),
  };
  const run: PlanStep = {
    id: 'suite',
    title: 'Run the nightly-cluster suite (the kind cluster is created and removed by faasmark)',
    commands: [`npx faasmark run ${dq(suite)} --out ${job.results}`],
  };
  return {
    id: 'cluster',
    name: 'OpenWhisk (kind, MRU invoker) and Spin: nightly-cluster suite',
    ...job,
    steps: [
      c.setup,
      c.check,
      tools(p),
      images,
      invokerStep(p, inputs.invokerImage, inputs.out),
      run,
      c.report,
      c.baseline,
      c.gate,
    ],
  };
}

/** The embedded job: the quick suite on the real embedded runtimes (Docker containers, Wasmtime). */
export function embeddedJob(inputs: PlanInputs): PlanJob {
  const job = { results: 'results/quick', artifact: 'quick-results' };
  const c = common(job);
  const run: PlanStep = {
    id: 'suite',
    title: `Run the ${inputs.embeddedSuite} suite (local-container, local-wasm), ${inputs.embeddedRepeat} repetitions`,
    commands: [
      `npx faasmark run ${sq(inputs.embeddedSuite)} --repeat ${inputs.embeddedRepeat} --out ${job.results}`,
    ],
  };
  return {
    id: 'embedded',
    name: `${inputs.embeddedSuite} suite on the embedded platforms`,
    ...job,
    steps: [c.setup, c.check, run, c.report, c.baseline, c.gate],
  };
}

/** A step's script file name inside `<out>/<job>/`. */
export function scriptName(index: number, step: PlanStep): string {
  return `${String(index + 1).padStart(2, '0')}-${step.id}.sh`;
}

/** The text of a step's script. */
export function scriptText(job: PlanJob, index: number, step: PlanStep): string {
  return [
    '#!/usr/bin/env bash',
    `# faasmark nightly plan: job ${job.id}, step ${index + 1} (${step.id}): ${step.title}`,
    '# Generated by `faasmark nightly plan --out`; edit harness/cli/commands/nightly/plan.ts, not this file.',
    'set -euo pipefail',
    ...step.commands,
    '',
  ].join('\n');
}

/** How the workflow calls a step's script (the line {@link checkWorkflow} looks for). */
export function workflowCall(
  job: PlanJob,
  index: number,
  step: PlanStep,
  outExpr = '$RUNNER_TEMP/nightly',
): string {
  return `bash "${outExpr}/${job.id}/${scriptName(index, step)}"`;
}

/** The workflow's own bootstrap `run:` steps (before the plan exists): npm ci, then the plan. */
export function bootstrapRuns(job: JobId, outExpr = '$RUNNER_TEMP/nightly'): string[] {
  return ['npm ci', planCommand(job, outExpr)];
}

/** The plan invocation of a job in the workflow (the invoker image comes from the dispatch input). */
export function planCommand(job: JobId, outExpr = '$RUNNER_TEMP/nightly'): string {
  const image =
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell expansion
    job === 'cluster' ? ' ${OPENWHISK_INVOKER_IMAGE:+--invoker-image "$OPENWHISK_INVOKER_IMAGE"}' : '';
  return `npx faasmark nightly plan --job ${job} --out "${outExpr}"${image}`;
}

interface WorkflowStep {
  name?: string;
  run?: string;
  uses?: string;
  if?: string;
  env?: Record<string, unknown>;
  with?: Record<string, unknown>;
}

/** One workflow job against its plan job: the bootstrap, then the plan's scripts, then the upload. */
function checkJob(job: PlanJob, steps: WorkflowStep[], outExpr: string): string[] {
  const problems: string[] = [];
  const runs = steps.filter((s) => s.run !== undefined);
  const expected = [
    ...bootstrapRuns(job.id, outExpr).map((run) => ({ run, step: undefined as PlanStep | undefined })),
    ...job.steps.map((step, i) => ({ run: workflowCall(job, i, step, outExpr), step })),
  ];
  for (const [i, e] of expected.entries()) {
    const got = runs[i];
    const where = `jobs.${job.id} run step ${i + 1}`;
    if (!got) {
      problems.push(`${where}: missing, expected \`${e.run}\``);
      continue;
    }
    const run = (got.run ?? '').trim();
    if (run !== e.run) problems.push(`${where}: runs \`${run}\`, expected \`${e.run}\``);
    if (!e.step) continue;
    if (got.name !== e.step.title)
      problems.push(`${where}: name ${JSON.stringify(got.name)}, expected ${JSON.stringify(e.step.title)}`);
    if ((got.if ?? undefined) !== e.step.if)
      problems.push(`${where}: if ${JSON.stringify(got.if)}, expected ${JSON.stringify(e.step.if)}`);
    for (const [k, v] of Object.entries(e.step.env ?? {}))
      if (got.env?.[k] !== v) problems.push(`${where}: env.${k} must be ${JSON.stringify(v)}`);
  }
  for (const extra of runs.slice(expected.length))
    problems.push(`jobs.${job.id}: runs \`${(extra.run ?? '').trim()}\`, which is not a plan step`);
  const upload = steps.find((s) => s.uses?.startsWith('actions/upload-artifact@'));
  const w = upload?.with;
  if (!upload || w?.name !== job.artifact || w?.path !== job.results || upload.if !== 'always()')
    problems.push(
      `jobs.${job.id}: needs an actions/upload-artifact step with name ${job.artifact}, path ${job.results} and if: always()`,
    );
  return problems;
}

/**
 * Compare a parsed workflow with the plan: each plan job is a workflow job whose `run:` steps
 * are the bootstrap, then exactly the plan's scripts in order (names, `if:`, `env:` as planned),
 * with the results uploaded; `uses:` steps may sit anywhere. Returns the problems (empty: no drift).
 */
export function checkWorkflow(
  workflow: unknown,
  jobs: PlanJob[],
  outExpr = '$RUNNER_TEMP/nightly',
): string[] {
  const wf = workflow as {
    jobs?: Record<string, { steps?: WorkflowStep[] }>;
    defaults?: { run?: { shell?: string } };
  } | null;
  const wfJobs = wf?.jobs ?? {};
  const problems = Object.keys(wfJobs)
    .filter((j) => !jobs.some((p) => p.id === j))
    .map((j) => `jobs.${j}: not in the plan`);
  // GitHub runs `shell: bash` steps with -eo pipefail; its default shell has no pipefail
  if (wf?.defaults?.run?.shell !== 'bash') problems.push('defaults.run.shell must be bash (-eo pipefail)');
  for (const job of jobs) {
    const wfJob = wfJobs[job.id];
    if (!wfJob) problems.push(`jobs.${job.id}: missing (the plan has it)`);
    else problems.push(...checkJob(job, wfJob.steps ?? [], outExpr));
  }
  return problems;
}

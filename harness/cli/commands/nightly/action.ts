/**
 * `faasmark nightly plan`: build the plan (./plan.ts), validate everything it names (the
 * suites as `faasmark run --dry-run` would, every image reference, every script, the workflow
 * file against the plan), then print it or write one script per step (docs/ci.md). Nothing is
 * written when a check fails.
 */
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parse, stringify } from 'yaml';
import { ConfigError, FaasmarkError } from '../../../../core/errors.js';
import { rootPath } from '../../../../core/paths.js';
import { parseImageRef } from '../../../../platforms/external/image-ref.js';
import { MRU_INVOKER_IMAGE } from '../../../../platforms/openwhisk/pins.js';
import { loadSuite } from '../../../suite/load.js';
import { out, outJson } from '../../io.js';
import type { NightlyPlanOptions } from './index.js';
import {
  checkWorkflow,
  clusterJob,
  embeddedJob,
  NIGHTLY_PINS,
  type PlanInputs,
  type PlanJob,
  scriptName,
  scriptText,
} from './plan.js';
import { planText } from './render.js';

export const CLUSTER_SUITE = rootPath('ci', 'nightly-cluster.yaml');
/** Repository scripts the steps call (scripts/setup.sh is the machine setup every job starts with). */
export const CALLED_SCRIPTS = [
  'scripts/setup.sh',
  'workloads/docker/build-image.sh',
  'platforms/openwhisk/mru/build-invoker.sh',
];

interface SuiteDoc {
  platforms?: Array<Record<string, unknown>>;
}

/** The cluster suite as the night runs it: the invoker image set, its action images listed. */
export function nightlySuite(
  text: string,
  invokerImage: string,
): { doc: SuiteDoc; actionImages: Record<string, string> } {
  const doc = (parse(text) ?? {}) as SuiteDoc;
  const ow = doc.platforms?.find((p) => p.name === 'openwhisk');
  if (ow) ow.invokerImage = invokerImage;
  const actions = (ow?.actions ?? {}) as Record<string, { image?: string }>;
  const actionImages = Object.fromEntries(
    Object.entries(actions).flatMap(([w, a]) => (typeof a?.image === 'string' ? [[w, a.image]] : [])),
  );
  return { doc, actionImages };
}

async function suiteProblems(file: string, name: string, repeat?: number): Promise<string[]> {
  try {
    await loadSuite(file, { displayName: name, ...(repeat === undefined ? {} : { repeat }) });
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return [err.message, ...err.problems];
    if (err instanceof FaasmarkError) return [err.message];
    throw err;
  }
}

/**
 * Every check of the plan; returns the problems (empty: valid).
 * @param finalSuite path of the cluster suite as it will run (already written)
 */
export async function validatePlan(
  jobs: PlanJob[],
  inputs: PlanInputs,
  finalSuite: string,
  root = rootPath(),
): Promise<string[]> {
  const problems: string[] = [];
  const images = [
    inputs.invokerImage,
    NIGHTLY_PINS.upstreamInvokerImage,
    ...Object.values(inputs.actionImages),
  ];
  for (const image of images)
    if (!parseImageRef(image)) problems.push(`image ${JSON.stringify(image)} is not an image reference`);
  if (jobs.some((j) => j.id === 'cluster')) {
    if (Object.keys(inputs.actionImages).length === 0)
      problems.push('ci/nightly-cluster.yaml: the openwhisk entry names no action image');
    problems.push(...(await suiteProblems(finalSuite, 'nightly-cluster.yaml')));
  }
  if (jobs.some((j) => j.id === 'embedded'))
    problems.push(
      ...(await suiteProblems(inputs.embeddedSuite, inputs.embeddedSuite, inputs.embeddedRepeat)),
    );
  for (const script of CALLED_SCRIPTS)
    if (!existsSync(join(root, script))) problems.push(`${script} does not exist (a plan step calls it)`);
  const workflow = join(root, '.github', 'workflows', 'nightly.yml');
  if (!existsSync(workflow)) problems.push('.github/workflows/nightly.yml does not exist');
  else {
    const all = [clusterJob(inputs), embeddedJob(inputs)];
    problems.push(
      ...checkWorkflow(parse(readFileSync(workflow, 'utf8')), all).map(
        (p) => `.github/workflows/nightly.yml: ${p}`,
      ),
    );
  }
  return problems;
}

/** Write `<dir>/<job>/NN-<step>.sh`, the cluster suite and plan.json, atomically (one rename). */
function writePlan(dir: string, jobs: PlanJob[], suiteText: string, plan: unknown): void {
  const tmp = `${dir}.partial-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  try {
    for (const job of jobs) {
      mkdirSync(join(tmp, job.id), { recursive: true });
      job.steps.forEach((step, i) => {
        const file = join(tmp, job.id, scriptName(i, step));
        writeFileSync(file, scriptText(job, i, step));
        chmodSync(file, 0o755);
      });
    }
    mkdirSync(join(tmp, 'cluster'), { recursive: true });
    writeFileSync(join(tmp, 'cluster', 'nightly-cluster.yaml'), suiteText);
    writeFileSync(join(tmp, 'plan.json'), `${JSON.stringify(plan, null, 2)}\n`);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dirname(dir), { recursive: true });
    renameSync(tmp, dir);
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
}

/** @param root where the called scripts and the workflow file are looked up (tests pass a copy) */
export async function planAction(o: NightlyPlanOptions, root = rootPath()): Promise<void> {
  const outDir = o.out ? resolve(o.out) : undefined;
  const invokerImage = o.invokerImage ?? MRU_INVOKER_IMAGE;
  const { doc, actionImages } = nightlySuite(readFileSync(CLUSTER_SUITE, 'utf8'), invokerImage);
  const suiteText = `# Written by faasmark nightly plan from ci/nightly-cluster.yaml (invoker image ${invokerImage}).\n${stringify(doc)}`;
  const inputs: PlanInputs = {
    out: outDir ?? '$RUNNER_TEMP/nightly',
    invokerImage,
    actionImages,
    embeddedSuite: 'quick',
    embeddedRepeat: 2,
  };
  const jobs = [clusterJob(inputs), embeddedJob(inputs)].filter((j) => o.jobs.includes(j.id));
  const scratch = mkdtempSync(join(tmpdir(), 'faasmark-plan-'));
  let problems: string[];
  try {
    const finalSuite = join(scratch, 'nightly-cluster.yaml');
    writeFileSync(finalSuite, suiteText);
    problems = await validatePlan(jobs, inputs, finalSuite, root);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  if (problems.length)
    throw new ConfigError(
      `the nightly plan is not valid (${problems.length} problem${problems.length > 1 ? 's' : ''})`,
      problems,
      {
        hint: 'fix the suite, the image or the workflow named above; .github/workflows/nightly.yml must run the plan scripts in order',
      },
    );
  const plan = { schemaVersion: 1, pins: NIGHTLY_PINS, invokerImage, jobs };
  if (outDir) writePlan(outDir, jobs, suiteText, plan);
  if (o.json) outJson(plan);
  else out(planText(plan, outDir));
}

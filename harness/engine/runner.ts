/**
 * `faasmark run`'s engine: the plan (built once) → the run directory (new, or resumed) → each
 * point on its suite entry's platform instance (point.ts) → the run summary. manifest.json is
 * written first, each point atomically, summary.json after every point, so a crash loses at
 * most the point in progress; `resume` skips the points whose summary says complete.
 */
import { resolve } from 'node:path';
import { FaasmarkError, UsageError } from '../../core/errors.js';
import { shutdownSignal } from '../../core/lifecycle.js';
import { rootPath } from '../../core/paths.js';
import type { PointSummary, RunManifest, RunSummary } from '../../results/types.js';
import type { LoadProgress } from '../loadgen/open-loop.js';
import { filterPoints, type PlannedPoint, planSuite } from '../suite/plan.js';
import { type PlatformResolver, registryResolver } from '../suite/platform-resolver.js';
import type { Suite } from '../suite/types.js';
import { PlatformInstances } from './platform-instances.js';
import { executePoint } from './point.js';
import { RunDirectory } from './run-directory.js';

export interface RunSuiteOptions {
  suite: Suite;
  /**
   * The suite's full plan, `planSuite(suite)`, when the caller has built it already (to show
   * it); built here otherwise. `only` selects from it.
   */
  plan?: PlannedPoint[];
  /** Run directory; default results/runs/<suite>-<timestamp> under the current directory. */
  out?: string;
  resume?: boolean;
  only?: string;
  resolver?: PlatformResolver;
  /** Aborted on SIGINT (default: the process's shutdown signal). */
  signal?: AbortSignal;
  buildDir?: string;
  log?: (line: string) => void;
  /** Progress of the point in flight (index from 0, of `total`). */
  onProgress?: (point: PlannedPoint, index: number, total: number, p: LoadProgress) => void;
  onPointDone?: (summary: PointSummary, index: number, total: number) => void;
}

export interface RunResult {
  out: string;
  runId: string;
  /** The points this run was asked for (the plan after `only`). */
  plan: PlannedPoint[];
  /** Points skipped because --resume found them complete. */
  skipped: string[];
  summary: RunSummary;
  manifest: RunManifest;
}

/** results/runs/<suite>-<UTC timestamp> (colons replaced so it is a valid file name everywhere). */
export function defaultOutDir(suite: string, now = new Date(), cwd = process.cwd()): string {
  const stamp = now
    .toISOString()
    .replace(/\.\d+Z$/, 'Z')
    .replaceAll(':', '-');
  return resolve(cwd, 'results', 'runs', `${suite}-${stamp}`);
}

async function workloadInput(suite: Suite, workload: string): Promise<unknown> {
  const override = suite.workloadInput[workload];
  try {
    const { getWorkload } = await import('../../workloads/registry.js');
    const def = getWorkload(workload);
    return def.validateInput({ ...def.defaultInput, ...(override ?? {}) });
  } catch (err) {
    if (err instanceof FaasmarkError) throw err;
    return override ?? {};
  }
}

/** The points `only` selects; UsageError when it selects none. */
function selectPoints(fullPlan: PlannedPoint[], only: string | undefined, suite: string): PlannedPoint[] {
  const plan = filterPoints(fullPlan, only);
  if (plan.length === 0) {
    throw new UsageError(`--only ${JSON.stringify(only)} matches no point of suite ${suite}`, {
      hint: `point ids look like ${fullPlan[0]?.id ?? '<label>.<workload>.rate<λ>.ka<τ>.rep<n>'}; use --dry-run to list them`,
    });
  }
  return plan;
}

interface PointLoop {
  options: RunSuiteOptions;
  fullPlan: PlannedPoint[];
  plan: PlannedPoint[];
  skipped: readonly string[];
  dir: RunDirectory;
  instances: PlatformInstances;
  /** Platform warnings already logged (each once per run). */
  warned: Set<string>;
  signal: AbortSignal;
  log: (line: string) => void;
}

/** Each point in plan order, until the plan ends, an interrupt, or a point ends incomplete. */
async function runPoints(l: PointLoop): Promise<void> {
  const { options, plan, log, signal } = l;
  const { suite } = options;
  for (const [i, point] of plan.entries()) {
    if (l.skipped.includes(point.id)) {
      log(`[${i + 1}/${plan.length}] ${point.id}: complete, skipped (--resume)`);
      continue;
    }
    if (signal.aborted) break;
    const platform = await l.instances.forPoint(point);
    log(`[${i + 1}/${plan.length}] ${point.id}`);
    const summary = await executePoint(point, {
      suite,
      out: l.dir.out,
      platform,
      input: await workloadInput(suite, point.workload),
      signal,
      log,
      onProgress: (p) => options.onProgress?.(point, i, plan.length, p),
      onDescribed: (d) => {
        for (const w of d.warnings ?? []) if (!l.warned.has(w)) log(`${point.label}: warning: ${w}`);
        for (const w of d.warnings ?? []) l.warned.add(w);
        return l.dir.describePlatform(point.platformIndex, d);
      },
    });
    await l.dir.writeSummary(l.fullPlan, summary);
    options.onPointDone?.(summary, i, plan.length);
    if (summary.status === 'incomplete') break;
    const health = platform.health();
    if (summary.status === 'failed' || !health.ok) {
      // a failed platform is not reused: the next point of its entry starts a fresh instance
      log(`${point.label}: restarting the platform for the next point (${health.reason ?? 'it failed'})`);
      await l.instances.release();
    }
  }
}

/** Run a suite (or the points `only` selects) into a run directory; returns the plan and the summary. */
export async function runSuite(options: RunSuiteOptions): Promise<RunResult> {
  const { suite } = options;
  const signal = options.signal ?? shutdownSignal();
  const log = options.log ?? (() => {});
  const fullPlan = options.plan ?? planSuite(suite);
  const plan = selectPoints(fullPlan, options.only, suite.name);
  const dir = await RunDirectory.open(
    resolve(options.out ?? defaultOutDir(suite.name)),
    suite,
    Boolean(options.resume),
  );
  const skipped = dir.completeIn(plan);
  const instances = new PlatformInstances({
    suite,
    resolver: options.resolver ?? registryResolver,
    out: dir.out,
    buildDir: options.buildDir ?? rootPath('workloads', 'build'),
    log,
  });
  try {
    await runPoints({ options, fullPlan, plan, skipped, dir, instances, warned: new Set(), signal, log });
  } finally {
    await instances.release();
  }
  const summary = await dir.writeSummary(fullPlan);
  if (signal.aborted) {
    throw new FaasmarkError('FM_ABORTED', `interrupted: ${dir.out} holds the finished points`, {
      hint: `continue with: faasmark run ${suite.file} --out ${dir.out} --resume`,
    });
  }
  return { out: dir.out, runId: dir.runId, plan, skipped, summary, manifest: dir.manifest };
}

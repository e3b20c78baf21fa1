/**
 * `faasmark run`: plan → for each point (platform set up, profile, open-loop load, metrics,
 * models) → run summary. Writes <out>/manifest.json first, each point atomically, and
 * <out>/summary.json after every point, so a crash loses at most the point in progress;
 * `resume` skips the points whose summary says complete.
 *
 * Platform instances: one per suite entry, reused by consecutive points of that entry
 * (setup() per point); torn down when the next point needs another entry, at the end, and on
 * SIGINT (harness/lifecycle.ts).
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { FaasmarkError, UsageError } from '../../core/errors.js';
import { writeJsonAtomic } from '../../core/fs-atomic.js';
import { onShutdown, shutdownSignal } from '../../core/lifecycle.js';
import { ROOT, rootPath } from '../../core/paths.js';
import type { Platform } from '../../core/platform.js';
import { VERSION } from '../../core/version.js';
import {
  type PointSummary,
  RESULTS_SCHEMA_VERSION,
  type RunManifest,
  type RunSummary,
} from '../../results/types.js';
import { gitCommit, hostFingerprint } from '../host.js';
import type { LoadProgress } from '../loadgen/open-loop.js';
import { executorKindOf, filterPoints, type PlannedPoint, planSuite } from '../suite/plan.js';
import { type PlatformResolver, registryResolver } from '../suite/platform-resolver.js';
import type { Suite } from '../suite/types.js';
import { executePoint } from './point.js';
import { readPointSummaries } from './run-directory.js';

export interface RunSuiteOptions {
  suite: Suite;
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

export function suiteForManifest(suite: Suite): Record<string, unknown> {
  const { trace, platforms, file, ...rest } = suite;
  return {
    ...rest,
    file,
    platforms: platforms.map((p) => ({ ...p.config, ...(p.label !== p.name ? { label: p.label } : {}) })),
    ...(trace ? { trace: { file: trace.file, within: trace.within, minutes: trace.counts.length } } : {}),
  };
}

export async function runSuite(options: RunSuiteOptions): Promise<RunResult> {
  const { suite } = options;
  const resolver = options.resolver ?? registryResolver;
  const signal = options.signal ?? shutdownSignal();
  const log = options.log ?? (() => {});
  const out = resolve(options.out ?? defaultOutDir(suite.name));
  const runId = basename(out);
  const fullPlan = planSuite(suite);
  const plan = filterPoints(fullPlan, options.only);
  if (plan.length === 0) {
    throw new UsageError(`--only ${JSON.stringify(options.only)} matches no point of suite ${suite.name}`, {
      hint: `point ids look like ${fullPlan[0]?.id ?? '<label>.<workload>.rate<λ>.ka<τ>.rep<n>'}; use --dry-run to list them`,
    });
  }

  // the run directory: new, or resumed
  let manifest: RunManifest;
  const manifestPath = join(out, 'manifest.json');
  if (existsSync(out) && (await readdir(out)).length > 0) {
    if (!options.resume) {
      throw new UsageError(`${out} already holds results`, {
        hint: 'add --resume to continue that run, or pick another --out',
      });
    }
    if (!existsSync(manifestPath))
      throw new UsageError(`${out} has no manifest.json: not a faasmark run directory`);
    manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as RunManifest;
    if (manifest.suite !== suite.name) {
      throw new UsageError(
        `${out} holds a run of suite ${JSON.stringify(manifest.suite)}, not ${JSON.stringify(suite.name)}`,
      );
    }
  } else {
    await mkdir(out, { recursive: true });
    manifest = {
      schemaVersion: RESULTS_SCHEMA_VERSION,
      suite: suite.name,
      suiteConfig: suiteForManifest(suite),
      runId,
      seed: suite.seed,
      createdAt: new Date().toISOString(),
      faasmarkVersion: VERSION,
      gitCommit: await gitCommit(ROOT),
      host: hostFingerprint(),
      platforms: suite.platforms.map((p) => ({ name: p.name, executor: executorKindOf(p.name, p.config) })),
      repeat: suite.repeat,
    };
    await writeJsonAtomic(manifestPath, manifest);
  }

  const existing = await readPointSummaries(out);
  const skipped = plan.filter((p) => existing.get(p.id)?.status === 'complete').map((p) => p.id);
  const summaries = new Map(existing);
  const writeSummary = async () => {
    const summary: RunSummary = {
      schemaVersion: RESULTS_SCHEMA_VERSION,
      suite: suite.name,
      runId,
      createdAt: new Date().toISOString(),
      points: fullPlan.map((p) => summaries.get(p.id)).filter((s): s is PointSummary => s !== undefined),
    };
    await writeJsonAtomic(join(out, 'summary.json'), summary);
    return summary;
  };

  let current: { index: number; platform: Platform; unregister: () => void } | undefined;
  const release = async () => {
    if (!current) return;
    const c = current;
    current = undefined;
    await c.platform.teardown();
    c.unregister();
  };
  const described = new Set<number>();

  try {
    for (const [i, point] of plan.entries()) {
      if (skipped.includes(point.id)) {
        log(`[${i + 1}/${plan.length}] ${point.id}: complete, skipped (--resume)`);
        continue;
      }
      if (signal.aborted) break;
      if (current?.index !== point.platformIndex) {
        await release();
        const entry = suite.platforms[point.platformIndex];
        if (!entry) throw new Error(`plan refers to platform entry ${point.platformIndex}`);
        const workDir = join(out, 'platforms', entry.label);
        await mkdir(workDir, { recursive: true });
        const platform = await resolver.create(entry.name, entry.config, {
          buildDir: options.buildDir ?? rootPath('workloads', 'build'),
          workDir,
          log: (line) => log(line),
        });
        const unregister = onShutdown(`platform ${entry.label}`, () => platform.teardown());
        current = { index: point.platformIndex, platform, unregister };
        if (!described.has(point.platformIndex)) {
          described.add(point.platformIndex);
          const d = await platform.describe();
          manifest.platforms[point.platformIndex] = {
            name: d.name,
            executor: d.executor,
            ...(d.version !== undefined ? { version: d.version } : {}),
            ...(d.details ? { details: d.details } : {}),
          };
          for (const w of d.warnings ?? []) log(`${entry.label}: warning: ${w}`);
          await writeJsonAtomic(manifestPath, manifest);
        }
      }
      log(`[${i + 1}/${plan.length}] ${point.id}`);
      const summary = await executePoint(point, {
        suite,
        out,
        platform: current.platform,
        input: await workloadInput(suite, point.workload),
        signal,
        log,
        onProgress: (p) => options.onProgress?.(point, i, plan.length, p),
      });
      summaries.set(point.id, summary);
      await writeSummary();
      options.onPointDone?.(summary, i, plan.length);
      if (summary.status === 'incomplete') break;
    }
  } finally {
    await release();
  }
  const summary = await writeSummary();
  if (signal.aborted) {
    throw new FaasmarkError('FM_ABORTED', `interrupted: ${out} holds the finished points`, {
      hint: `continue with: faasmark run ${suite.file} --out ${out} --resume`,
    });
  }
  return { out, runId, plan, skipped, summary, manifest };
}

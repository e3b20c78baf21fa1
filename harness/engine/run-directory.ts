/**
 * A run's directory: manifest.json (written first, and again when a platform has described
 * itself), summary.json (rewritten atomically after every point) and the point summaries
 * under points/. A fresh run refuses a directory that already holds results; `--resume`
 * reopens one of the same suite and skips the points whose summary says complete.
 */

import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { runVerdicts } from '../../analysis/verdict/measured.js';
import { UsageError } from '../../core/errors.js';
import { writeJsonAtomic } from '../../core/fs-atomic.js';
import { packageRoot } from '../../core/paths.js';
import type { PlatformDescription } from '../../core/platform.js';
import { redactConfig } from '../../core/secrets.js';
import { faasmarkVersion } from '../../core/version.js';
import {
  type PointSummary,
  RESULTS_SCHEMA_VERSION,
  type RunManifest,
  type RunSummary,
} from '../../results/types.js';
import { gitCommit, hostFingerprint } from '../host.js';
import { executorKindOf, type PlannedPoint } from '../suite/plan.js';
import type { Suite } from '../suite/types.js';

async function readPointSummary(dir: string): Promise<PointSummary> {
  return JSON.parse(await readFile(join(dir, 'summary.json'), 'utf8')) as PointSummary;
}

/** Every point summary under <out>/points (skipping partial directories), by point id. */
export async function readPointSummaries(out: string): Promise<Map<string, PointSummary>> {
  const found = new Map<string, PointSummary>();
  const root = join(out, 'points');
  if (!existsSync(root)) return found;
  for (const name of await readdir(root)) {
    if (name.startsWith('.')) continue;
    const file = join(root, name, 'summary.json');
    if (!existsSync(file)) continue;
    try {
      const s = await readPointSummary(join(root, name));
      found.set(s.pointId, s);
    } catch {
      // an unreadable summary is treated as missing: the point reruns
    }
  }
  return found;
}

/**
 * The suite as the manifest records it: platform entries as written with their secrets
 * redacted (core/secrets.ts: secret-like keys, URL credentials; `writeOnly` values were
 * registered when the entries parsed and are scrubbed from every file), a trace by its file.
 */
export function suiteForManifest(suite: Suite): Record<string, unknown> {
  const { trace, platforms, file, ...rest } = suite;
  return {
    ...rest,
    file,
    platforms: platforms.map((p) =>
      redactConfig({ ...p.config, ...(p.label !== p.name ? { label: p.label } : {}) }),
    ),
    ...(trace ? { trace: { file: trace.file, within: trace.within, minutes: trace.counts.length } } : {}),
  };
}

async function newManifest(suite: Suite, runId: string): Promise<RunManifest> {
  return {
    schemaVersion: RESULTS_SCHEMA_VERSION,
    suite: suite.name,
    suiteConfig: suiteForManifest(suite),
    runId,
    seed: suite.seed,
    createdAt: new Date().toISOString(),
    faasmarkVersion: faasmarkVersion(),
    gitCommit: await gitCommit(packageRoot()),
    host: hostFingerprint(),
    platforms: suite.platforms.map((p) => ({ name: p.name, executor: executorKindOf(p.name, p.config) })),
    repeat: suite.repeat,
  };
}

/** The manifest of the run in `out` being resumed; UsageError when it is not one of `suite`. */
async function resumedManifest(out: string, suite: Suite, resume: boolean): Promise<RunManifest> {
  if (!resume) {
    throw new UsageError(`${out} already holds results`, {
      hint: 'add --resume to continue that run, or pick another --out',
    });
  }
  const path = join(out, 'manifest.json');
  if (!existsSync(path)) throw new UsageError(`${out} has no manifest.json: not a faasmark run directory`);
  const manifest = JSON.parse(await readFile(path, 'utf8')) as RunManifest;
  if (manifest.suite !== suite.name) {
    throw new UsageError(
      `${out} holds a run of suite ${JSON.stringify(manifest.suite)}, not ${JSON.stringify(suite.name)}`,
    );
  }
  return manifest;
}

export class RunDirectory {
  readonly runId: string;

  private constructor(
    readonly out: string,
    private readonly suite: Suite,
    readonly manifest: RunManifest,
    /** Point summaries by id: those found on disk, then each point's as it ends. */
    private readonly summaries: Map<string, PointSummary>,
  ) {
    this.runId = basename(out);
  }

  /** Create the run directory and its manifest, or reopen it (`resume`). */
  static async open(out: string, suite: Suite, resume: boolean): Promise<RunDirectory> {
    let manifest: RunManifest;
    if (existsSync(out) && (await readdir(out)).length > 0) {
      manifest = await resumedManifest(out, suite, resume);
    } else {
      await mkdir(out, { recursive: true });
      manifest = await newManifest(suite, basename(out));
      await writeJsonAtomic(join(out, 'manifest.json'), manifest);
    }
    return new RunDirectory(out, suite, manifest, await readPointSummaries(out));
  }

  /** Ids of the points of `plan` whose summary on disk says complete (--resume skips them). */
  completeIn(plan: readonly PlannedPoint[]): string[] {
    return plan.filter((p) => this.summaries.get(p.id)?.status === 'complete').map((p) => p.id);
  }

  /** Record what the platform of suite entry `index` says about itself, in the manifest. */
  async describePlatform(index: number, d: PlatformDescription): Promise<void> {
    this.manifest.platforms[index] = {
      name: d.name,
      executor: d.executor,
      ...(d.version !== undefined ? { version: d.version } : {}),
      ...(d.engine ? { engine: d.engine } : {}),
      applied: d.applied,
      ...(d.details ? { details: d.details } : {}),
    };
    await writeJsonAtomic(join(this.out, 'manifest.json'), this.manifest);
  }

  /** Record a point's summary and rewrite summary.json: every point of `plan` that has one, in plan order. */
  async writeSummary(plan: readonly PlannedPoint[], point?: PointSummary): Promise<RunSummary> {
    if (point) this.summaries.set(point.pointId, point);
    const summary: RunSummary = {
      schemaVersion: RESULTS_SCHEMA_VERSION,
      suite: this.suite.name,
      runId: this.runId,
      createdAt: new Date().toISOString(),
      points: plan.map((p) => this.summaries.get(p.id)).filter((s): s is PointSummary => s !== undefined),
    };
    summary.verdicts = runVerdicts(summary.points, this.suite.verdict);
    await writeJsonAtomic(join(this.out, 'summary.json'), summary);
    return summary;
  }
}

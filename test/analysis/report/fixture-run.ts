/**
 * Hand-made results directories for the report and compare tests: the exact files an engine
 * run writes (results/types.ts), small enough to reason about.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MetricValues } from '../../../core/metrics.js';
import type { RequestRecord } from '../../../core/records.js';
import type { HostFingerprint, PointSummary, RunManifest, RunSummary } from '../../../results/types.js';

export interface FixturePoint {
  platform?: string;
  /** The entry's label (two entries of one platform). */
  label?: string;
  executor?: 'container' | 'wasm';
  workload?: string;
  arrivalRate?: number;
  keepAlive?: number | null;
  repetition?: number;
  measured?: MetricValues;
  predicted?: MetricValues;
  models?: Record<string, MetricValues>;
  modelInputs?: PointSummary['modelInputs'];
  /** Response times of ok requests (s), one per request, arriving 1 s apart from t = 0. */
  latencies?: number[];
  /** Cold flag per request (same length as latencies). */
  colds?: boolean[];
  valid?: boolean;
  invalidReasons?: string[];
  /** Extra raw lines appended to requests.jsonl (e.g. corrupted ones). */
  extraLines?: string[];
  /** Do not write requests.jsonl. */
  noRequests?: boolean;
}

export const HOST: HostFingerprint = {
  cpuModel: 'Test CPU',
  cores: 2,
  memoryBytes: 24e9,
  kernel: '6.1.0',
  os: 'linux',
  node: 'v20.20.2',
};

export function makeRun(
  dir: string,
  opts: {
    suite?: string;
    host?: Partial<HostFingerprint>;
    points: FixturePoint[];
    noSummary?: boolean;
    noManifest?: boolean;
  },
): RunSummary {
  mkdirSync(dir, { recursive: true });
  const suite = opts.suite ?? 'fixture';
  const manifest: RunManifest = {
    schemaVersion: 1,
    suite,
    suiteConfig: {},
    runId: 'run-1',
    seed: 204,
    createdAt: '2026-11-25T00:00:00.000Z',
    faasmarkVersion: '0.1.0',
    gitCommit: 'abc1234abc1234abc1234abc1234abc1234abc12',
    host: { ...HOST, ...opts.host },
    platforms: [{ name: 'sim', executor: 'container', version: 'test-1' }],
    repeat: Math.max(1, ...opts.points.map((p) => (p.repetition ?? 0) + 1)),
  };
  const points: PointSummary[] = opts.points.map((fp, i) => {
    const latencies = fp.latencies ?? [];
    const pointId = fp.label ? `${fp.label}.p${i}` : `p${i}`;
    const measured = fp.measured ?? {};
    const predicted = fp.predicted ?? {};
    const error: MetricValues = {};
    for (const [k, v] of Object.entries(measured)) {
      const pv = predicted[k as keyof MetricValues];
      if (typeof v === 'number' && typeof pv === 'number' && pv !== 0)
        error[k as keyof MetricValues] = (v - pv) / pv;
    }
    const p: PointSummary = {
      schemaVersion: 1,
      pointId,
      status: 'complete',
      valid: fp.valid ?? true,
      invalidReasons: fp.invalidReasons ?? [],
      platform: fp.platform ?? 'sim',
      ...(fp.label ? { label: fp.label } : {}),
      executor: fp.executor ?? 'container',
      workload: fp.workload ?? 'aes',
      arrivalRate: fp.arrivalRate ?? 1,
      keepAlive: fp.keepAlive === undefined ? 10 : fp.keepAlive,
      repetition: fp.repetition ?? 0,
      arrivals: 'conditional-poisson',
      seed: 204,
      originEpochMs: 0,
      window: { start: 0, end: Math.max(1, latencies.length) },
      requests: { sent: latencies.length, ok: latencies.length, error: 0, timeout: 0, rejected: 0 },
      achievedRate: 1,
      measured,
      predicted,
      error,
      ...(fp.models ? { models: fp.models } : {}),
      ...(fp.modelInputs ? { modelInputs: fp.modelInputs } : {}),
      sendLag: { mean: 0.001, p50: 0.001, p90: 0.002, p99: 0.003, max: 0.004 },
      ks: { statistic: 0.05, pValue: 0.6, n: latencies.length },
    };
    const pdir = join(dir, 'points', pointId);
    mkdirSync(pdir, { recursive: true });
    if (!fp.noRequests) {
      const lines = latencies.map((rt, seq) => {
        const rec: RequestRecord = {
          seq,
          pointId,
          workload: p.workload,
          intendedAt: seq + 0.5,
          sentAt: seq + 0.501,
          doneAt: seq + 0.5 + rt,
          respTime: rt,
          status: 'ok',
          warmup: false,
          platform: fp.colds ? { cold: fp.colds[seq] ?? false } : {},
        };
        return JSON.stringify(rec);
      });
      writeFileSync(
        join(pdir, 'requests.jsonl'),
        [...lines, ...(fp.extraLines ?? [])].map((l) => `${l}\n`).join(''),
      );
    }
    writeFileSync(join(pdir, 'executors.jsonl'), '');
    writeFileSync(join(pdir, 'summary.json'), JSON.stringify(p, null, 2));
    return p;
  });
  const summary: RunSummary = {
    schemaVersion: 1,
    suite,
    runId: 'run-1',
    createdAt: manifest.createdAt,
    points,
  };
  if (!opts.noManifest) writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2));
  if (!opts.noSummary) writeFileSync(join(dir, 'summary.json'), JSON.stringify(summary, null, 2));
  return summary;
}

/** Deterministic pseudo-random latencies (LCG) with the given mean: reproducible without an RNG import. */
export function latencies(n: number, meanValue: number, seed = 1): number[] {
  let s = seed >>> 0;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const u = (s + 0.5) / 2 ** 32;
    out.push(-Math.log(1 - u) * meanValue * 0.2 + meanValue * 0.8);
  }
  return out;
}

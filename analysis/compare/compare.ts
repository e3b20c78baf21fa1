/**
 * Compare two results directories point by point (platform, workload, arrival rate,
 * keep-alive): per metric the ratio candidate/baseline with a seeded percentile-bootstrap 95%
 * CI (whole repetitions resampled when both sides have ≥ 2, requests otherwise), a
 * Mann–Whitney U p-value, and a verdict against the noise threshold t, symmetric in the log of
 * the ratio so that swapping the runs swaps regressed and improved (lower is better):
 *   regressed / improved  ratio > 1 + t (< 1/(1 + t)), the CI excludes 1, p < 0.05 and each
 *                         side has enough samples (≥ 30 requests, or ≥ 2 repetitions)
 *   no difference         within the band, or a CI that includes 1
 *   inconclusive          beyond the band without the evidence (no CI, not significant, too
 *                         few samples), or an undefined ratio
 * Failures (error, timeout, rejection fractions) and validity are metrics too (failures.ts).
 */
import { InputError } from '../../core/errors.js';
import type { PointSummary } from '../../results/types.js';
import { createRng } from '../random.js';
import {
  groupPoints,
  type JsonlIssue,
  type LoadedRun,
  loadRun,
  measuredRequests,
  readRequests,
} from '../report/load-results.js';
import { requestSeries } from '../report/request-series.js';
import {
  type BootstrapOptions,
  bootstrapRatioCi,
  mean,
  quantile,
  type Statistic,
  singletonUnits,
} from '../stats/bootstrap.js';
import { mannWhitneyU } from '../stats/mann-whitney.js';
import { ALPHA, compareFailureFraction, compareValidity, MIN_REQUESTS } from './failures.js';

export const COMPARE_METRICS = [
  'respTimeP50',
  'respTimeP99',
  'respTimeMean',
  'coldProb',
  'totalExecutors',
  'idle',
  'errorFraction',
  'timeoutFraction',
  'rejectFraction',
  'validity',
] as const;
export type CompareMetric = (typeof COMPARE_METRICS)[number];

export type Verdict = 'improved' | 'regressed' | 'no difference' | 'inconclusive';

export interface CompareOptions {
  /** Noise threshold as a fraction (0.05 = 5%). */
  threshold: number;
  seed: number;
  resamples: number;
  level?: number;
}

export interface MetricComparison {
  metric: CompareMetric;
  baseline: number | null;
  candidate: number | null;
  ratio: number | null;
  lo: number | null;
  hi: number | null;
  pValue: number | null;
  /** What the bootstrap resampled. */
  unit: 'repetitions' | 'requests' | 'none';
  verdict: Verdict;
  note?: string;
}

export interface PointComparison {
  key: string;
  platform: string;
  workload: string;
  arrivalRate: number;
  keepAlive: number | null;
  baselineRepetitions: number;
  candidateRepetitions: number;
  metrics: MetricComparison[];
}

export interface CompareResult {
  schemaVersion: 1;
  baseline: string;
  candidate: string;
  threshold: number;
  seed: number;
  resamples: number;
  warnings: string[];
  corruptedLines: JsonlIssue[];
  points: PointComparison[];
  counts: Record<Verdict, number>;
}

/** The evidence beside the ratio and its CI: a p-value and whether each side had enough samples. */
export interface Evidence {
  pValue: number | null;
  enoughSamples: boolean;
}

export function verdictFor(
  ratio: number | null,
  lo: number | null,
  hi: number | null,
  threshold: number,
  evidence: Evidence = { pValue: null, enoughSamples: true },
): Verdict {
  if (ratio === null) return 'inconclusive';
  const up = ratio > 1 + threshold;
  const down = ratio < 1 / (1 + threshold);
  if (!up && !down) return 'no difference';
  if (lo === null || hi === null) return 'inconclusive';
  if ((up && !(lo > 1)) || (down && !(hi < 1))) return 'no difference';
  const significant = evidence.pValue === null || evidence.pValue < ALPHA;
  if (!significant || !evidence.enoughSamples) return 'inconclusive';
  return up ? 'regressed' : 'improved';
}

interface Side {
  points: PointSummary[];
  /** Per repetition: latencies of ok requests in the window. */
  latencies: number[][];
  /** Per repetition: 1 cold / 0 warm per completed request that reports its cold flag. */
  colds: number[][];
}

async function loadSide(run: LoadedRun, points: PointSummary[], issues: JsonlIssue[]): Promise<Side> {
  const latencies: number[][] = [];
  const colds: number[][] = [];
  for (const p of points) {
    const read = await readRequests(run.dir, p.pointId);
    if (!read) {
      throw new InputError(`${run.dir}: points/${p.pointId}/requests.jsonl is missing`, {
        hint: 'compare needs the per-request records; copy the whole results directory',
      });
    }
    issues.push(...read.issues);
    const series = requestSeries(measuredRequests(read.records, p.window));
    latencies.push(series.resp);
    colds.push(series.cold);
  }
  return { points, latencies, colds };
}

const p50: Statistic = (v) => quantile(v, 0.5);
const p99: Statistic = (v) => quantile(v, 0.99);

function summaryValue(p: PointSummary, metric: 'totalExecutors' | 'idle' | 'coldProb'): number | null {
  const m = p.measured ?? {};
  if (metric === 'totalExecutors') return m.totalExecutors ?? m.inFlight ?? null;
  return m[metric] ?? null;
}

/** A comparison without a bootstrap CI or a p-value. */
function withoutCi(
  metric: CompareMetric,
  baseline: number | null,
  candidate: number | null,
  ratio: number | null,
  verdict: Verdict,
  note?: string,
): MetricComparison {
  const out: MetricComparison = {
    metric,
    baseline,
    candidate,
    ratio,
    lo: null,
    hi: null,
    pValue: null,
    unit: 'none',
    verdict,
  };
  if (note !== undefined) out.note = note;
  return out;
}

/** The comparison of a metric that one side lacks: no numbers, verdict inconclusive. */
function oneSideMissing(metric: CompareMetric, note: string): MetricComparison {
  return withoutCi(metric, null, null, null, 'inconclusive', note);
}

/** Bootstrap settings of one metric: its own seeded stream (seed + offset), 95 % unless set. */
function bootstrapOptions(opts: CompareOptions, seedOffset: number): BootstrapOptions {
  return { rng: createRng(opts.seed + seedOffset), resamples: opts.resamples, level: opts.level ?? 0.95 };
}

function compareRequestMetric(
  metric: CompareMetric,
  base: number[][],
  cand: number[][],
  stat: Statistic,
  opts: CompareOptions,
  seedOffset: number,
): MetricComparison {
  const bFlat = base.flat();
  const cFlat = cand.flat();
  if (bFlat.length === 0 || cFlat.length === 0) {
    return oneSideMissing(metric, 'no samples on one side');
  }
  const byRep = base.length >= 2 && cand.length >= 2;
  const ci = bootstrapRatioCi(
    byRep ? base : singletonUnits(bFlat),
    byRep ? cand : singletonUnits(cFlat),
    stat,
    bootstrapOptions(opts, seedOffset),
  );
  const b = stat(bFlat);
  const c = stat(cFlat);
  const pValue = mannWhitneyU(bFlat, cFlat).pValue;
  const enoughSamples = Math.min(bFlat.length, cFlat.length) >= MIN_REQUESTS;
  const out: MetricComparison = {
    metric,
    baseline: b,
    candidate: c,
    ratio: ci.ratio,
    lo: ci.lo,
    hi: ci.hi,
    pValue,
    unit: byRep ? 'repetitions' : 'requests',
    verdict:
      b === 0 && c === 0
        ? 'no difference'
        : verdictFor(ci.ratio, ci.lo, ci.hi, opts.threshold, { pValue, enoughSamples }),
  };
  if (ci.ratio === null && b === 0 && c !== 0) out.note = 'baseline is 0: ratio undefined';
  else if (out.verdict === 'inconclusive' && !enoughSamples)
    out.note = `too few samples (${Math.min(bFlat.length, cFlat.length)} < ${MIN_REQUESTS}) for a verdict`;
  else if (out.verdict === 'inconclusive')
    out.note = `beyond the threshold but not significant (p = ${pValue.toPrecision(2)})`;
  return out;
}

function compareSummaryMetric(
  metric: 'totalExecutors' | 'idle' | 'coldProb',
  base: PointSummary[],
  cand: PointSummary[],
  opts: CompareOptions,
  seedOffset: number,
): MetricComparison {
  const bv = base
    .map((p) => summaryValue(p, metric))
    .filter((v): v is number => v !== null && Number.isFinite(v));
  const cv = cand
    .map((p) => summaryValue(p, metric))
    .filter((v): v is number => v !== null && Number.isFinite(v));
  if (bv.length === 0 || cv.length === 0) {
    return oneSideMissing(metric, 'not measured on one side');
  }
  const b = mean(bv);
  const c = mean(cv);
  if (b === 0 && c === 0) return withoutCi(metric, b, c, null, 'no difference');
  const byRep = bv.length >= 2 && cv.length >= 2;
  if (!byRep) {
    const ratio = b === 0 ? null : c / b;
    return withoutCi(
      metric,
      b,
      c,
      ratio,
      verdictFor(ratio, null, null, opts.threshold),
      'time-averaged over the run: one repetition gives no CI (use --repeat >= 2)',
    );
  }
  const ci = bootstrapRatioCi(
    singletonUnits(bv),
    singletonUnits(cv),
    mean,
    bootstrapOptions(opts, seedOffset),
  );
  // a handful of repetitions: Mann–Whitney's normal approximation would overstate significance
  return {
    metric,
    baseline: b,
    candidate: c,
    ratio: ci.ratio,
    lo: ci.lo,
    hi: ci.hi,
    pValue: mannWhitneyU(bv, cv).pValue,
    unit: 'repetitions',
    verdict: verdictFor(ci.ratio, ci.lo, ci.hi, opts.threshold, { pValue: null, enoughSamples: true }),
  };
}

function hostWarning(a: LoadedRun, b: LoadedRun): string | null {
  const ha = a.manifest?.host;
  const hb = b.manifest?.host;
  if (!ha || !hb) return null;
  const diffs = (['cpuModel', 'cores', 'memoryBytes', 'kernel', 'os', 'node'] as const).filter(
    (k) => ha[k] !== hb[k],
  );
  if (diffs.length === 0) return null;
  return `host fingerprints differ (${diffs.map((k) => `${k}: ${ha[k]} vs ${hb[k]}`).join('; ')}): differences may come from the machine, not the platform`;
}

/**
 * Compare `baselineDir` with `candidateDir`.
 * @throws InputError for missing/empty directories, mismatched suites, no common points, missing requests.jsonl
 */
export async function compareRuns(
  baselineDir: string,
  candidateDir: string,
  opts: CompareOptions,
): Promise<CompareResult> {
  const base = loadRun(baselineDir);
  const cand = loadRun(candidateDir);
  const warnings = [
    ...base.warnings.map((w) => `baseline: ${w}`),
    ...cand.warnings.map((w) => `candidate: ${w}`),
  ];
  if (base.summary.suite !== cand.summary.suite) {
    throw new InputError(
      `mismatched suites: baseline ran "${base.summary.suite}", candidate ran "${cand.summary.suite}"`,
      {
        hint: 'compare two runs of the same suite',
      },
    );
  }
  const hw = hostWarning(base, cand);
  if (hw) warnings.push(hw);
  for (const [side, run] of [
    ['baseline', base],
    ['candidate', cand],
  ] as const)
    if (run.summary.points.some((p) => p.simulated))
      warnings.push(
        `the ${side} is simulated (sim platform): its values come from the simulator, not from a measurement`,
      );
  const bGroups = groupPoints(base.summary.points);
  const cGroups = groupPoints(cand.summary.points);
  const onlyBase = [...bGroups.keys()].filter((k) => !cGroups.has(k));
  const onlyCand = [...cGroups.keys()].filter((k) => !bGroups.has(k));
  if (onlyBase.length) warnings.push(`points only in the baseline (not compared): ${onlyBase.join(', ')}`);
  if (onlyCand.length) warnings.push(`points only in the candidate (not compared): ${onlyCand.join(', ')}`);
  const common = [...bGroups.keys()].filter((k) => cGroups.has(k));
  if (common.length === 0) {
    throw new InputError(
      'the two runs have no point in common (platform, workload, arrival rate, keep-alive)',
      {
        hint: 'compare two runs of the same suite and platforms',
      },
    );
  }
  const corruptedLines: JsonlIssue[] = [];
  const points: PointComparison[] = [];
  const counts: Record<Verdict, number> = { improved: 0, regressed: 0, 'no difference': 0, inconclusive: 0 };
  let offset = 0;
  for (const key of common) {
    const bp = bGroups.get(key) as PointSummary[];
    const cp = cGroups.get(key) as PointSummary[];
    for (const [label, ps] of [
      ['baseline', bp],
      ['candidate', cp],
    ] as const) {
      for (const p of ps)
        if (!p.valid)
          warnings.push(
            `${label} point ${p.pointId} is invalid: ${p.invalidReasons.join('; ') || 'no reason given'}`,
          );
    }
    const bs = await loadSide(base, bp, corruptedLines);
    const cs = await loadSide(cand, cp, corruptedLines);
    const metrics: MetricComparison[] = [
      compareRequestMetric('respTimeP50', bs.latencies, cs.latencies, p50, opts, offset + 1),
      compareRequestMetric('respTimeP99', bs.latencies, cs.latencies, p99, opts, offset + 2),
      compareRequestMetric('respTimeMean', bs.latencies, cs.latencies, mean, opts, offset + 3),
      bs.colds.flat().length && cs.colds.flat().length
        ? compareRequestMetric('coldProb', bs.colds, cs.colds, mean, opts, offset + 4)
        : compareSummaryMetric('coldProb', bp, cp, opts, offset + 4),
      compareSummaryMetric('totalExecutors', bp, cp, opts, offset + 5),
      compareSummaryMetric('idle', bp, cp, opts, offset + 6),
      compareFailureFraction('errorFraction', bp, cp, opts.threshold),
      compareFailureFraction('timeoutFraction', bp, cp, opts.threshold),
      compareFailureFraction('rejectFraction', bp, cp, opts.threshold),
      compareValidity(bp, cp),
    ];
    offset += 16;
    for (const m of metrics) counts[m.verdict]++;
    const first = bp[0] as PointSummary;
    points.push({
      key,
      platform: first.platform,
      workload: first.workload,
      arrivalRate: first.arrivalRate,
      keepAlive: first.keepAlive,
      baselineRepetitions: bp.length,
      candidateRepetitions: cp.length,
      metrics,
    });
  }
  if (corruptedLines.length) warnings.push(`${corruptedLines.length} corrupted JSONL line(s) skipped`);
  return {
    schemaVersion: 1,
    baseline: baselineDir,
    candidate: candidateDir,
    threshold: opts.threshold,
    seed: opts.seed,
    resamples: opts.resamples,
    warnings,
    corruptedLines,
    points,
    counts,
  };
}

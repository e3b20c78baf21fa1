/**
 * One point, start to finish: set the platform up (keep-alive, routing), deploy, profile the
 * model inputs, run the open-loop schedule while streaming records to requests.jsonl and into
 * the metrics, collect executor spans, predict, check integrity, and write
 * points/<id>/{requests.jsonl, executors.jsonl, summary.json} atomically: everything goes to
 * points/.<id>.partial/ first and the directory is renamed when the summary is written. An
 * interrupted point is finalised the same way with `status: "incomplete"` (by a lifecycle
 * cleanup, so it happens before a SIGINT exits).
 */
import { mkdir, rename, rm } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { PointMeasurer } from '../../analysis/metrics/measure.js';
import { createRng } from '../../analysis/random.js';
import { ksExponential } from '../../analysis/stats/ks.js';
import { createPointClock } from '../../core/clock.js';
import { FaasmarkError } from '../../core/errors.js';
import { writeJsonAtomic } from '../../core/fs-atomic.js';
import { JsonlWriter } from '../../core/jsonl.js';
import { onShutdown } from '../../core/lifecycle.js';
import { METRIC_KEYS, type MetricValues, relativeError } from '../../core/metrics.js';
import type { Platform, RoutingPolicy } from '../../core/platform.js';
import type { ExecutorSpan } from '../../core/records.js';
import { type ModelInputs, type PointSummary, RESULTS_SCHEMA_VERSION } from '../../results/types.js';
import { type Arrival, arrivalSchedule } from '../arrivals.js';
import { type LoadProgress, type OpenLoopResult, runOpenLoop } from '../loadgen/open-loop.js';
import { RecordSink } from '../loadgen/record-sink.js';
import type { PlannedPoint } from '../suite/plan.js';
import type { Suite } from '../suite/types.js';
import { invalidReasons } from './integrity.js';
import { modelInputsFor } from './model-inputs.js';
import { predictPoint } from './predict.js';

export interface PointContext {
  suite: Suite;
  /** The run directory. */
  out: string;
  platform: Platform;
  /** The workload input (defaults merged with the suite's overrides). */
  input: unknown;
  signal: AbortSignal;
  onProgress?: (p: LoadProgress) => void;
  log: (line: string) => void;
}

export function pointDir(out: string, id: string): string {
  return join(out, 'points', id);
}

/** Lead time between the end of profiling and the first scheduled arrival (s). */
const START_LEAD = 0.05;

export async function executePoint(point: PlannedPoint, ctx: PointContext): Promise<PointSummary> {
  const { suite, platform } = ctx;
  const finalDir = pointDir(ctx.out, point.id);
  const partialDir = join(ctx.out, 'points', `.${point.id}.partial`);
  await rm(partialDir, { recursive: true, force: true });
  await rm(finalDir, { recursive: true, force: true });
  await mkdir(partialDir, { recursive: true });

  const entry = suite.platforms[point.platformIndex];
  const routing = entry?.config.routing as RoutingPolicy | undefined;
  const clock = createPointClock();
  const base: Omit<
    PointSummary,
    | 'status'
    | 'valid'
    | 'invalidReasons'
    | 'window'
    | 'requests'
    | 'achievedRate'
    | 'measured'
    | 'predicted'
    | 'error'
  > = {
    schemaVersion: RESULTS_SCHEMA_VERSION,
    pointId: point.id,
    label: point.label,
    platform: point.platform,
    executor: platform.executor,
    workload: point.workload,
    arrivalRate: point.arrivalRate,
    keepAlive: platform.executor === 'wasm' ? null : point.keepAlive,
    routing: routing ?? null,
    repetition: point.repetition,
    arrivals: point.arrivals.process,
    seed: point.seed,
    originEpochMs: clock.originEpochMs,
  };

  let requestsSink: RecordSink | undefined;
  let loadResult: OpenLoopResult | undefined;
  let liveCounts = { sent: 0, ok: 0, error: 0, timeout: 0, rejected: 0 };
  let modelInputs: ModelInputs | undefined;
  let finalized = false;
  let finalizing: Promise<PointSummary> | undefined;
  let loadPromise: Promise<OpenLoopResult> | undefined;
  let window = { start: 0, end: 0 };

  // memoised: the runner and the SIGINT cleanup may both ask; both wait for the same write
  const finalizeIncomplete = (reason: string): Promise<PointSummary> => {
    finalizing ??= writeIncomplete(reason);
    return finalizing;
  };
  const writeIncomplete = async (reason: string): Promise<PointSummary> => {
    finalized = true;
    await requestsSink?.close().catch(() => {});
    const counts = loadResult?.counts ?? liveCounts;
    const summary: PointSummary = {
      ...base,
      status: 'incomplete',
      valid: false,
      invalidReasons: [reason],
      window,
      requests: counts,
      achievedRate: null,
      measured: {},
      predicted: {},
      error: {},
      ...(modelInputs ? { modelInputs } : {}),
      unsent: loadResult?.unsent ?? 0,
      notes: ['interrupted: metrics are not computed for an incomplete point; rerun it with --resume'],
    };
    await writeJsonAtomic(join(partialDir, 'summary.json'), summary);
    await rm(finalDir, { recursive: true, force: true });
    await rename(partialDir, finalDir);
    return summary;
  };
  // on SIGINT: let the generator stop (it aborts and records what is in flight), then write
  const unregister = onShutdown(`point ${point.id}: mark incomplete`, async () => {
    if (finalized && !finalizing) return; // the point was written complete
    const r = await loadPromise?.catch(() => undefined);
    if (r) loadResult = r;
    await finalizeIncomplete('interrupted (signal)');
  });

  try {
    await platform.setup(
      {
        ...(point.keepAlive !== null ? { keepAlive: point.keepAlive } : {}),
        ...(routing ? { routing } : {}),
        requestTimeout: suite.requestTimeout,
        signal: ctx.signal,
      },
      clock,
    );
    await platform.deploy(point.workload);
    try {
      modelInputs = await modelInputsFor(
        suite.modelInputs,
        platform,
        clock,
        point.workload,
        ctx.input,
        suite.requestTimeout,
        { keepAlive: point.keepAlive, signal: ctx.signal },
      );
    } catch (err) {
      // interrupted in the profile's idle gaps: incomplete, like an interrupt during the load
      if (!(err instanceof FaasmarkError && err.code === 'FM_ABORTED')) throw err;
      const summary = await finalizeIncomplete('interrupted (signal)');
      unregister();
      return summary;
    }

    // the schedule starts after profiling: shift it by the offset (all times stay on the point clock)
    const offset = clock.now() + START_LEAD;
    const shifted = function* (): Generator<Arrival> {
      for (const a of arrivalSchedule(point.arrivals, createRng(point.seed)))
        yield { ...a, at: a.at + offset };
    };
    // W's end is the last measured arrival: one cheap pass over the (lazy) schedule
    let lastMeasured = offset + point.arrivals.warmup;
    for (const a of shifted()) if (!a.warmup) lastMeasured = a.at;
    window = { start: offset + point.arrivals.warmup, end: lastMeasured };

    const measurer = new PointMeasurer({
      executor: platform.executor,
      capabilities: platform.capabilities,
      window,
      duration: point.arrivals.duration,
    });
    const sink = new RecordSink(await JsonlWriter.open(join(partialDir, 'requests.jsonl')));
    requestsSink = sink;
    loadPromise = runOpenLoop({
      platform,
      schedule: shifted(),
      clock,
      pointId: point.id,
      workload: point.workload,
      input: ctx.input,
      requestTimeout: suite.requestTimeout,
      drainTimeout: suite.drainTimeout,
      signal: ctx.signal,
      onProgress: (p) => {
        liveCounts = p.counts;
        ctx.onProgress?.({ ...p, elapsed: p.elapsed - offset });
      },
      onRecord: (r) => {
        measurer.add(r);
        sink.push(r);
      },
    });
    loadResult = await loadPromise;
    if (loadResult.aborted) {
      const summary = await finalizeIncomplete('interrupted (signal)');
      unregister();
      return summary;
    }
    await sink.close();

    const spans: ExecutorSpan[] = await platform.executorSpans();
    const spansWriter = await JsonlWriter.open(join(partialDir, 'executors.jsonl'));
    await spansWriter.writeMany(spans);
    await spansWriter.close();

    const m = measurer.finish(spans);
    const scheduledRate =
      point.arrivals.duration > 0 ? loadResult.measuredScheduled / point.arrivals.duration : null;
    const ks =
      loadResult.measuredGaps.length >= 2 ? ksExponential(loadResult.measuredGaps, point.arrivalRate) : null;

    const prediction = await predictPoint({
      executor: platform.executor,
      arrivalRate: point.arrivalRate,
      keepAlive: point.keepAlive,
      modelInputs,
      maxConcurrency: (entry?.config.maxConcurrency as number | undefined) ?? suite.maxConcurrency,
      smpVariant: suite.smpVariant,
      ...(routing ? { routing } : {}),
      cores: availableParallelism(),
      ...(suite.simulator ? { simulate: { arrivals: point.arrivals, seed: point.seed } } : {}),
    });
    const error: MetricValues = {};
    for (const k of METRIC_KEYS) {
      if (k in m.measured || k in prediction.predicted)
        error[k] = relativeError(m.measured[k], prediction.predicted[k]);
    }
    const reasons = invalidReasons({
      requests: m.requests,
      complete: true,
      achievedRate: m.achievedRate,
      scheduledRate,
      thresholds: suite.thresholds,
    });
    const summary: PointSummary = {
      ...base,
      status: 'complete',
      valid: reasons.length === 0,
      invalidReasons: reasons,
      window,
      requests: m.requests,
      achievedRate: m.achievedRate,
      scheduledRate,
      measured: m.measured,
      measuredSampled: m.measuredSampled,
      predicted: prediction.predicted,
      primaryModel: prediction.primary,
      error,
      models: prediction.models,
      modelInputs,
      latency: m.latency,
      ...(m.platformRespTime ? { platformRespTime: m.platformRespTime } : {}),
      ...(prediction.platformRespTime !== undefined
        ? {
            platformComparison: {
              measured: m.platformRespTime?.mean ?? null,
              predicted: prediction.platformRespTime,
              error: relativeError(m.platformRespTime?.mean, prediction.platformRespTime),
            },
          }
        : {}),
      sendLag: m.sendLag,
      ks: ks ? { statistic: ks.statistic, pValue: ks.pValue, n: ks.n } : null,
      unsent: 0,
      notes: prediction.notes,
    };
    await writeJsonAtomic(join(partialDir, 'summary.json'), summary);
    finalized = true;
    await rm(finalDir, { recursive: true, force: true });
    await rename(partialDir, finalDir);
    unregister();
    return summary;
  } catch (err) {
    unregister();
    if (!finalized) {
      finalized = true;
      await requestsSink?.close().catch(() => {});
      await rm(partialDir, { recursive: true, force: true });
    }
    throw err;
  }
}

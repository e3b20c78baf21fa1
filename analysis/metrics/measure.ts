/**
 * Measured metrics of one point, exactly as docs/engine.md "Metric definitions" defines them
 * (the table there gives each metric's formula) — pure: records and spans in, numbers out, one
 * pass, memory independent of the request count.
 *
 * Window W = [end of warm-up, last measured arrival]; requests count by arrival (intended send
 * time) in W, warm-up arrivals never do, but their service intervals count where they overlap
 * W. Time-weighted counts are exact integrals over W. Metrics the platform cannot observe (no
 * platform times, no cold flag, no spans) are null. The thesis's sampled estimates (running
 * every 1 s, totals every 2 s) are in sampled.ts.
 */

import { type MetricKey, type MetricValues, metricsFor } from '../../core/metrics.js';
import type { ExecutorKind, PlatformCapabilities } from '../../core/platform.js';
import type { ExecutorSpan, RequestRecord } from '../../core/records.js';
import { platformRespTime, serviceInterval } from '../../core/records.js';
import type { Percentiles, RequestCounts } from '../../results/types.js';
import { PercentileRecorder } from '../stats/percentiles.js';
import { BatchAccumulator, type ColdHint, type Interval } from './batches.js';
import { SampleGrid } from './sampled.js';

export interface MeasureWindow {
  start: number;
  end: number;
}

export interface MeasureOptions {
  executor: ExecutorKind;
  capabilities: Pick<PlatformCapabilities, 'coldFlag' | 'executorSpans' | 'platformTimes'>;
  window: MeasureWindow;
  /**
   * Length of the measured segment of the schedule (s). The achieved rate is
   * sent / max(duration, last actual send − W.start): a generator or platform that falls behind
   * stretches the denominator. Defaults to |W|.
   */
  duration?: number;
  /** Sampling steps of the thesis's estimates (s); defaults 1 (running, in-flight) and 2 (totals). */
  runningStep?: number;
  totalStep?: number;
}

export interface MeasureResult {
  /** Requests arriving in W by status. */
  requests: RequestCounts;
  /** Requests sent per second (see MeasureOptions.duration); null when nothing was measured. */
  achievedRate: number | null;
  measured: MetricValues;
  /** 95% CI of each measured metric (batch means; Wilson for proportions), where computable. */
  measuredCi: Partial<Record<MetricKey, Interval>>;
  measuredSampled: MetricValues;
  latency: Percentiles;
  platformRespTime: Percentiles | null;
  sendLag: Percentiles;
  /** The most frequent message of the window's errors and timeouts (null when none failed). */
  commonFailure: CommonFailure | null;
}

export interface CommonFailure {
  message: string;
  count: number;
}

/**
 * Failure messages by count, bounded: the first 32 distinct ones. Messages that differ only in
 * their numbers (executor ids, exit codes, times) count as one; the first one seen stands for
 * them, cut to 300 characters.
 */
class FailureTally {
  private readonly byShape = new Map<string, CommonFailure>();

  add(message: string): void {
    const shape = message.replace(/\d+/g, '#');
    const seen = this.byShape.get(shape);
    if (seen) seen.count++;
    else if (this.byShape.size < 32)
      this.byShape.set(shape, {
        message: message.length > 300 ? `${message.slice(0, 299)}…` : message,
        count: 1,
      });
  }

  top(): CommonFailure | null {
    let best: CommonFailure | null = null;
    for (const f of this.byShape.values()) if (!best || f.count > best.count) best = f;
    return best ? { ...best } : null;
  }
}

/** Length of [a, b] ∩ [w.start, w.end]. */
export function clippedLength(a: number, b: number, w: MeasureWindow): number {
  const lo = Math.max(a, w.start);
  const hi = Math.min(b, w.end);
  return hi > lo ? hi - lo : 0;
}

/** One-pass accumulator: `add` every record (any order), then `finish` with the spans. */
export class PointMeasurer {
  private readonly counts: RequestCounts = { sent: 0, ok: 0, error: 0, timeout: 0, rejected: 0 };
  private okColdKnown = 0;
  private okCold = 0;
  private readonly failures = new FailureTally();
  private warmArea = 0;
  private coldArea = 0;
  private unknownArea = 0;
  private inFlightArea = 0;
  private sawServiceInterval = false;
  private lastSentAt = Number.NEGATIVE_INFINITY;
  private readonly latency = new PercentileRecorder();
  private readonly platformLatency = new PercentileRecorder();
  private readonly sendLag = new PercentileRecorder();
  private readonly runningWarmGrid: SampleGrid;
  private readonly runningColdGrid: SampleGrid;
  private readonly runningGrid: SampleGrid;
  private readonly inFlightGrid: SampleGrid;
  private readonly totalGrid: SampleGrid;
  private readonly runningAtTotalGrid: SampleGrid;
  private readonly batches: BatchAccumulator;

  constructor(private readonly options: MeasureOptions) {
    const { start, end } = options.window;
    this.batches = new BatchAccumulator(options.window);
    const r = options.runningStep ?? 1;
    const t = options.totalStep ?? 2;
    this.runningWarmGrid = new SampleGrid(start, end, r);
    this.runningColdGrid = new SampleGrid(start, end, r);
    this.runningGrid = new SampleGrid(start, end, r);
    this.inFlightGrid = new SampleGrid(start, end, r);
    this.totalGrid = new SampleGrid(start, end, t);
    this.runningAtTotalGrid = new SampleGrid(start, end, t);
  }

  add(record: RequestRecord): void {
    const w = this.options.window;
    const service = serviceInterval(record.platform);
    if (service) {
      this.sawServiceInterval = true;
      const len = clippedLength(service[0], service[1], w);
      const cold = record.platform?.cold;
      if (cold === true) {
        this.coldArea += len;
        this.runningColdGrid.add(service[0], service[1]);
        this.batches.interval('runningCold', service[0], service[1]);
      } else if (cold === false) {
        this.warmArea += len;
        this.runningWarmGrid.add(service[0], service[1]);
        this.batches.interval('runningWarm', service[0], service[1]);
      } else this.unknownArea += len;
      this.batches.interval('running', service[0], service[1]);
      this.runningGrid.add(service[0], service[1]);
      this.runningAtTotalGrid.add(service[0], service[1]);
    }
    if (Number.isFinite(record.sentAt) && Number.isFinite(record.doneAt)) {
      this.inFlightArea += clippedLength(record.sentAt, record.doneAt, w);
      this.inFlightGrid.add(record.sentAt, record.doneAt);
      this.batches.interval('inFlight', record.sentAt, record.doneAt);
    }
    if (record.warmup || record.intendedAt < w.start || record.intendedAt > w.end) return;
    this.counts.sent++;
    this.counts[record.status]++;
    if (record.sentAt > this.lastSentAt) this.lastSentAt = record.sentAt;
    this.sendLag.record(record.sentAt - record.intendedAt);
    this.batches.arrival(
      record.intendedAt,
      record.status,
      record.status === 'ok' ? record.respTime : null,
      record.platform?.cold,
    );
    if (record.status === 'error' || record.status === 'timeout')
      this.failures.add(record.errorMessage ?? record.status);
    if (record.status !== 'ok') return;
    this.latency.record(record.respTime);
    const p = platformRespTime(record.platform);
    if (p !== undefined) this.platformLatency.record(p);
    if (record.platform?.cold !== undefined) {
      this.okColdKnown++;
      if (record.platform.cold) this.okCold++;
    }
  }

  private achievedRate(): number | null {
    const { window: w, duration } = this.options;
    const span = Math.max(duration ?? w.end - w.start, this.lastSentAt - w.start);
    return this.counts.sent > 0 && span > 0 ? this.counts.sent / span : null;
  }

  /**
   * The point's metrics. `coldHint`: what a cold request costs (from the model inputs), for the
   * CIs of a window that saw no cold request (batches.ts).
   */
  finish(spans: Iterable<ExecutorSpan>, coldHint?: ColdHint): MeasureResult {
    const { window: w, capabilities: caps, executor } = this.options;
    const length = w.end - w.start;
    const timeWeighted = length > 0;
    let executorArea = 0;
    let spanCount = 0;
    for (const s of spans) {
      spanCount++;
      const end = s.destroyedAt ?? w.end;
      executorArea += clippedLength(s.createdAt, end, w);
      this.totalGrid.add(s.createdAt, s.destroyedAt ?? Number.POSITIVE_INFINITY);
      this.batches.interval('totalExecutors', s.createdAt, end);
    }
    const platformTimes = caps.platformTimes && this.sawServiceInterval;
    const coldKnown = caps.coldFlag && this.unknownArea === 0;
    // a platform that claims spans but reported none while serving requests observed nothing
    const spansKnown = caps.executorSpans && (spanCount > 0 || this.counts.ok === 0);

    const all: MetricValues = {};
    all.respTime = this.latency.mean();
    all.coldProb = caps.coldFlag && this.okColdKnown > 0 ? this.okCold / this.okColdKnown : null;
    all.rejectProb = this.counts.sent > 0 ? this.counts.rejected / this.counts.sent : null;
    const runningWarm = timeWeighted && platformTimes && coldKnown ? this.warmArea / length : null;
    const runningCold = timeWeighted && platformTimes && coldKnown ? this.coldArea / length : null;
    const running =
      timeWeighted && platformTimes ? (this.warmArea + this.coldArea + this.unknownArea) / length : null;
    const total = timeWeighted && spansKnown ? executorArea / length : null;
    all.runningWarm = runningWarm;
    all.runningCold = runningCold;
    all.running = running;
    all.totalExecutors = total;
    all.idle = total !== null && running !== null ? total - running : null;
    all.inFlight = timeWeighted ? this.inFlightArea / length : null;

    const sampled: MetricValues = {};
    sampled.runningWarm = platformTimes && coldKnown ? this.runningWarmGrid.mean() : null;
    sampled.runningCold = platformTimes && coldKnown ? this.runningColdGrid.mean() : null;
    sampled.running = platformTimes ? this.runningGrid.mean() : null;
    sampled.totalExecutors = spansKnown ? this.totalGrid.mean() : null;
    const runningAtTotals = platformTimes ? this.runningAtTotalGrid.mean() : null;
    sampled.idle =
      sampled.totalExecutors !== null && sampled.totalExecutors !== undefined && runningAtTotals !== null
        ? sampled.totalExecutors - runningAtTotals
        : null;
    sampled.inFlight = this.inFlightGrid.mean();

    const keys = metricsFor(executor).map((m) => m.key);
    const pick = (v: MetricValues): MetricValues =>
      Object.fromEntries(keys.filter((k) => k in v).map((k) => [k, v[k] ?? null]));
    const measured = pick(all);
    return {
      requests: { ...this.counts },
      achievedRate: this.achievedRate(),
      measured,
      measuredCi: this.batches.intervals(keys, measured, coldHint),
      measuredSampled: pick(sampled),
      latency: this.latency.summary(),
      platformRespTime: this.platformLatency.count > 0 ? this.platformLatency.summary() : null,
      sendLag: this.sendLag.summary(),
      commonFailure: this.failures.top(),
    };
  }
}

/** Measure a point from its records and executor spans (see the module comment). */
export function measurePoint(
  records: Iterable<RequestRecord>,
  spans: Iterable<ExecutorSpan>,
  options: MeasureOptions,
): MeasureResult {
  const m = new PointMeasurer(options);
  for (const r of records) m.add(r);
  return m.finish(spans);
}

/** W from the records: [warm-up end, last measured arrival] — for re-measuring a points file. */
export function windowFromRecords(records: Iterable<RequestRecord>, warmupEnd: number): MeasureWindow {
  let end = warmupEnd;
  for (const r of records) if (!r.warmup && r.intendedAt > end) end = r.intendedAt;
  return { start: warmupEnd, end };
}

/**
 * Streaming percentiles with flat memory: an HdrHistogram (hdr-histogram-js) of microseconds,
 * 3 significant digits (relative error ≤ 0.1%), plus an exact running mean and maximum. The
 * raw JSONL stays the truth; this is the summary of it.
 */
import * as hdr from 'hdr-histogram-js';
import type { Percentiles } from '../../results/types.js';

const MICROS = 1e6;

export class PercentileRecorder {
  private readonly histogram = hdr.build({
    bitBucketSize: 64,
    numberOfSignificantValueDigits: 3,
    autoResize: true,
  });
  private sum = 0;
  private max = Number.NEGATIVE_INFINITY;
  count = 0;

  /** Record one value in seconds (negative values are clamped to 0 in the histogram, exact in mean/max). */
  record(seconds: number): void {
    if (!Number.isFinite(seconds)) return;
    this.count++;
    this.sum += seconds;
    if (seconds > this.max) this.max = seconds;
    this.histogram.recordValue(Math.max(0, Math.round(seconds * MICROS)));
  }

  /**
   * Value at percentile p (0–100), seconds; null when empty. HDR reports a bucket's highest
   * equivalent value, which may exceed the exact maximum by up to 0.1%: capped at it, so a
   * percentile never reads above the max.
   */
  at(p: number): number | null {
    return this.count === 0 ? null : Math.min(this.histogram.getValueAtPercentile(p) / MICROS, this.max);
  }

  mean(): number | null {
    return this.count === 0 ? null : this.sum / this.count;
  }

  summary(): Percentiles {
    return {
      mean: this.mean(),
      p50: this.at(50),
      p90: this.at(90),
      p99: this.at(99),
      max: this.count === 0 ? null : this.max,
    };
  }
}

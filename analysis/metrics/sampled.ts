/**
 * The thesis's sampled estimates (thesis §4.2; thesis-data README "How the thesis measured"):
 * running warm/cold counted every 1 s, total executors every 2 s, then averaged. A count at
 * sample instant t_k = start + k·step includes every interval [a, b) with a ≤ t_k < b.
 * Memory is one integer per sample (a difference array), independent of the request count.
 */
export class SampleGrid {
  private readonly diff: Int32Array;
  readonly samples: number;

  /** Samples at start, start + step, … ≤ end (none if end < start). */
  constructor(
    readonly start: number,
    readonly end: number,
    readonly step: number,
  ) {
    this.samples = end >= start ? Math.floor((end - start) / step + 1e-9) + 1 : 0;
    this.diff = new Int32Array(this.samples + 1);
  }

  /** Count interval [a, b) at every sample instant it covers. */
  add(a: number, b: number): void {
    if (this.samples === 0 || !(b > a)) return;
    const from = Math.max(0, Math.ceil((a - this.start) / this.step - 1e-9));
    const to = Math.min(this.samples - 1, Math.ceil((b - this.start) / this.step - 1e-9) - 1);
    if (to < from) return;
    (this.diff[from] as number)++;
    (this.diff[to + 1] as number)--;
  }

  /** Mean count over the sample instants; null without samples. */
  mean(): number | null {
    if (this.samples === 0) return null;
    let level = 0;
    let total = 0;
    for (let k = 0; k < this.samples; k++) {
      level += this.diff[k] as number;
      total += level;
    }
    return total / this.samples;
  }
}

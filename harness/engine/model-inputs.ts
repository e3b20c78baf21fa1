/**
 * The models' inputs, measured in the same run through the platform itself just before the
 * point, the way the thesis measured them (Table 4.1): sequential calls, `priming` discarded,
 * an idle gap before each call after the first (back-to-back calls find caches and the
 * connection hot). Containers: `coldRuns` cold calls, each on a fresh executor (the platform's
 * forceCold() retires the warm ones first; a call the platform reports warm is refused), give
 * c; then `runs` warm calls give w, with gap = min(spacing, keepAlive / 2). With platform-side
 * times for every call, w and c are platform-side ((endAt − startAt) + waitTime) and
 * `clientOverhead` = mean(client − platform) of the warm calls bridges to the client respTime
 * (predict.ts). Wasm: E[S] = mean client time of `runs` calls. A failed call is retried (the
 * point is still measured, with its error rate); a platform that stops being healthy ends the
 * profile. Or the suite's own figures (`source: given`). docs/engine.md "Model inputs".
 */

import { FaasmarkError, PlatformError } from '../../core/errors.js';
import type { ExecutorKind, Platform, PointClock } from '../../core/platform.js';
import { platformRespTime } from '../../core/records.js';
import type { ModelInputs } from '../../results/types.js';
import type { GivenServiceTimes, ModelInputsSpec } from '../suite/types.js';

/**
 * The idle gap before each profile call after the first (s): `spacing`, capped for container
 * platforms at keepAlive / 2 so the warm executor outlives the gap with margin for timer
 * jitter (the thesis's 2 s spacing assumed keep-alive ≥ 60 s).
 */
export function profileGap(
  spacing: number,
  executor: ExecutorKind,
  keepAlive: number | null | undefined,
): number {
  if (executor === 'container' && keepAlive !== null && keepAlive !== undefined)
    return Math.min(spacing, keepAlive / 2);
  return spacing;
}

/** Number of calls a profile makes: containers coldRuns + priming + runs; Wasm priming + runs. */
export function profileCalls(spec: ModelInputsSpec, executor: ExecutorKind): number {
  if (spec.source === 'given') return 0;
  return (executor === 'container' ? spec.coldRuns : 0) + spec.priming + spec.runs;
}

/** Idle time a profile spends in its gaps (s), for the plan's estimate: gap × (calls − 1). */
export function profileIdleSeconds(
  spec: ModelInputsSpec,
  executor: ExecutorKind,
  keepAlive: number | null | undefined,
): number {
  const calls = profileCalls(spec, executor);
  return calls > 1 ? (calls - 1) * profileGap(spec.spacing, executor, keepAlive) : 0;
}

export interface ProfileOptions {
  /** The point's keep-alive (s); caps a container platform's gap at keepAlive / 2. */
  keepAlive?: number | null;
  /** Aborts the profile (SIGINT): the wait ends and the profile throws FM_ABORTED. */
  signal?: AbortSignal;
  /** Waits `seconds` (default: a real timer, ended early by `signal`); tests pass a manual clock's. */
  sleep?: (seconds: number, signal?: AbortSignal) => Promise<void>;
}

/** Wait `seconds` on a real timer; resolves at once if `signal` is (or becomes) aborted. */
export function abortableSleep(seconds: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) {
      resolve();
      return;
    }
    const t = setTimeout(done, Math.max(0, seconds * 1000));
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

interface TimedCall {
  /** Client elapsed time (s). */
  elapsed: number;
  /** Platform-side time (s), when the platform reported startAt/endAt. */
  platform: number | undefined;
  cold: boolean | undefined;
}

/** Most attempts per profile call: a failed call is retried, so a platform that fails some activations is still measured. */
export const PROFILE_ATTEMPTS = 5;

async function timed(
  platform: Platform,
  clock: PointClock,
  workload: string,
  input: unknown,
  timeout: number,
): Promise<TimedCall | { failed: string }> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new Error('profile call timed out')), timeout * 1000);
  const t0 = clock.now();
  try {
    const res = await platform.invoke({ workload, input, signal: controller.signal });
    const elapsed = clock.now() - t0;
    if (res.status !== 'ok')
      return { failed: `${res.status}${res.errorMessage ? ` (${res.errorMessage})` : ''}` };
    return { elapsed, platform: platformRespTime(res.platform), cold: res.platform?.cold };
  } finally {
    clearTimeout(timer);
  }
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const ms = (s: number) => `${Number((s * 1000).toFixed(3))} ms`;
const sec = (s: number) => `${Number(s.toFixed(3))} s`;

/** Sequential profile calls through one platform: the idle gap, retries, health, interrupts. */
class Profiler {
  private first = true;
  failedCalls = 0;
  private readonly sleep: NonNullable<ProfileOptions['sleep']>;

  constructor(
    readonly platform: Platform,
    private readonly clock: PointClock,
    private readonly workload: string,
    private readonly input: unknown,
    private readonly timeout: number,
    readonly gap: number,
    private readonly options: ProfileOptions,
  ) {
    this.sleep = options.sleep ?? abortableSleep;
  }

  /** One call after the idle gap (unless it is the first), retried up to PROFILE_ATTEMPTS times. */
  async call(before?: () => Promise<void>): Promise<TimedCall> {
    const { platform, workload } = this;
    let last = '';
    for (let attempt = 1; attempt <= PROFILE_ATTEMPTS; attempt++) {
      if (!this.first && this.gap > 0) await this.sleep(this.gap, this.options.signal);
      this.first = false;
      if (this.options.signal?.aborted)
        throw new FaasmarkError('FM_ABORTED', `interrupted while profiling ${workload} on ${platform.name}`);
      await before?.();
      const r = await timed(platform, this.clock, workload, this.input, this.timeout);
      if (!('failed' in r)) return r;
      this.failedCalls++;
      last = r.failed;
      const health = platform.health();
      if (!health.ok)
        throw new PlatformError(
          `${platform.name} failed while profiling ${workload}: ${health.reason ?? last}`,
        );
    }
    throw new PlatformError(
      `profiling ${workload} on ${platform.name}: ${PROFILE_ATTEMPTS} attempts of one call all failed (last: ${last})`,
      { hint: 'the point cannot be measured; check the platform and the workload (faasmark invoke)' },
    );
  }

  /** `priming` discarded calls, then `runs` measured ones. */
  async measured(spec: ModelInputsSpec): Promise<TimedCall[]> {
    for (let i = 0; i < spec.priming; i++) await this.call(); // discarded
    const xs: TimedCall[] = [];
    for (let i = 0; i < spec.runs; i++) xs.push(await this.call());
    return xs;
  }

  /**
   * `coldRuns` calls, each on a fresh executor: forceCold() first where the platform can (the
   * first call after setup is cold anyway). A call the platform reports warm is refused.
   */
  async coldCalls(spec: ModelInputsSpec): Promise<TimedCall[]> {
    const { platform, workload } = this;
    const canForce = platform.capabilities.forceCold && platform.forceCold !== undefined;
    const n = canForce ? spec.coldRuns : 1;
    const calls: TimedCall[] = [];
    for (let i = 0; i < n; i++) {
      const c = await this.call(
        i > 0 || canForce ? () => platform.forceCold?.(workload) ?? Promise.resolve() : undefined,
      );
      if (c.cold === false) {
        throw new PlatformError(
          `profiling ${workload} on ${platform.name}: cold call ${i + 1} was served by a warm executor, so it cannot measure the cold service time`,
          {
            hint: canForce
              ? 'the platform did not retire its warm executors; check its keep-alive and routing'
              : `${platform.name} cannot force a cold start: run the point on a freshly set-up platform, or give the cold time (modelInputs: {source: given})`,
          },
        );
      }
      calls.push(c);
    }
    return calls;
  }
}

/** Measure (or take from the suite) the service times the models need for one point. */
export async function modelInputsFor(
  spec: ModelInputsSpec,
  platform: Platform,
  clock: PointClock,
  workload: string,
  input: unknown,
  requestTimeout: number,
  options: ProfileOptions = {},
): Promise<ModelInputs> {
  if (spec.source === 'given') {
    const g: GivenServiceTimes = spec.given[workload] ?? {};
    return { ...g, source: 'given in the suite (modelInputs.given)' };
  }
  if (platform.simulation) {
    // a simulation's service times are what it was configured with: nothing to measure
    return {
      ...platform.simulation.serviceTimes(workload),
      source: `configured in the ${platform.name} platform (a simulation)`,
    };
  }
  const gap = profileGap(spec.spacing, platform.executor, options.keepAlive);
  const profiler = new Profiler(platform, clock, workload, input, requestTimeout, gap, options);
  const capped = gap < spec.spacing ? ` (spacing ${sec(spec.spacing)} capped at keepAlive / 2)` : '';
  const spacing = `idle gap ${sec(gap)}${capped} before each call after the first`;
  if (platform.executor === 'container') return containerInputs(profiler, spec, spacing);
  const xs = (await profiler.measured(spec)).map((c) => c.elapsed);
  return {
    wasm: mean(xs),
    clock: 'client',
    spacing: gap,
    ...(profiler.failedCalls > 0 ? { failedCalls: profiler.failedCalls } : {}),
    source: `profile through ${platform.name}: ${spec.priming} discarded + ${spec.runs} measured sequential calls, ${spacing}; client time`,
  };
}

/** c from the cold calls, w from the warm ones, on the platform clock where every call reported it. */
async function containerInputs(p: Profiler, spec: ModelInputsSpec, spacing: string): Promise<ModelInputs> {
  const { platform } = p;
  const colds = await p.coldCalls(spec);
  const warm = await p.measured(spec);
  const flag = colds.every((c) => c.cold === true) ? 'each cold-started' : 'cold flag not reported';
  const forced = colds.length > 1 ? ' (warm executors retired before each)' : '';
  const calls = `${colds.length} cold call(s)${forced}, ${flag}, + ${spec.priming} discarded + ${spec.runs} measured warm calls, ${spacing}`;
  const failed = p.failedCalls > 0 ? { failedCalls: p.failedCalls } : {};
  const common = { coldSamples: colds.length, spacing: p.gap, ...failed };
  const platformSide =
    platform.capabilities.platformTimes && [...colds, ...warm].every((c) => c.platform !== undefined);
  if (platformSide) {
    const w = mean(warm.map((c) => c.platform as number));
    const overhead = mean(warm.map((c) => c.elapsed - (c.platform as number)));
    if (overhead < 0)
      throw new PlatformError(
        `profiling on ${platform.name}: the client saw calls end ${ms(-overhead)} sooner than the platform's own times say they took`,
        {
          hint: 'the platform reports inconsistent start/end times; its platform-side times cannot feed the models',
        },
      );
    return {
      cold: mean(colds.map((c) => c.platform as number)),
      warm: w,
      clock: 'platform',
      clientOverhead: overhead,
      ...common,
      source: `profile through ${platform.name}: ${calls}; platform-side time (endAt − startAt + waitTime), w = ${ms(w)}; clientOverhead = mean client − platform time of the measured warm calls = ${ms(overhead)}`,
    };
  }
  const why = platform.capabilities.platformTimes
    ? 'a call reported no platform-side start/end'
    : 'the platform reports no platform-side times';
  return {
    cold: mean(colds.map((c) => c.elapsed)),
    warm: mean(warm.map((c) => c.elapsed)),
    clock: 'client',
    ...common,
    source: `profile through ${platform.name}: ${calls}; client time (${why})`,
  };
}

/**
 * The models' inputs, measured in the same run through the platform itself just before the
 * point, the way the thesis measured them (Table 4.1): sequential blocking calls, `priming`
 * discarded, an idle gap before each call after the first — back-to-back calls find caches,
 * CPU frequency and the connection hot and underestimate an isolated request. Containers: the
 * first call cold-starts an executor (c), then `runs` measured warm calls give w, with gap =
 * min(spacing, keepAlive / 2) so the gap never outlives the keep-alive. When the platform
 * reports platform-side times for every call, w and c are platform-side ((endAt − startAt) +
 * waitTime, the clock of the measured running/idle and of the SMP) and `clientOverhead` =
 * mean(client − platform) of the warm calls is the one bridge to the client respTime
 * (predict.ts); otherwise client times. Wasm: E[S] = mean client time of `runs` calls, gap =
 * spacing. Or the suite's own figures (`source: given`). Executors created here live on into
 * the point's warm-up, which absorbs them (docs/engine.md "Model inputs and predictions").
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

/** Number of calls a profile makes: containers 1 cold + priming + runs; Wasm priming + runs. */
export function profileCalls(spec: ModelInputsSpec, executor: ExecutorKind): number {
  if (spec.source === 'given') return 0;
  return (executor === 'container' ? 1 : 0) + spec.priming + spec.runs;
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

async function timed(
  platform: Platform,
  clock: PointClock,
  workload: string,
  input: unknown,
  timeout: number,
): Promise<TimedCall> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new Error('profile call timed out')), timeout * 1000);
  const t0 = clock.now();
  try {
    const res = await platform.invoke({ workload, input, signal: controller.signal });
    const elapsed = clock.now() - t0;
    if (res.status !== 'ok') {
      throw new PlatformError(
        `profiling ${workload} on ${platform.name}: a call ended ${res.status}${res.errorMessage ? ` (${res.errorMessage})` : ''}`,
        {
          hint: 'the point cannot be measured; check the platform and workload (faasmark workloads / build)',
        },
      );
    }
    return { elapsed, platform: platformRespTime(res.platform), cold: res.platform?.cold };
  } finally {
    clearTimeout(timer);
  }
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const ms = (s: number) => `${Number((s * 1000).toFixed(3))} ms`;
const sec = (s: number) => `${Number(s.toFixed(3))} s`;

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
  const sleep = options.sleep ?? abortableSleep;
  const { signal } = options;
  const gap = profileGap(spec.spacing, platform.executor, options.keepAlive);
  let first = true;
  /** One sequential call, after the idle gap unless it is the profile's first. */
  const call = async (): Promise<TimedCall> => {
    if (!first && gap > 0) await sleep(gap, signal);
    first = false;
    if (signal?.aborted)
      throw new FaasmarkError('FM_ABORTED', `interrupted while profiling ${workload} on ${platform.name}`);
    return timed(platform, clock, workload, input, requestTimeout);
  };
  const measured = async (): Promise<TimedCall[]> => {
    for (let i = 0; i < spec.priming; i++) await call(); // discarded
    const xs: TimedCall[] = [];
    for (let i = 0; i < spec.runs; i++) xs.push(await call());
    return xs;
  };
  const capped = gap < spec.spacing ? ` (spacing ${sec(spec.spacing)} capped at keepAlive / 2)` : '';
  const spacing = `idle gap ${sec(gap)}${capped} before each call after the first`;

  if (platform.executor === 'container') {
    const cold = await call();
    const warm = await measured();
    const flag =
      cold.cold === undefined
        ? 'cold flag not reported'
        : cold.cold
          ? 'cold-started'
          : 'NOT cold (an executor was already warm)';
    const calls = `1 first call (${flag}) + ${spec.priming} discarded + ${spec.runs} measured warm calls, ${spacing}`;
    const platformSide =
      platform.capabilities.platformTimes && [cold, ...warm].every((c) => c.platform !== undefined);
    if (platformSide) {
      const w = mean(warm.map((c) => c.platform as number));
      const overhead = mean(warm.map((c) => c.elapsed - (c.platform as number)));
      return {
        cold: cold.platform as number,
        warm: w,
        clock: 'platform',
        clientOverhead: overhead,
        spacing: gap,
        source: `profile through ${platform.name}: ${calls}; platform-side time (endAt − startAt + waitTime), w = ${ms(w)}; clientOverhead = mean client − platform time of the measured warm calls = ${ms(overhead)}`,
      };
    }
    const why = platform.capabilities.platformTimes
      ? 'a call reported no platform-side start/end'
      : 'the platform reports no platform-side times';
    return {
      cold: cold.elapsed,
      warm: mean(warm.map((c) => c.elapsed)),
      clock: 'client',
      spacing: gap,
      source: `profile through ${platform.name}: ${calls}; client time (${why})`,
    };
  }
  const xs = (await measured()).map((c) => c.elapsed);
  return {
    wasm: mean(xs),
    clock: 'client',
    spacing: gap,
    source: `profile through ${platform.name}: ${spec.priming} discarded + ${spec.runs} measured sequential calls, ${spacing}; client time`,
  };
}

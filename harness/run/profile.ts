/**
 * Model inputs measured in the same run, through the platform itself, just before the point
 * (the thesis measured them with sequential blocking calls: Table 4.1, thesis-data README).
 *
 * Containers: on a freshly set-up platform the first call cold-starts an executor (the cold
 * service time c); `runs` sequential calls after it are warm (their mean is w). Each call is
 * timed on both clocks:
 * - client: elapsed from send to response at the load generator (includes the HTTP hop);
 * - platform: (endAt − startAt) + waitTime (harness/records.ts `platformRespTime`, the
 *   thesis's OpenWhisk duration + waitTime).
 * When the platform reports platform-side times (capabilities.platformTimes and every call
 * carried startAt/endAt), w and c are the PLATFORM-side times — the clock of the measured
 * running/runningWarm/idle (service intervals [startAt − waitTime, endAt], DESIGN.md "Metric
 * definitions") and of the thesis's SMP inputs — and `clientOverhead` = mean(client −
 * platform) over the warm calls: the one bridge to the client-side respTime (predict.ts).
 * Without platform-side times w and c are client times (`clock: 'client'`, no overhead).
 *
 * Wasm: every call is alike; E[S] is the mean client time of `runs` calls after one discarded
 * call — the same clock as the Wasm metrics (client respTime and client-side inFlight).
 * Executors created here live on into the point's warm-up, which absorbs them.
 */

import type { Platform, PointClock } from '../../platforms/types.js';
import type { ModelInputs } from '../../results/types.js';
import { PlatformError } from '../errors.js';
import { platformRespTime } from '../records.js';
import type { GivenServiceTimes, ModelInputsSpec } from '../suite/types.js';

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

/** Measure (or take from the suite) the service times the models need for one point. */
export async function modelInputsFor(
  spec: ModelInputsSpec,
  platform: Platform,
  clock: PointClock,
  workload: string,
  input: unknown,
  requestTimeout: number,
): Promise<ModelInputs> {
  if (spec.source === 'given') {
    const g: GivenServiceTimes = spec.given[workload] ?? {};
    return { ...g, source: 'given in the suite (modelInputs.given)' };
  }
  if (platform.executor === 'container') {
    const first = await timed(platform, clock, workload, input, requestTimeout);
    const warm: TimedCall[] = [];
    for (let i = 0; i < spec.runs; i++)
      warm.push(await timed(platform, clock, workload, input, requestTimeout));
    const flag =
      first.cold === undefined
        ? 'cold flag not reported'
        : first.cold
          ? 'cold-started'
          : 'NOT cold (an executor was already warm)';
    const calls = `1 first call (${flag}) + ${spec.runs} sequential warm calls`;
    const platformSide =
      platform.capabilities.platformTimes && [first, ...warm].every((c) => c.platform !== undefined);
    if (platformSide) {
      const w = mean(warm.map((c) => c.platform as number));
      return {
        cold: first.platform as number,
        warm: w,
        clock: 'platform',
        clientOverhead: mean(warm.map((c) => c.elapsed - (c.platform as number))),
        source: `profile through ${platform.name}: ${calls}, platform-side time (endAt − startAt + waitTime); clientOverhead = mean client − platform time of the warm calls`,
      };
    }
    const why = platform.capabilities.platformTimes
      ? 'a call reported no platform-side start/end'
      : 'the platform reports no platform-side times';
    return {
      cold: first.elapsed,
      warm: mean(warm.map((c) => c.elapsed)),
      clock: 'client',
      source: `profile through ${platform.name}: ${calls}, client time (${why})`,
    };
  }
  await timed(platform, clock, workload, input, requestTimeout); // discarded: lazy compilation, first instance
  const xs: number[] = [];
  for (let i = 0; i < spec.runs; i++)
    xs.push((await timed(platform, clock, workload, input, requestTimeout)).elapsed);
  return {
    wasm: mean(xs),
    clock: 'client',
    source: `profile through ${platform.name}: ${spec.runs} sequential calls after 1 discarded, client time`,
  };
}

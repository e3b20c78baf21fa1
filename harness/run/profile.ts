/**
 * Model inputs measured in the same run, through the platform itself, just before the point
 * (the thesis measured them with sequential blocking calls: Table 4.1, thesis-data README).
 * On a freshly set-up container platform the first call cold-starts an executor (its client
 * response time is the cold service time c); `runs` sequential calls after it are warm (their
 * mean is w). On a Wasm platform every call is alike: the mean of `runs` calls after one
 * discarded call is E[S]. Client-side times are used, the same clock as the measured respTime.
 * Executors created here live on into the point's warm-up, which absorbs them.
 */

import type { Platform, PointClock } from '../../platforms/types.js';
import type { ModelInputs } from '../../results/types.js';
import { PlatformError } from '../errors.js';
import type { GivenServiceTimes, ModelInputsSpec } from '../suite/types.js';

async function timed(
  platform: Platform,
  clock: PointClock,
  workload: string,
  input: unknown,
  timeout: number,
) {
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
    return { elapsed, cold: res.platform?.cold };
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
    const warm: number[] = [];
    for (let i = 0; i < spec.runs; i++)
      warm.push((await timed(platform, clock, workload, input, requestTimeout)).elapsed);
    const flag =
      first.cold === undefined
        ? 'cold flag not reported'
        : first.cold
          ? 'cold-started'
          : 'NOT cold (an executor was already warm)';
    return {
      cold: first.elapsed,
      warm: mean(warm),
      source: `profile through ${platform.name}: 1 first call (${flag}) + ${spec.runs} sequential warm calls, client time`,
    };
  }
  await timed(platform, clock, workload, input, requestTimeout); // discarded: lazy compilation, first instance
  const xs: number[] = [];
  for (let i = 0; i < spec.runs; i++)
    xs.push((await timed(platform, clock, workload, input, requestTimeout)).elapsed);
  return {
    wasm: mean(xs),
    source: `profile through ${platform.name}: ${spec.runs} sequential calls after 1 discarded, client time`,
  };
}

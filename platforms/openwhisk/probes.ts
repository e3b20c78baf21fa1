/**
 * Probes that detect, from measurements, what the platform does:
 * - routing: are warm requests sent to the most recently used container (the thesis's MRU
 *   invoker), cycled least-recently-used first, or spread at random?
 * - keep-alive: how long does an idle container live (pause-grace + idle-container)?
 * Both drive an action through the production path (non-blocking invoke → activation poll
 * → invoker-log join) via {@link ProbeInvoker}.
 */
import { setTimeout as sleepMs } from 'node:timers/promises';
import { InputError } from '../../core/errors.js';

export interface ProbeObservation {
  activationId: string;
  ok: boolean;
  /** initTime annotation present. */
  cold: boolean;
  /** Container id from the invoker log, when joined. */
  container?: string;
  /** Activation start / end (epoch ms), waitTime (ms). */
  startMs?: number;
  endMs?: number;
  waitMs?: number;
  error?: string;
}

export interface ProbeInvoker {
  invoke(signal?: AbortSignal): Promise<ProbeObservation>;
}

export type Sleep = (seconds: number, signal?: AbortSignal) => Promise<void>;
const realSleep: Sleep = async (s, signal) => {
  await sleepMs(s * 1000, undefined, { signal });
};

export type RoutingVerdict = 'mru' | 'lru' | 'random' | 'inconclusive';

export interface RoutingProbeOptions {
  /** Containers to create by a concurrent burst (k ≥ 2). */
  containers: number;
  /** Sequential warm requests after the burst. */
  requests: number;
  /** Idle gap between sequential requests (s); must be well below the keep-alive. */
  gap: number;
  /** Burst attempts to reach k distinct containers. */
  burstAttempts?: number;
  signal?: AbortSignal;
  sleep?: Sleep;
}

export interface RoutingProbeResult {
  verdict: RoutingVerdict;
  reason: string;
  containersCreated: number;
  /** Container of each sequential request, in order. */
  sequence: string[];
  /** Share of sequential requests that went to the previous request's container. */
  repeatFraction: number;
  /** Share that went to the container used k requests earlier (LRU cycling). */
  cycleFraction: number;
  distinct: number;
  /** What uniform random routing would give for repeatFraction: 1/k. */
  randomExpectation: number;
  coldInSequence: number;
}

/**
 * Routing probe. Under MRU every sequential warm request reuses the container of the one
 * before (repeatFraction → 1); under LRU-first (OpenWhisk's stock `find` over a small
 * immutable map re-inserted on release) they cycle through all k (repeatFraction 0,
 * cycleFraction → 1); under random routing repeatFraction ≈ 1/k.
 * Thresholds: mru ≥ 0.9 repeats; lru: no repeats and ≥ 0.9 cycles; else random.
 */
export async function probeRouting(inv: ProbeInvoker, o: RoutingProbeOptions): Promise<RoutingProbeResult> {
  if (!(Number.isInteger(o.containers) && o.containers >= 2))
    throw new InputError(`containers must be an integer >= 2, got ${o.containers}`);
  if (!(Number.isInteger(o.requests) && o.requests >= 4))
    throw new InputError(`requests must be an integer >= 4, got ${o.requests}`);
  const sleep = o.sleep ?? realSleep;
  const known = new Set<string>();
  for (let attempt = 0; attempt < (o.burstAttempts ?? 3) && known.size < o.containers; attempt++) {
    const burst = await Promise.all(Array.from({ length: o.containers }, () => inv.invoke(o.signal)));
    for (const b of burst) if (b.container) known.add(b.container);
    if (burst.every((b) => !b.container)) {
      return inconclusive(
        'no activation could be joined to a container: is the invoker log source right?',
        known.size,
        o.containers,
      );
    }
  }
  const sequence: string[] = [];
  let coldInSequence = 0;
  for (let i = 0; i < o.requests; i++) {
    await sleep(o.gap, o.signal);
    const obs = await inv.invoke(o.signal);
    if (!obs.ok) return inconclusive(`request failed: ${obs.error ?? 'unknown'}`, known.size, o.containers);
    if (obs.cold) coldInSequence++;
    sequence.push(obs.container ?? '?');
  }
  const k = known.size;
  let repeats = 0;
  let cycles = 0;
  for (let i = 1; i < sequence.length; i++) if (sequence[i] === sequence[i - 1]) repeats++;
  for (let i = k; i < sequence.length; i++) if (sequence[i] === sequence[i - k]) cycles++;
  const repeatFraction = repeats / (sequence.length - 1);
  const cycleFraction = sequence.length > k ? cycles / (sequence.length - k) : 0;
  const distinct = new Set(sequence).size;
  const base = {
    containersCreated: k,
    sequence,
    repeatFraction,
    cycleFraction,
    distinct,
    randomExpectation: k > 0 ? 1 / k : 0,
    coldInSequence,
  };
  if (sequence.includes('?'))
    return {
      ...base,
      verdict: 'inconclusive',
      reason: 'some sequential requests were not joined to a container',
    };
  if (k < 2)
    return {
      ...base,
      verdict: 'inconclusive',
      reason: 'the burst created fewer than 2 containers; raise --containers or use a slower action',
    };
  if (coldInSequence > 0) {
    return {
      ...base,
      verdict: 'inconclusive',
      reason: `${coldInSequence} sequential requests were cold: the gap exceeds the keep-alive`,
    };
  }
  if (repeatFraction >= 0.9)
    return { ...base, verdict: 'mru', reason: 'warm requests stay on the most recently used container' };
  if (repeats === 0 && cycleFraction >= 0.9 && distinct >= Math.min(k, sequence.length)) {
    return {
      ...base,
      verdict: 'lru',
      reason: `warm requests cycle through all ${k} containers, least recently used first`,
    };
  }
  return {
    ...base,
    verdict: 'random',
    reason: `repeat share ${repeatFraction.toFixed(2)} ≈ 1/k = ${(1 / k).toFixed(2)} expected for random routing`,
  };
}

function inconclusive(reason: string, k: number, containers: number): RoutingProbeResult {
  return {
    verdict: 'inconclusive',
    reason,
    containersCreated: k,
    sequence: [],
    repeatFraction: 0,
    cycleFraction: 0,
    distinct: 0,
    randomExpectation: 1 / containers,
    coldInSequence: 0,
  };
}

export interface KeepAliveProbeOptions {
  /** First idle gap (s). */
  minGap: number;
  /** Largest gap tried before giving up (s). */
  maxGap: number;
  /** Gap growth factor in the search phase (default 2). */
  factor?: number;
  /** Bisection stops when the warm/cold bracket is this narrow (s). */
  resolution: number;
  signal?: AbortSignal;
  sleep?: Sleep;
}

export interface KeepAliveTrial {
  /** Client-side idle gap asked for (s). */
  gap: number;
  /** Platform-side idle time: this activation's start − waitTime − previous end (s), when known. */
  idle?: number;
  cold: boolean;
}

export interface KeepAliveProbeResult {
  /** Longest idle seen followed by a warm start (s). */
  warmUpTo: number | null;
  /** Shortest idle seen followed by a cold start (s); null when none up to maxGap. */
  coldFrom: number | null;
  /** Midpoint estimate of the effective keep-alive (s); null when not bracketed. */
  keepAlive: number | null;
  trials: KeepAliveTrial[];
}

/**
 * Keep-alive probe: idle gaps of increasing length (×factor) until a cold start, then
 * bisection between the last warm and the first cold gap. Each trial is one idle period
 * then one request, so a trial leaves exactly one warm container for the next.
 */
export async function probeKeepAlive(
  inv: ProbeInvoker,
  o: KeepAliveProbeOptions,
): Promise<KeepAliveProbeResult> {
  if (!(o.minGap > 0 && o.maxGap >= o.minGap && o.resolution > 0)) {
    throw new InputError(
      `need 0 < min-gap <= max-gap and resolution > 0, got ${o.minGap}, ${o.maxGap}, ${o.resolution}`,
    );
  }
  const factor = o.factor ?? 2;
  const sleep = o.sleep ?? realSleep;
  const trials: KeepAliveTrial[] = [];
  let prev = await inv.invoke(o.signal);
  if (!prev.ok) throw new InputError(`the probe action failed: ${prev.error ?? 'unknown error'}`);
  const trial = async (gap: number): Promise<boolean> => {
    await sleep(gap, o.signal);
    const obs = await inv.invoke(o.signal);
    if (!obs.ok) throw new InputError(`the probe action failed: ${obs.error ?? 'unknown error'}`);
    const t: KeepAliveTrial = { gap, cold: obs.cold };
    if (obs.startMs !== undefined && prev.endMs !== undefined)
      t.idle = (obs.startMs - (obs.waitMs ?? 0) - prev.endMs) / 1000;
    trials.push(t);
    prev = obs;
    return obs.cold;
  };
  let lo = 0;
  let hi: number | null = null;
  for (let gap = o.minGap; gap <= o.maxGap; gap *= factor) {
    if (await trial(gap)) {
      hi = gap;
      break;
    }
    lo = gap;
  }
  while (hi !== null && hi - lo > o.resolution) {
    const mid = (lo + hi) / 2;
    if (await trial(mid)) hi = mid;
    else lo = mid;
  }
  // report in platform-side idle time where known (it includes the client's polling lag)
  const idleOf = (t: KeepAliveTrial) => t.idle ?? t.gap;
  const warm = trials.filter((t) => !t.cold).map(idleOf);
  const cold = trials.filter((t) => t.cold).map(idleOf);
  const warmUpTo = warm.length ? Math.max(...warm) : null;
  const coldFrom = cold.length ? Math.min(...cold) : null;
  const keepAlive = coldFrom === null ? null : ((warmUpTo ?? 0) + coldFrom) / 2;
  return { warmUpTo, coldFrom, keepAlive, trials };
}

/**
 * Model inputs on the right clock (harness/engine/model-inputs.ts) and the one client-clock
 * bridge in the predictions (harness/engine/predict.ts). A scripted platform on a manual clock:
 * every call spends a known wait, a known platform-side service time and a known fixed client
 * overhead (the HTTP hop), so every expected value is exact arithmetic; the tolerance 1e-12 s
 * only absorbs floating-point summation. The first warm calls (Wasm: the first calls) are
 * slower (PRIMING_SERVICE, like a JIT/cache warming up), so a priming call that leaked into w
 * would move it; executors expire after the platform's keep-alive of idle time, so a gap that
 * outlived it would turn a warm call cold.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FaasmarkError, PlatformError } from '../../core/errors.js';
import type {
  InvokeResult,
  Platform,
  PlatformCapabilities,
  PlatformDescription,
  PlatformHealth,
  PointClock,
} from '../../core/platform.js';
import type { ExecutorSpan } from '../../core/records.js';
import {
  abortableSleep,
  modelInputsFor,
  type ProfileOptions,
  profileIdleSeconds,
} from '../../harness/engine/model-inputs.js';
import { predictPoint } from '../../harness/engine/predict.js';
import type { ModelInputs } from '../../results/types.js';

const WARM = 0.0012; // platform-side warm service (s), like aes in the local executor
const COLD = 0.25; // platform-side cold service incl. init (s)
const WAIT = 0.0003; // waitTime before an executor took the request (s)
const OVERHEAD = 0.0018; // fixed client − platform time (s): the HTTP hop
const PRIMING_SERVICE = 0.004; // the first SLOW_CALLS warm (Wasm: all) calls are this slow (s)
const SLOW_CALLS = 2;

class ManualClock implements PointClock {
  readonly originEpochMs = 0;
  t = 0;
  now(): number {
    return this.t;
  }
  fromEpochMs(ms: number): number {
    return ms / 1000;
  }
}

/**
 * Calls take known times on the manual clock; the first call is cold (containers), and so is
 * any call after more than `keepAlive` s of idle time (the executor expired). Each call's
 * arrival time and cold flag are kept.
 */
class ScriptedPlatform implements Platform {
  readonly name = 'scripted';
  readonly capabilities: PlatformCapabilities;
  /** Arrival time and cold flag of every call, in order. */
  readonly calls: { at: number; cold: boolean }[] = [];
  private lastEnd: number | undefined;
  private warmCalls = 0;
  constructor(
    readonly executor: 'container' | 'wasm',
    private readonly clock: ManualClock,
    platformTimes: boolean,
    private readonly keepAlive = Number.POSITIVE_INFINITY,
    private readonly onInvoke?: () => void,
  ) {
    const c = executor === 'container';
    this.capabilities = {
      coldFlag: c,
      executorSpans: false,
      platformTimes,
      keepAlive: c,
      routing: false,
      forceCold: false,
    };
  }
  /** Every k-th call fails (0: none). */
  failEvery = 0;
  private invocations = 0;
  /** Offer forceCold(): the next call is cold. */
  enableForceCold(): void {
    this.capabilities.forceCold = true;
    this.forceCold = async () => {
      this.lastEnd = undefined;
    };
  }
  forceCold?: () => Promise<void>;
  /** An executor is already warm (a platform reused from an earlier point). */
  warmUp(): void {
    this.lastEnd = this.clock.t;
  }
  health(): PlatformHealth {
    return { ok: true };
  }
  async setup(): Promise<void> {}
  async deploy(): Promise<void> {}
  async invoke(): Promise<InvokeResult> {
    this.onInvoke?.();
    if (this.failEvery && ++this.invocations % this.failEvery === 0) {
      this.clock.t += OVERHEAD;
      return { status: 'error', errorMessage: 'activation failed' };
    }
    const arrived = this.clock.t + OVERHEAD / 2;
    const cold =
      this.executor === 'container' &&
      (this.lastEnd === undefined || arrived - this.lastEnd > this.keepAlive);
    const service = cold ? COLD : this.warmCalls++ < SLOW_CALLS ? PRIMING_SERVICE : WARM;
    this.calls.push({ at: this.clock.t, cold });
    const startAt = arrived + WAIT;
    const endAt = startAt + service;
    this.lastEnd = endAt;
    this.clock.t = endAt + OVERHEAD / 2;
    return {
      status: 'ok',
      ...(this.capabilities.platformTimes ? { platform: { startAt, endAt, waitTime: WAIT, cold } } : {}),
    };
  }
  async executorSpans(): Promise<ExecutorSpan[]> {
    return [];
  }
  async describe(): Promise<PlatformDescription> {
    return {
      name: this.name,
      executor: this.executor,
      applied: { keepAlive: null, routing: null, maxConcurrency: null, cores: null },
    };
  }
  async teardown(): Promise<void> {}
}

const SPEC = { source: 'profile' as const, runs: 4, spacing: 2, priming: SLOW_CALLS, coldRuns: 1, given: {} };
const close = (actual: number | null | undefined, expected: number, tol = 1e-12) =>
  assert.ok(
    typeof actual === 'number' && Math.abs(actual - expected) <= tol,
    `expected ${expected} ± ${tol}, got ${actual}`,
  );

/** A sleep on the manual clock that records every wait. */
function manualSleep(clock: ManualClock, waits: number[]): NonNullable<ProfileOptions['sleep']> {
  return async (seconds) => {
    waits.push(seconds);
    clock.t += seconds;
  };
}

async function profile(executor: 'container' | 'wasm', platformTimes: boolean): Promise<ModelInputs> {
  const clock = new ManualClock();
  return modelInputsFor(SPEC, new ScriptedPlatform(executor, clock, platformTimes), clock, 'aes', {}, 5, {
    keepAlive: 30,
    sleep: manualSleep(clock, []),
  });
}

describe('profile: which clock the model inputs are on', () => {
  it('a container platform with platform times: w, c platform-side (+ waitTime), clientOverhead = the hop', async () => {
    const mi = await profile('container', true);
    assert.equal(mi.clock, 'platform');
    close(mi.warm, WARM + WAIT);
    close(mi.cold, COLD + WAIT);
    close(mi.clientOverhead, OVERHEAD);
    assert.match(mi.source, /platform-side time/);
  });

  it('a container platform without platform times: client times (hop included), no overhead, and says so', async () => {
    const mi = await profile('container', false);
    assert.equal(mi.clock, 'client');
    close(mi.warm, WARM + WAIT + OVERHEAD);
    close(mi.cold, COLD + WAIT + OVERHEAD);
    assert.equal(mi.clientOverhead, undefined);
    assert.match(mi.source, /client time \(the platform reports no platform-side times\)/);
  });

  it('Wasm: client time, unchanged (consistent with client respTime and client-side inFlight)', async () => {
    const mi = await profile('wasm', false);
    assert.equal(mi.clock, 'client');
    close(mi.wasm, WARM + WAIT + OVERHEAD);
    assert.equal(mi.clientOverhead, undefined);
  });

  it('given inputs are passed through untouched (no clock claimed, no overhead)', async () => {
    const clock = new ManualClock();
    const mi = await modelInputsFor(
      {
        source: 'given',
        runs: 1,
        spacing: 2,
        priming: 2,
        coldRuns: 1,
        given: { aes: { warm: 0.02, cold: 0.2 } },
      },
      new ScriptedPlatform('container', clock, true),
      clock,
      'aes',
      {},
      5,
    );
    assert.deepEqual(mi, { warm: 0.02, cold: 0.2, source: 'given in the suite (modelInputs.given)' });
  });
});

describe('profile: spacing and priming (thesis Table 4.1: 2 priming calls, 2 s apart)', () => {
  /** Profile on the manual clock; returns the inputs, the platform's call log and the waits. */
  async function spaced(
    executor: 'container' | 'wasm',
    spec: { spacing: number; priming: number; runs: number },
    keepAlive: number | undefined,
    platformKeepAlive = keepAlive,
  ) {
    const clock = new ManualClock();
    const platform = new ScriptedPlatform(executor, clock, true, platformKeepAlive);
    const waits: number[] = [];
    const mi = await modelInputsFor(
      { source: 'profile', given: {}, coldRuns: 1, ...spec },
      platform,
      clock,
      'aes',
      {},
      5,
      {
        ...(keepAlive !== undefined ? { keepAlive } : {}),
        sleep: manualSleep(clock, waits),
      },
    );
    return { mi, calls: platform.calls, waits };
  }

  // gap = min(spacing, keepAlive / 2) on containers; spacing on Wasm (no keep-alive)
  const gaps: [string, 'container' | 'wasm', number, number | undefined, number][] = [
    ['container, keep-alive 1 s caps a 2 s spacing at 0.5 s', 'container', 2, 1, 0.5],
    ['container, keep-alive 30 s leaves 2 s', 'container', 2, 30, 2],
    ['container, keep-alive 4 s: exactly spacing = keepAlive / 2', 'container', 2, 4, 2],
    ['container, spacing 0: back to back', 'container', 0, 5, 0],
    ['Wasm ignores the keep-alive', 'wasm', 2, 1, 2],
  ];
  for (const [name, executor, spacing, keepAlive, gap] of gaps) {
    it(`gap: ${name}`, async () => {
      const { mi, calls, waits } = await spaced(executor, { spacing, priming: 2, runs: 5 }, keepAlive);
      assert.equal(mi.spacing, gap);
      // the idle time before each call after the first, seen by the platform
      const expected = gap > 0 ? calls.slice(1).map(() => gap) : [];
      assert.deepEqual(waits, expected);
      for (let i = 1; i < calls.length; i++) {
        const prevEnd = (calls[i - 1]?.at as number) + (calls[i - 1]?.cold ? COLD : 0);
        assert.ok((calls[i]?.at as number) >= prevEnd + gap, `call ${i} came before the gap`);
      }
      assert.match(mi.source, new RegExp(`idle gap ${gap} s`));
      assert.equal(/capped at keepAlive \/ 2/.test(mi.source), gap < spacing);
    });
  }

  it('the capped gap never lets the keep-alive expire the warm executor (and the uncapped one would)', async () => {
    const capped = await spaced('container', { spacing: 2, priming: 2, runs: 5 }, 1);
    assert.deepEqual(
      capped.calls.map((c) => c.cold),
      [true, false, false, false, false, false, false, false],
    );
    close(capped.mi.warm, WARM + WAIT);
    // the same platform (keep-alive 1 s) profiled as if the point's keep-alive were unknown:
    // 2 s gaps expire the executor, every call is cold — what the cap prevents
    const uncapped = await spaced('container', { spacing: 2, priming: 2, runs: 5 }, undefined, 1);
    assert.ok(uncapped.calls.every((c) => c.cold));
    close(uncapped.mi.warm, COLD + WAIT);
  });

  // calls made: containers 1 cold + priming + runs; Wasm priming + runs; priming discarded
  const counts: [string, 'container' | 'wasm', number, number][] = [
    ['container, thesis priming 2, runs 10', 'container', 2, 10],
    ['container, no priming', 'container', 0, 3],
    ['Wasm, priming 2, runs 5', 'wasm', 2, 5],
    ['Wasm, no priming', 'wasm', 0, 4],
  ];
  for (const [name, executor, priming, runs] of counts) {
    it(`counts and discards: ${name}`, async () => {
      const { mi, calls, waits } = await spaced(executor, { spacing: 1, priming, runs }, 10);
      const total = (executor === 'container' ? 1 : 0) + priming + runs;
      assert.equal(calls.length, total);
      assert.equal(waits.length, total - 1);
      close(
        profileIdleSeconds(
          { source: 'profile', given: {}, spacing: 1, priming, runs, coldRuns: 1 },
          executor,
          10,
        ),
        waits.reduce((a, b) => a + b, 0),
      );
      // measured calls only: the SLOW_CALLS slow ones count only when priming did not absorb them
      const slow = Math.max(0, SLOW_CALLS - priming);
      const meanService =
        (Math.min(slow, runs) * PRIMING_SERVICE + (runs - Math.min(slow, runs)) * WARM) / runs;
      if (executor === 'container') close(mi.warm, meanService + WAIT);
      else close(mi.wasm, meanService + WAIT + OVERHEAD);
      assert.match(mi.source, new RegExp(`${priming} discarded \\+ ${runs} measured`));
    });
  }

  it('given inputs take no profile time', () => {
    assert.equal(
      profileIdleSeconds(
        { source: 'given', given: {}, spacing: 2, priming: 2, runs: 5, coldRuns: 1 },
        'container',
        30,
      ),
      0,
    );
  });

  it('SIGINT during a gap ends the wait at once (real timer) and stops the profile with FM_ABORTED', async () => {
    const clock = new ManualClock();
    const controller = new AbortController();
    let invocations = 0;
    // abort right after the first call: the profile is then in a 30 s gap, which must not be waited out
    const platform = new ScriptedPlatform('container', clock, true, Number.POSITIVE_INFINITY, () => {
      if (++invocations === 1) setImmediate(() => controller.abort());
    });
    const spec = { source: 'profile' as const, given: {}, spacing: 30, priming: 2, runs: 5, coldRuns: 1 };
    await assert.rejects(
      modelInputsFor(spec, platform, clock, 'aes', {}, 5, { keepAlive: 120, signal: controller.signal }),
      (err: unknown) => err instanceof FaasmarkError && err.code === 'FM_ABORTED',
    );
    assert.equal(invocations, 1);
  });

  it('a gap that starts after the abort is not waited at all (30 s gap, 5 s test timeout)', {
    timeout: 5000,
  }, async () => {
    const controller = new AbortController();
    controller.abort();
    await abortableSleep(30, controller.signal);
  });
});

describe('predictions from platform-side inputs', () => {
  const LAMBDA = 1;
  const KEEP_ALIVE = 5;
  const SIMULATE = {
    arrivals: { process: 'poisson' as const, rate: LAMBDA, warmup: 20, duration: 200 },
    seed: 204,
  };
  const base = {
    executor: 'container' as const,
    arrivalRate: LAMBDA,
    keepAlive: KEEP_ALIVE,
    maxConcurrency: 1000,
    smpVariant: 'thesis' as const,
    routing: 'mru' as const,
    cores: 2,
  };

  it('running = λ × platform-side E[S] (Little), respTime = SMP + clientOverhead, platform pair kept', async () => {
    const mi = await profile('container', true);
    const p = await predictPoint({
      ...base,
      modelInputs: mi,
      simulate: SIMULATE,
    });
    assert.equal(p.primary, 'smp');
    const smpPlatform = p.platformRespTime as number;
    const w = WARM + WAIT;
    const c = COLD + WAIT;
    const pc = p.predicted.coldProb as number;
    // the SMP's mean response time is the cold/warm mixture of the platform-side inputs
    close(smpPlatform, (1 - pc) * w + pc * c, 1e-9);
    // Little's law on the platform clock: mean number running = λ × mean platform-side time
    close(p.predicted.running, LAMBDA * smpPlatform, 1e-9);
    // the one bridge between the clocks
    close(p.predicted.respTime, smpPlatform + OVERHEAD);
    assert.ok(p.notes.some((n) => /client overhead 1\.800 ms/.test(n)));
    // the simulator (same seed, same inputs, deterministic) crosses the same bridge and only
    // respTime moves: compare with the same inputs fed unlabelled (no clock, no overhead)
    const { clock: _c, clientOverhead: _o, ...unlabelled } = mi;
    const q = await predictPoint({ ...base, modelInputs: unlabelled, simulate: SIMULATE });
    const sim = p.models.simulator;
    const raw = q.models.simulator;
    assert.ok(sim && raw);
    close(sim.respTime, (raw.respTime as number) + OVERHEAD);
    assert.equal(sim.running, raw.running);
    assert.equal(sim.coldProb, raw.coldProb);
    assert.equal(q.platformRespTime, undefined);
    close(q.predicted.respTime, smpPlatform, 1e-15);
  });

  it('client-clock inputs: no bridge, no platform-side pair (the old behaviour, now labelled)', async () => {
    const mi = await profile('container', false);
    const p = await predictPoint({ ...base, modelInputs: mi });
    assert.equal(p.platformRespTime, undefined);
    const pc = p.predicted.coldProb as number;
    close(p.predicted.respTime, (1 - pc) * (mi.warm as number) + pc * (mi.cold as number), 1e-9);
  });
});

describe('profile: cold calls are cold, failed calls are retried', () => {
  const spec = { source: 'profile' as const, given: {}, spacing: 1, priming: 0, runs: 3, coldRuns: 3 };

  it('takes coldRuns cold samples on a platform that can force a cold start, each one cold', async () => {
    const clock = new ManualClock();
    const platform = new ScriptedPlatform('container', clock, true, 30);
    platform.enableForceCold();
    const mi = await modelInputsFor(spec, platform, clock, 'aes', {}, 5, {
      keepAlive: 30,
      sleep: manualSleep(clock, []),
    });
    assert.equal(mi.coldSamples, 3);
    assert.deepEqual(
      platform.calls.map((c) => c.cold),
      [true, true, true, false, false, false],
    );
    close(mi.cold, COLD + WAIT);
  });

  it('refuses a "cold" call that the platform reports warm, naming why', async () => {
    const clock = new ManualClock();
    const platform = new ScriptedPlatform('container', clock, true, 30);
    platform.warmUp(); // an executor survived from before: the first call is warm
    await assert.rejects(
      modelInputsFor(spec, platform, clock, 'aes', {}, 5, { keepAlive: 30, sleep: manualSleep(clock, []) }),
      (err: unknown) =>
        err instanceof PlatformError && /cold call 1 was served by a warm executor/.test(err.message),
    );
  });

  it('retries failed calls, so a platform failing some activations is still measured', async () => {
    const clock = new ManualClock();
    const platform = new ScriptedPlatform('container', clock, true, 30);
    platform.enableForceCold();
    platform.failEvery = 3;
    const mi = await modelInputsFor(spec, platform, clock, 'aes', {}, 5, {
      keepAlive: 30,
      sleep: manualSleep(clock, []),
    });
    assert.ok((mi.failedCalls ?? 0) >= 2, `failedCalls ${mi.failedCalls}`);
    // the failed attempts are retried, not averaged in: the same warm mean as without failures
    const slow = Math.min(SLOW_CALLS, 3);
    close(mi.warm, (slow * PRIMING_SERVICE + (3 - slow) * WARM) / 3 + WAIT);
  });
});

/**
 * Model inputs on the right clock (harness/run/profile.ts) and the one client-clock bridge in
 * the predictions (harness/run/predict.ts). A scripted platform on a manual clock: every call
 * spends a known wait, a known platform-side service time and a known fixed client overhead
 * (the HTTP hop), so every expected value is exact arithmetic; the tolerance 1e-12 s only
 * absorbs floating-point summation.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ExecutorSpan } from '../../harness/records.js';
import { predictPoint } from '../../harness/run/predict.js';
import { modelInputsFor } from '../../harness/run/profile.js';
import type {
  InvokeResult,
  Platform,
  PlatformCapabilities,
  PlatformDescription,
  PointClock,
} from '../../platforms/types.js';
import type { ModelInputs } from '../../results/types.js';

const WARM = 0.0012; // platform-side warm service (s), like aes in the local executor
const COLD = 0.25; // platform-side cold service incl. init (s)
const WAIT = 0.0003; // waitTime before an executor took the request (s)
const OVERHEAD = 0.0018; // fixed client − platform time (s): the HTTP hop

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

/** Calls run back to back on the manual clock; the first call is cold. */
class ScriptedPlatform implements Platform {
  readonly name = 'scripted';
  readonly capabilities: PlatformCapabilities;
  private calls = 0;
  constructor(
    readonly executor: 'container' | 'wasm',
    private readonly clock: ManualClock,
    platformTimes: boolean,
  ) {
    const c = executor === 'container';
    this.capabilities = { coldFlag: c, executorSpans: false, platformTimes, keepAlive: c, routing: false };
  }
  async setup(): Promise<void> {}
  async deploy(): Promise<void> {}
  async invoke(): Promise<InvokeResult> {
    const cold = this.executor === 'container' && this.calls++ === 0;
    const service = cold ? COLD : WARM;
    const arrived = this.clock.t + OVERHEAD / 2;
    const startAt = arrived + WAIT;
    const endAt = startAt + service;
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
    return { name: this.name, executor: this.executor };
  }
  async teardown(): Promise<void> {}
}

const SPEC = { source: 'profile' as const, runs: 4, given: {} };
const close = (actual: number | null | undefined, expected: number, tol = 1e-12) =>
  assert.ok(
    typeof actual === 'number' && Math.abs(actual - expected) <= tol,
    `expected ${expected} ± ${tol}, got ${actual}`,
  );

async function profile(executor: 'container' | 'wasm', platformTimes: boolean): Promise<ModelInputs> {
  const clock = new ManualClock();
  return modelInputsFor(SPEC, new ScriptedPlatform(executor, clock, platformTimes), clock, 'aes', {}, 5);
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
      { source: 'given', runs: 1, given: { aes: { warm: 0.02, cold: 0.2 } } },
      new ScriptedPlatform('container', clock, true),
      clock,
      'aes',
      {},
      5,
    );
    assert.deepEqual(mi, { warm: 0.02, cold: 0.2, source: 'given in the suite (modelInputs.given)' });
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

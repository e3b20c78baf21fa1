/**
 * The routing and keep-alive probes against the fake OpenWhisk, through the production path
 * (non-blocking invoke → activation poll → invoker-log join from the fake's log file). The
 * fake implements MRU, LRU-first and random warm routing and a keep-alive, so a probe that
 * cannot tell them apart fails here.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCleanups } from '../../../core/lifecycle.js';
import { probeKeepAlive, probeRouting } from '../../../platforms/openwhisk/probes.js';
import { openSession } from '../../../platforms/openwhisk/session.js';
import { FakeOpenWhisk, type FakeOptions } from './fake-openwhisk.js';

const AUTH = 'uuid-probe:probe-key-0001';
let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fm-owp-'));
});
after(async () => {
  await runCleanups();
  await rm(dir, { recursive: true, force: true });
});

async function withFake<T>(
  name: string,
  o: Omit<FakeOptions, 'auth' | 'logFile'>,
  fn: (s: ReturnType<typeof openSession>) => Promise<T>,
): Promise<T> {
  const logFile = join(dir, `${name}.log`);
  const fake = new FakeOpenWhisk({ auth: AUTH, logFile, ...o });
  const apiHost = await fake.start();
  fake.actions.set('probe', { name: 'probe' });
  const s = openSession({
    apiHost,
    auth: AUTH,
    invokerLog: { file: logFile },
    poll: { initialDelay: 0.01, maxDelay: 0.02 },
  });
  try {
    await s.check();
    return await fn(s);
  } finally {
    await s.close();
    await fake.stop();
  }
}

describe('routing probe', () => {
  // coldStartMs long enough that a burst of k concurrent requests creates k containers
  const base = { keepAlive: 30, coldStartMs: 60, runMs: 5, storeDelayMs: 5 };
  const opts = { containers: 3, requests: 10, gap: 0.01 };

  it('detects MRU routing', async () => {
    const r = await withFake('mru', { ...base, routing: 'mru' }, (s) =>
      probeRouting(s.invoker('probe'), opts),
    );
    assert.equal(r.verdict, 'mru', r.reason);
    assert.equal(r.containersCreated, 3);
    assert.equal(r.repeatFraction, 1);
  });

  it('detects least-recently-used-first cycling (stock OpenWhisk on small pools)', async () => {
    const r = await withFake('lru', { ...base, routing: 'lru' }, (s) =>
      probeRouting(s.invoker('probe'), opts),
    );
    assert.equal(r.verdict, 'lru', r.reason);
    assert.equal(r.repeatFraction, 0);
  });

  it('detects random routing (seeded)', async () => {
    const r = await withFake('random', { ...base, routing: 'random', seed: 7 }, (s) =>
      probeRouting(s.invoker('probe'), { ...opts, requests: 16 }),
    );
    assert.equal(r.verdict, 'random', `${r.reason} ${r.sequence.join(',')}`);
    assert.ok(r.repeatFraction > 0 && r.repeatFraction < 0.9);
  });

  it('is inconclusive when the gap exceeds the keep-alive', async () => {
    const r = await withFake('short', { ...base, keepAlive: 0.02 }, (s) =>
      probeRouting(s.invoker('probe'), { ...opts, requests: 4, gap: 0.08 }),
    );
    assert.equal(r.verdict, 'inconclusive');
    assert.match(r.reason, /cold: the gap exceeds the keep-alive/);
  });

  it('rejects bad options (table)', async () => {
    const inv = { invoke: async () => ({ activationId: 'x', ok: true, cold: false }) };
    for (const o of [
      { containers: 1, requests: 10, gap: 1 },
      { containers: 2, requests: 2, gap: 1 },
    ]) {
      await assert.rejects(probeRouting(inv, o), { code: 'FM_INPUT' });
    }
  });
});

describe('keep-alive probe', () => {
  it('brackets the fake keep-alive by growing gaps then bisection', async () => {
    const keepAlive = 0.3; // fake: container removed after 0.3 s idle
    const r = await withFake('ka', { keepAlive, coldStartMs: 5, runMs: 2, storeDelayMs: 2 }, (s) =>
      probeKeepAlive(s.invoker('probe'), { minGap: 0.05, maxGap: 2, resolution: 0.04 }),
    );
    assert.ok(r.keepAlive !== null, JSON.stringify(r));
    // the fake decides warm/cold on arrival from its own idle time, which is exactly what the
    // probe measures platform-side (start − waitTime − previous end): the bracket is exact
    assert.ok(r.warmUpTo !== null && r.warmUpTo <= keepAlive, JSON.stringify(r));
    assert.ok(r.coldFrom !== null && r.coldFrom > keepAlive, JSON.stringify(r));
    // and narrow: bisection to 0.04 s in requested gaps; client lag widens it, 0.25 s is loose
    assert.ok((r.coldFrom as number) - (r.warmUpTo as number) < 0.25, JSON.stringify(r));
    assert.ok(r.trials.some((t) => t.cold) && r.trials.some((t) => !t.cold));
  });

  it('reports no cold start up to max-gap', async () => {
    const r = await withFake('ka-long', { keepAlive: 60, coldStartMs: 5, runMs: 2, storeDelayMs: 2 }, (s) =>
      probeKeepAlive(s.invoker('probe'), { minGap: 0.02, maxGap: 0.1, resolution: 0.01 }),
    );
    assert.equal(r.coldFrom, null);
    assert.equal(r.keepAlive, null);
    assert.equal(r.trials.length, 3); // 0.02, 0.04, 0.08
  });
});

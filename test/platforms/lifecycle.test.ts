/**
 * The lifecycle every platform shares (platforms/base.ts), as a case table over all five
 * platforms (both spin modes): invoke before setup is an error status (never a throw), deploy
 * before setup is one InternalError, teardown is safe to repeat. The configs need no external
 * tool before setup; `sim` also runs the whole cycle, since it sets up instantly.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createPointClock } from '../../core/clock.js';
import { InternalError } from '../../core/errors.js';
import type { Platform } from '../../core/platform.js';
import { PlatformBase } from '../../platforms/base.js';
import { loadPlatformModule, type PlatformName } from '../../platforms/registry.js';

const context = { buildDir: 'workloads/build', workDir: '/tmp', log: () => {} };

const CASES: Array<[string, PlatformName, Record<string, unknown>]> = [
  ['sim', 'sim', { name: 'sim', timeScale: 0, serviceTime: { warm: 0.5, cold: 1 } }],
  ['local-container', 'local-container', { name: 'local-container' }],
  ['local-wasm', 'local-wasm', { name: 'local-wasm', workers: 1 }],
  ['openwhisk', 'openwhisk', { name: 'openwhisk', apiHost: 'http://127.0.0.1:9', auth: 'uuid:key' }],
  ['spin (bare metal)', 'spin', { name: 'spin' }],
  ['spin (spinkube)', 'spin', { name: 'spin', mode: 'spinkube' }],
];

async function created(name: PlatformName, config: Record<string, unknown>): Promise<Platform> {
  return (await loadPlatformModule(name)).create(config, context);
}

describe('platform lifecycle (every platform)', () => {
  for (const [label, name, config] of CASES) {
    it(`${label}: invoke before setup is an error status`, async () => {
      const p = await created(name, config);
      assert.ok(p instanceof PlatformBase);
      assert.equal(p.state, 'idle');
      const r = await p.invoke({ workload: 'aes', input: {} });
      assert.equal(r.status, 'error');
      assert.match(r.errorMessage ?? '', /invoke\(\) before setup\(\)/);
    });

    it(`${label}: deploy before setup throws one InternalError`, async () => {
      const p = await created(name, config);
      await assert.rejects(p.deploy('aes'), (err: unknown) => {
        assert.ok(err instanceof InternalError, String(err));
        assert.equal(err.code, 'FM_INTERNAL');
        assert.match(err.message, new RegExp(`^${name}: deploy\\(\\) before setup\\(\\)$`));
        return true;
      });
    });

    it(`${label}: teardown is safe to repeat`, async () => {
      const p = await created(name, config);
      await p.teardown();
      await p.teardown();
      await Promise.all([p.teardown(), p.teardown()]);
      assert.equal((p as PlatformBase).state, 'torn-down');
      const r = await p.invoke({ workload: 'aes', input: {} });
      assert.equal(r.status, 'error');
      assert.match(r.errorMessage ?? '', /after teardown\(\)/);
      await assert.rejects(p.deploy('aes'), InternalError);
    });
  }

  it('sim: idle → ready → torn down → ready again', async () => {
    const p = (await created('sim', CASES[0]?.[2] as Record<string, unknown>)) as PlatformBase;
    await p.setup({ keepAlive: 1 }, createPointClock());
    assert.equal(p.state, 'ready');
    await p.deploy('aes');
    assert.equal((await p.invoke({ workload: 'aes', input: {} })).status, 'ok');
    await p.teardown();
    await p.teardown();
    assert.equal(p.state, 'torn-down');
    await p.setup({ keepAlive: 1 }, createPointClock());
    assert.equal(p.state, 'ready');
    assert.equal((await p.invoke({ workload: 'aes', input: {} })).status, 'ok');
    await p.teardown();
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { idleGbSecondsPerHour, recommendKeepAlive } from '../../../analysis/models/recommend.js';
import { solveSmp } from '../../../analysis/models/smp.js';
import { InputError } from '../../../core/errors.js';

const TABLE_4_1 = {
  aes: { warm: 0.0259, cold: 2.5849 },
  float: { warm: 1.5288, cold: 4.1202 },
  'image-thumbnail': { warm: 0.1903, cold: 3.0567 },
};

describe('recommendKeepAlive', () => {
  for (const [fn, times] of Object.entries(TABLE_4_1)) {
    it(`${fn}: smallest keep-alive within 5% of the limit w`, () => {
      const a = recommendKeepAlive({ arrivalRate: 1, ...times });
      assert.equal(a.limitRespTime, times.warm);
      assert.ok(Math.abs(a.targetRespTime - 1.05 * times.warm) < 1e-15);
      assert.ok(a.atKeepAlive.avgRespTime <= a.targetRespTime);
      // minimal: a keep-alive 1e-5 shorter misses the target
      const shorter = solveSmp({ arrivalRate: 1, ...times, keepAlive: a.keepAlive * (1 - 1e-5) });
      assert.ok(shorter.avgRespTime > a.targetRespTime);
      assert.equal(a.idleExecutors, a.atKeepAlive.avgIdleCount);
      assert.equal(a.idleGbSecondsPerHour, null);
    });
  }
  it('the limit is the response time at very long keep-alive', () => {
    const r = solveSmp({ arrivalRate: 1, ...TABLE_4_1.float, keepAlive: 1e6 });
    assert.ok(Math.abs(r.avgRespTime - TABLE_4_1.float.warm) < 1e-6);
  });
  it('a looser tolerance gives a shorter keep-alive and fewer idle executors', () => {
    const tight = recommendKeepAlive({ arrivalRate: 1, ...TABLE_4_1.float, tolerance: 0.01 });
    const loose = recommendKeepAlive({ arrivalRate: 1, ...TABLE_4_1.float, tolerance: 0.2 });
    assert.ok(loose.keepAlive < tight.keepAlive);
    assert.ok(loose.idleExecutors < tight.idleExecutors);
  });
  it('memory cost: idle count × MB/1024 × 3600 GB-s per hour', () => {
    assert.equal(idleGbSecondsPerHour(2, 512), 3600);
    const a = recommendKeepAlive({ arrivalRate: 1, ...TABLE_4_1.float, memoryMb: 256 });
    assert.ok(Math.abs(a.idleGbSecondsPerHour! - a.idleExecutors * 0.25 * 3600) < 1e-9);
  });
  for (const [name, patch, re] of [
    ['tolerance 0', { tolerance: 0 }, /tolerance must be/],
    ['tolerance 1', { tolerance: 1 }, /tolerance must be/],
    ['negative memory', { memoryMb: -256 }, /memoryMb must be/],
    ['zero rate', { arrivalRate: 0 }, /arrivalRate must be/],
    ['unknown variant', { variant: 'x' }, /variant must be one of thesis, original/],
  ] as const) {
    it(`rejects ${name}`, () => {
      assert.throws(
        () => recommendKeepAlive({ arrivalRate: 1, ...TABLE_4_1.float, ...(patch as object) }),
        (e: unknown) => e instanceof InputError && re.test(e.message),
      );
    });
  }
});

describe('keep-alive advice says when the platform saturates or rejects', () => {
  it('λ = 2000, w = 1 s, M = 1000: saturated, and the ~45% rejection is named', () => {
    const a = recommendKeepAlive({ arrivalRate: 2000, warm: 1, cold: 2 });
    assert.equal(a.warnings.length, 2, a.warnings.join('\n'));
    assert.match(
      a.warnings[0] ?? '',
      /saturated: the offered load λ·w = 2000 executors reaches the concurrency limit M = 1000/,
    );
    assert.match(a.warnings[1] ?? '', /4\d\.\d% of requests are rejected/);
    assert.ok(a.atKeepAlive.rejectionProb > 0.4);
  });

  it('the thesis float inputs at λ = 1 need no warning', () => {
    assert.deepEqual(recommendKeepAlive({ arrivalRate: 1, warm: 1.5288, cold: 4.1202 }).warnings, []);
  });
});

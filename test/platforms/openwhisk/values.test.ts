/**
 * Helm values generator vs the chart-values subset schema; keep-alive split; bad overrides;
 * the single-node affinity switch and user options appended (docs/openwhisk.md "Single node").
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import {
  generateValues,
  keepAliveOptions,
  splitImage,
  splitKeepAlive,
  validateValues,
  valuesToYaml,
} from '../../../platforms/openwhisk/values.js';

describe('openwhisk values: keep-alive split', () => {
  it('sums to the requested keep-alive (table)', () => {
    // [keepAlive, pauseGrace given, expected pauseGrace]; default min(10, K/2) (OpenWhisk's default pause-grace is 10 s)
    const cases: Array<[number, number | undefined, number]> = [
      [1, undefined, 0.5],
      [30, undefined, 10],
      [610, undefined, 10],
      [60, 5, 5],
    ];
    for (const [k, g, expected] of cases) {
      const s = splitKeepAlive(k, g);
      assert.equal(s.pauseGrace, expected);
      assert.equal(s.pauseGrace + s.idleContainer, k);
    }
  });

  it('rejects impossible splits (table)', () => {
    for (const [k, g] of [
      [0, undefined],
      [-3, undefined],
      [10, 10],
      [10, 0],
      [Number.NaN, undefined],
    ] as Array<[number, number | undefined]>) {
      assert.throws(() => splitKeepAlive(k, g), { code: 'FM_CONFIG' }, `${k}/${g}`);
    }
  });

  it('writes HOCON ms durations without spaces (INVOKER_OPTS is split on whitespace)', () => {
    assert.equal(
      keepAliveOptions({ pauseGrace: 10, idleContainer: 20 }),
      '-Dwhisk.container-proxy.timeouts.idle-container=20000ms -Dwhisk.container-proxy.timeouts.pause-grace=10000ms',
    );
  });
});

describe('openwhisk values: generator', () => {
  it('produces values valid against the chart-subset schema', () => {
    const v = generateValues({
      keepAlive: 30,
      invokerImage: 'faasmark/invoker-mru:ef725a6',
      singleNode: true,
      apiHostName: 'localhost',
      apiHostPort: 31001,
    });
    assert.deepEqual(validateValues(v), []);
    const inv = v.invoker as Record<string, unknown>;
    assert.equal(inv.imageName, 'faasmark/invoker-mru');
    assert.equal(inv.imageTag, 'ef725a6');
    assert.match(inv.options as string, /idle-container=20000ms/);
    assert.equal((v.scheduler as { enabled: boolean }).enabled, false);
    const whisk = v.whisk as {
      limits: { actionsInvokesPerminute: number };
      containerPool: { userMemory: string };
    };
    assert.equal(whisk.limits.actionsInvokesPerminute, 60000);
    assert.equal(whisk.containerPool.userMemory, '8192m');
    assert.equal((v.affinity as { enabled: boolean }).enabled, false);
  });

  it('round-trips through YAML with the split in a comment', () => {
    const yaml = valuesToYaml(generateValues({ keepAlive: 30 }), 30);
    assert.match(yaml, /^# faasmark: effective keep-alive 30 s = pause-grace 10 s \+ idle-container 20 s/);
    assert.deepEqual(parse(yaml), generateValues({ keepAlive: 30 }));
  });

  it('merges overrides and rejects keys outside the schema, naming them', () => {
    const v = generateValues({
      keepAlive: 30,
      overrides: { whisk: { containerPool: { userMemory: '4096m' } } },
    });
    assert.equal((v.whisk as { containerPool: { userMemory: string } }).containerPool.userMemory, '4096m');
    assert.throws(
      () => generateValues({ keepAlive: 30, overrides: { invoker: { jvmHeapMb: '512' } } }),
      (e: Error) => /values\.invoker: must NOT have additional properties \(jvmHeapMb\)/.test(e.message),
    );
    assert.throws(
      () => generateValues({ keepAlive: 30, overrides: { whisk: { containerPool: { userMemory: '4G' } } } }),
      /userMemory/,
    );
  });

  it("single node turns off the chart affinity and the invoker's user-pod node affinity", () => {
    const on = generateValues({ keepAlive: 30, singleNode: true });
    assert.match(
      (on.invoker as { options: string }).options,
      / -Dwhisk\.kubernetes\.user-pod-node-affinity\.enabled=false$/,
    );
    assert.equal((on.toleration as { enabled: boolean }).enabled, false);
    const off = generateValues({ keepAlive: 30 });
    assert.doesNotMatch((off.invoker as { options: string }).options, /affinity/);
    assert.equal(off.affinity, undefined);
  });

  it('appends user invoker.options after the generated ones (never replaces them)', () => {
    const v = generateValues({
      keepAlive: 30,
      singleNode: true,
      overrides: { invoker: { options: '  -Dwhisk.spi.X=y ' } },
    });
    assert.equal(
      (v.invoker as { options: string }).options,
      '-Dwhisk.container-proxy.timeouts.idle-container=20000ms -Dwhisk.container-proxy.timeouts.pause-grace=10000ms -Dwhisk.kubernetes.user-pod-node-affinity.enabled=false -Dwhisk.spi.X=y',
    );
  });

  it('carries a digest in imageTag, so the chart composes name:tag@sha256:…', () => {
    const d = `sha256:${'0123456789abcdef'.repeat(4)}`;
    assert.deepEqual(splitImage(`ghcr.io/me/invoker:mru-ef725a6@${d}`), {
      imageName: 'ghcr.io/me/invoker',
      imageTag: `mru-ef725a6@${d}`,
    });
    assert.deepEqual(splitImage(`ghcr.io/me/invoker@${d}`), {
      imageName: 'ghcr.io/me/invoker',
      imageTag: `pinned@${d}`,
    });
    const v = generateValues({ keepAlive: 30, invokerImage: `ghcr.io/me/invoker@${d}` });
    const inv = v.invoker as { imageName: string; imageTag: string };
    assert.equal(`${inv.imageName}:${inv.imageTag}`, `ghcr.io/me/invoker:pinned@${d}`);
    assert.throws(() => splitImage('Not An Image'), { code: 'FM_CONFIG' });
  });

  it('splits image references', () => {
    assert.deepEqual(splitImage('registry:5000/ns/invoker:abc'), {
      imageName: 'registry:5000/ns/invoker',
      imageTag: 'abc',
    });
    assert.deepEqual(splitImage('registry:5000/ns/invoker'), {
      imageName: 'registry:5000/ns/invoker',
      imageTag: 'latest',
    });
  });
});

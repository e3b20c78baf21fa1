/**
 * The report's Table 4.1 analog per Wasm engine: points grouped by the engine their platform
 * entry recorded in the manifest (local-wasm's details.engine), a slowdown per engine against
 * the container warm time, the thesis's figures beside, and profile.json overriding.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { engineLabels, serviceTimeCells, serviceTimeTable } from '../../../analysis/report/tables.js';
import type { PointSummary } from '../../../results/types.js';

function point(
  label: string,
  platform: string,
  executor: 'container' | 'wasm',
  mi: Record<string, number>,
): PointSummary {
  return {
    pointId: `${label}.aes`,
    label,
    platform,
    executor,
    workload: 'aes',
    modelInputs: { source: 'profile', ...mi },
  } as unknown as PointSummary;
}

describe('Table 4.1 analog per engine', () => {
  const manifest = {
    platforms: [
      { name: 'local-container' },
      { name: 'local-wasm', details: { engine: 'wasmtime' } },
      { name: 'local-wasm', details: { engine: 'v8' } },
      { name: 'spin' },
    ],
    suiteConfig: {
      platforms: [
        { name: 'local-container' },
        { name: 'local-wasm', label: 'wt' },
        { name: 'local-wasm', label: 'v8' },
        { name: 'spin' },
      ],
    },
  };

  it('maps each platform entry label to its recorded engine', () => {
    assert.deepEqual(
      [...engineLabels(manifest)],
      [
        ['wt', 'wasmtime'],
        ['v8', 'v8'],
      ],
    );
  });

  it('splits Wasm by engine (unknown engine: the platform name), with a slowdown each and the thesis beside', () => {
    const points = [
      point('local-container', 'local-container', 'container', { warm: 0.002, cold: 0.01 }),
      point('wt', 'local-wasm', 'wasm', { wasm: 0.003 }),
      point('wt', 'local-wasm', 'wasm', { wasm: 0.005 }),
      point('v8', 'local-wasm', 'wasm', { wasm: 0.006 }),
      point('spin', 'spin', 'wasm', { wasm: 0.008 }),
    ];
    const [row] = serviceTimeTable(points, undefined, engineLabels(manifest), {
      aes: { cold: 2.5849, warm: 0.0259, wasm: 0.0308 },
    });
    assert.ok(row);
    assert.equal(row.engines.wasmtime?.time, 0.004);
    assert.equal(row.engines.wasmtime?.slowdown, 2);
    assert.equal(row.engines.v8?.slowdown, 3);
    assert.equal(row.engines.spin?.slowdown, 4);
    assert.ok(Math.abs((row.thesis?.slowdown ?? 0) - 0.0308 / 0.0259) < 1e-12);
    const { head, cells } = serviceTimeCells([row]);
    assert.deepEqual(head.slice(3, 9), [
      'Wasm wasmtime (s)',
      'wasmtime slowdown',
      'Wasm v8 (s)',
      'v8 slowdown',
      'Wasm spin (s)',
      'spin slowdown',
    ]);
    assert.deepEqual(cells[0]?.slice(3, 5), ['0.004', '2.0×']);
  });

  it('profile.json overrides per engine', () => {
    const [row] = serviceTimeTable([], { aes: { warm: 0.01, v8: 0.02, wasmtime: 0.015 } });
    assert.equal(row?.engines.v8?.slowdown, 2);
    assert.equal(row?.engines.wasmtime?.slowdown, 1.5);
    assert.deepEqual(row?.sources, ['profile.json']);
  });
});

/** The `faasmark profile` table: faasmark's measurements beside thesis Table 4.1, in ms. */
import { fmt, renderTable } from '../../../../analysis/table.js';
import type { WorkloadProfile } from '../../../../platforms/direct/profiler.js';

/** Seconds → milliseconds text ("—" when absent). */
export const ms = (s: number | undefined) => (s === undefined ? '—' : fmt(s * 1000, 3));

const HEAD = [
  'workload',
  'source',
  'cold mean',
  'cold p50',
  'cold p95',
  'warm mean',
  'warm p50',
  'warm p95',
  'warm 1st',
  'wasm mean',
  'wasm p50',
  'wasm p95',
  'wasm 1st',
  'wasm/warm',
];

export function profileTable(profiles: WorkloadProfile[], runs: number, warmup: number): string {
  const rows = profiles.flatMap((p) => [
    [
      p.workload,
      'faasmark',
      ms(p.nativeCold.mean),
      ms(p.nativeCold.median),
      ms(p.nativeCold.p95),
      ms(p.nativeWarm.mean),
      ms(p.nativeWarm.median),
      ms(p.nativeWarm.p95),
      ms(p.nativeWarm.first),
      ms(p.wasm.mean),
      ms(p.wasm.median),
      ms(p.wasm.p95),
      ms(p.wasm.first),
      `${fmt(p.wasmSlowdown, 3)}×`,
    ],
    [
      '',
      'thesis 4.1',
      ms(p.thesis.cold),
      '',
      '',
      ms(p.thesis.warm),
      '',
      '',
      '',
      ms(p.thesis.wasm),
      '',
      '',
      '',
      `${fmt(p.thesis.slowdown, 3)}×`,
    ],
  ]);
  return [
    renderTable(HEAD, rows),
    `times in ms; ${runs} runs per phase, ${warmup} warm-up invocations discarded after the first ("1st").`,
    'cold = new native action server (spawn + /init + first /run); warm = reused server; wasm = fresh instance per request (module compiled once).',
    'thesis: OpenWhisk containers (cold includes container creation) vs Spin; faasmark: local processes vs in-process node:wasi / jco.',
  ].join('\n');
}

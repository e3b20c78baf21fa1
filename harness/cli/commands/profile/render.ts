/** The `faasmark profile` table: faasmark's measurements per Wasm engine beside thesis Table 4.1, in ms. */
import { fmt, renderTable } from '../../../../analysis/table.js';
import type { EngineProfile, WorkloadProfile } from '../../../../platforms/direct/profiler.js';

/** Seconds → milliseconds text ("—" when absent). */
export const ms = (s: number | undefined) => (s === undefined ? '—' : fmt(s * 1000, 3));
const ratio = (x: number | undefined) => (x === undefined ? '—' : `${fmt(x, 3)}×`);

const HEAD = [
  'workload',
  'kind',
  'source',
  'cold mean',
  'cold p50',
  'warm mean',
  'warm p50',
  'warm 1st',
  'v8 mean',
  'v8 p50',
  'v8 1st',
  'v8/warm',
  'wasmtime mean',
  'wasmtime p50',
  'wasmtime 1st',
  'wasmtime/warm',
];

const engineCells = (e: EngineProfile | undefined) =>
  e ? [ms(e.mean), ms(e.median), ms(e.first), ratio(e.slowdown)] : ['—', '—', '—', '—'];

export function profileTable(profiles: WorkloadProfile[], runs: number, warmup: number): string {
  const rows = profiles.flatMap((p) => [
    [
      p.workload,
      p.kind,
      'faasmark',
      ms(p.nativeCold.mean),
      ms(p.nativeCold.median),
      ms(p.nativeWarm.mean),
      ms(p.nativeWarm.median),
      ms(p.nativeWarm.first),
      ...engineCells(p.engines.v8),
      ...engineCells(p.engines.wasmtime),
    ],
    // the thesis's Wasm column is Spin, whose engine is Wasmtime
    [
      '',
      '',
      'thesis 4.1',
      ms(p.thesis.cold),
      '',
      ms(p.thesis.warm),
      '',
      '',
      '',
      '',
      '',
      '',
      ms(p.thesis.wasm),
      '',
      '',
      ratio(p.thesis.slowdown),
    ],
  ]);
  const notes = profiles.flatMap((p) => [
    ...p.skipped.map((s) => `${p.workload}: ${s.engine} not measured: ${s.reason}`),
    ...(p.engines.wasmtime?.service
      ? [
          `${p.workload}: wasmtime handler alone (x-faas-service-ns) mean ${ms(p.engines.wasmtime.service.mean)} ms, p50 ${ms(p.engines.wasmtime.service.median)} ms`,
        ]
      : []),
  ]);
  return [
    renderTable(HEAD, rows),
    `times in ms; ${runs} runs per phase, ${warmup} warm-up invocations discarded after the first ("1st").`,
    'cold = new native action server (spawn + /init + first /run); warm = reused server over HTTP; v8 = fresh instance per call in-process (no HTTP);',
    'wasmtime = HTTP round trip to wasmtime serve, fresh instance per request (like warm). kind: both builds compiled (Rust) or interpreted (Python).',
    'thesis: OpenWhisk containers (cold includes container creation) vs Spin (Wasmtime).',
    ...notes,
  ].join('\n');
}

/** What `faasmark simulate` prints: one JSON document per point, or a header line and a table. */
import type { SimResult } from '../../../../analysis/simulator/index.js';
import { fmt, renderTable } from '../../../../analysis/table.js';
import type { SimulatePoint } from './index.js';

/** The --json document of one point: inputs, then outputs (SMP names / M/G/∞ quantities). */
export function pointJson(point: SimulatePoint, result: SimResult): Record<string, unknown> {
  return { ...point.inputs, ...result };
}

export function renderSimulateTable(points: SimulatePoint[], results: SimResult[]): string {
  const first = results[0];
  if (first?.mode === 'wasm') {
    const head = [
      'λ (req/s)',
      'E[S] (s)',
      'cores',
      'respTime (s)',
      'inFlight',
      'p50',
      'p95',
      'p99',
      'rejectProb',
    ];
    const rows = results.map((r, i) => {
      const w = r as Extract<SimResult, { mode: 'wasm' }>;
      const inputs = points[i]?.inputs ?? {};
      return [
        fmt(inputs.arrivalRate as number),
        fmt(inputs.serviceTime as number),
        inputs.cores ?? '∞',
        fmt(w.respTime),
        fmt(w.inFlight),
        w.inFlightP50,
        w.inFlightP95,
        w.inFlightP99,
        fmt(w.rejectProb),
      ];
    });
    return renderTable(head, rows);
  }
  const head = [
    'λ (req/s)',
    'keep-alive (s)',
    'coldProb',
    'avgRespTime (s)',
    'avgServerCountTotal',
    'avgIdleCount',
    'avgRunningCount',
    'rejectionProb',
  ];
  const rows = results.map((r, i) => {
    const c = r as Extract<SimResult, { mode: 'container' }>;
    const inputs = points[i]?.inputs ?? {};
    return [
      fmt(inputs.arrivalRate as number),
      fmt(inputs.keepAlive as number),
      fmt(c.coldProb),
      fmt(c.avgRespTime),
      fmt(c.avgServerCountTotal),
      fmt(c.avgIdleCount),
      fmt(c.avgRunningCount),
      fmt(c.rejectionProb),
    ];
  });
  return renderTable(head, rows);
}

/** The line above the table: mode, routing or cores, distribution, requests, seed. */
export function simulateHeader(points: SimulatePoint[]): string {
  const first = points[0]?.inputs;
  const what =
    first?.mode === 'wasm'
      ? `simulation (Wasm: every request its own executor${first.cores === null ? ', M/G/∞' : `, ${first.cores} core${first.cores === 1 ? '' : 's'} shared`}), `
      : `simulation (scale-per-request containers, routing ${first?.routing}, warm ${first?.warm} s, cold ${first?.cold} s), `;
  return `${what}${first?.distribution} service times, ${first?.requests} measured requests after ${first?.warmupRequests} warm-up, seed ${first?.seed}`;
}

/** The `faasmark probe capacity` table and the load-sweep rates it suggests. */
import { fmt, renderTable } from '../../../../analysis/table.js';
import type { CapacityProbeResult } from '../../../loadgen/capacity-probe.js';
import type { ProbeOptions } from './index.js';

export function renderCapacity(o: ProbeOptions, r: CapacityProbeResult): string {
  const table = renderTable(
    ['platform', 'workload', 'connections', 'throughput (req/s)', 'p50 (s)', 'p99 (s)', 'non-2xx', 'errors'],
    [
      [
        o.platform,
        o.workload,
        r.connections,
        fmt(r.throughput),
        fmt(r.latency.p50),
        fmt(r.latency.p99),
        r.non2xx,
        r.errors,
      ],
    ],
  );
  return `${table}\nsuggested load sweep: arrivalRate: [${r.suggestedRates.join(', ')}]`;
}

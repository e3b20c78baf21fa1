/** What `faasmark openwhisk …` prints: probe tables, the keep-alive verdict, invoker-log spans. */
import { fmt, renderTable } from '../../../../analysis/table.js';
import type { ActivationContainer, ContainerSpan } from '../../../../platforms/openwhisk/invoker-log.js';
import type { KeepAliveProbeResult, RoutingProbeResult } from '../../../../platforms/openwhisk/probes.js';

export const SCHEMA_VERSION = 1;

export function routingTable(r: RoutingProbeResult): string {
  return renderTable(
    ['verdict', 'containers', 'repeat share', 'cycle share', 'random would give', 'reason'],
    [
      [
        r.verdict,
        r.containersCreated,
        fmt(r.repeatFraction, 3),
        fmt(r.cycleFraction, 3),
        fmt(r.randomExpectation, 3),
        r.reason,
      ],
    ],
  );
}

export function keepAliveText(r: KeepAliveProbeResult, maxGap: number): string {
  const table = renderTable(
    ['gap (s)', 'idle (s)', 'start'],
    r.trials.map((x) => [fmt(x.gap), fmt(x.idle), x.cold ? 'cold' : 'warm']),
  );
  const verdict =
    r.keepAlive === null
      ? `no cold start with idle gaps up to ${maxGap} s: effective keep-alive > ${fmt(r.warmUpTo)} s`
      : `effective keep-alive ≈ ${fmt(r.keepAlive)} s (warm after ${fmt(r.warmUpTo)} s idle, cold after ${fmt(r.coldFrom)} s)`;
  return `${table}\n${verdict}`;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function parseLogJson(
  file: string,
  action: string | undefined,
  counts: { lines: number; unparsed: number },
  spans: ContainerSpan[],
  states: ActivationContainer[],
): Record<string, unknown> {
  return {
    schemaVersion: SCHEMA_VERSION,
    file,
    action: action ?? null,
    lines: counts.lines,
    unparsedLines: counts.unparsed,
    spans: spans.map((s) => ({
      container: s.container,
      created: iso(s.createdMs),
      createdFromMarker: s.createdFromMarker,
      deleted: iso(s.deletedMs),
      actions: s.actions,
      activations: s.activations,
      prewarmed: s.prewarmed,
    })),
    activations: states.map((a) => ({
      activationId: a.activationId,
      action: a.action,
      at: iso(a.atMs),
      state: a.state,
      cold: a.cold,
      container: a.container ?? null,
    })),
  };
}

export function parseLogTables(spans: ContainerSpan[], states: ActivationContainer[]): string {
  const containers = renderTable(
    ['container', 'created (UTC)', 'deleted (UTC)', 'activations'],
    spans.map((s) => [s.container, iso(s.createdMs), iso(s.deletedMs) ?? 'open', s.activations.length]),
  );
  const activations = renderTable(
    ['activation', 'action', 'at (UTC)', 'state', 'cold', 'container'],
    states.map((a) => [a.activationId, a.action, iso(a.atMs), a.state, a.cold ? 'yes' : 'no', a.container]),
  );
  return `${containers}\n${activations}`;
}

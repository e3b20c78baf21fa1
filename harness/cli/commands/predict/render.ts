/** The tables `faasmark predict …` prints (--json prints the records themselves). */
import type { MginfRecord, SmpRecord } from '../../../../analysis/models/documents.js';
import { fmt, renderTable } from '../../../../analysis/table.js';
import type { CapacityOptions } from './index.js';

/** One point: every output by name; a sweep: one row per point. */
export function smpTable(records: SmpRecord[], sweep: boolean): string {
  if (!sweep) {
    const r = records[0] as SmpRecord;
    const rows: [string, string][] = [
      [
        'inputs',
        `λ ${r.arrivalRate} req/s, w ${r.warm} s, c ${r.cold} s, τ ${r.keepAlive} s, M ${r.maxConcurrency}`,
      ],
      ['variant', r.variant],
      ['avgRespTime (s)', fmt(r.avgRespTime, 6)],
      ['coldProb', fmt(r.coldProb, 6)],
      ['avgServerCount (warm instances)', fmt(r.avgServerCount, 6)],
      ['avgServerCountTotal', fmt(r.avgServerCountTotal, 6)],
      ['avgRunningCount', fmt(r.avgRunningCount, 6)],
      ['avgRunningWarmCount', fmt(r.avgRunningWarmCount, 6)],
      ['avgRunningColdCount', fmt(r.avgRunningColdCount, 6)],
      ['avgIdleCount', fmt(r.avgIdleCount, 6)],
      ['avgUtilization', fmt(r.avgUtilization, 6)],
      ['rejectionProb', fmt(r.rejectionProb, 6)],
      ['rejectionRate (req/s)', fmt(r.rejectionRate, 6)],
    ];
    return renderTable(['SMP', 'value'], rows);
  }
  return renderTable(
    ['λ', 'τ', 'M', 'variant', 'respTime', 'coldProb', 'idle', 'total', 'running', 'rejectProb'],
    records.map((r) => [
      r.arrivalRate,
      r.keepAlive,
      r.maxConcurrency,
      r.variant,
      fmt(r.avgRespTime),
      fmt(r.coldProb),
      fmt(r.avgIdleCount),
      fmt(r.avgServerCountTotal),
      fmt(r.avgRunningCount),
      fmt(r.rejectionProb),
    ]),
  );
}

export function mginfTable(records: MginfRecord[], cores: number | undefined): string {
  const head = ['λ', 'E[S]', 'E[T] M/G/∞', 'E[N] = λE[S]', 'N p50', 'N p95', 'N p99'];
  if (cores !== undefined) head.push(`E[T] M/G/${cores}-PS`, 'ρ', 'λ* = c/E[S]');
  const rows = records.map((r) => {
    const row: (string | number)[] = [
      r.arrivalRate,
      r.serviceTime,
      fmt(r.meanResponseTime),
      fmt(r.meanInSystem),
      r.inSystemP50,
      r.inSystemP95,
      r.inSystemP99,
    ];
    if (r.capacity) {
      row.push(
        r.capacity.saturated ? 'saturated (∞)' : fmt(r.capacity.meanResponseTime),
        fmt(r.capacity.utilization),
        fmt(r.capacity.saturationArrivalRate),
      );
    }
    return row;
  });
  return renderTable(head, rows);
}

export function capacityTable(input: CapacityOptions, saturationArrivalRate: number, at: SmpRecord): string {
  return renderTable(
    ['SMP finite capacity', 'value'],
    [
      ['inputs', `w ${input.warm} s, c ${input.cold} s, τ ${input.keepAlive} s, M ${input.maxConcurrency}`],
      ['variant', input.variant],
      [`saturation λ (rejectionProb > ${input.threshold})`, `${fmt(saturationArrivalRate, 6)} req/s`],
      ['avgRespTime there (s)', fmt(at.avgRespTime, 6)],
      ['avgServerCountTotal there', fmt(at.avgServerCountTotal, 6)],
      ['rejectionRate there (req/s)', fmt(at.rejectionRate, 6)],
    ],
  );
}

/** The distinct notes of several records, in order of first appearance. */
export function modelNotes(notes: (readonly string[] | undefined)[]): string[] {
  return [...new Set(notes.flatMap((n) => n ?? []))];
}

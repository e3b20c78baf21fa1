/** The `faasmark recommend keep-alive` table. */
import type { KeepAliveRecord } from '../../../../analysis/models/documents.js';
import { fmt, renderTable } from '../../../../analysis/table.js';

export function keepAliveTable(record: KeepAliveRecord): string {
  return renderTable(
    ['keep-alive advice (SMP)', 'value'],
    [
      [
        'inputs',
        `λ ${record.arrivalRate} req/s, w ${record.warm} s, c ${record.cold} s, M ${record.maxConcurrency}`,
      ],
      ['variant', record.variant],
      ['recommended keep-alive (s)', fmt(record.keepAlive, 5)],
      ['mean response time there (s)', fmt(record.avgRespTime, 6)],
      [`limit as keep-alive → ∞ (= warm) (s)`, fmt(record.limitRespTime, 6)],
      [`target: limit × (1 + ${record.tolerance}) (s)`, fmt(record.targetRespTime, 6)],
      ['cold-start probability there', fmt(record.coldProb, 6)],
      ['rejection probability there', fmt(record.rejectionProb, 6)],
      ['mean idle executors', fmt(record.avgIdleCount, 6)],
      ['mean total executors', fmt(record.avgServerCountTotal, 6)],
      [
        'idle memory (GB-s per hour)',
        record.idleGbSecondsPerHour === null ? '— (give --memory-mb)' : fmt(record.idleGbSecondsPerHour, 6),
      ],
      ...record.warnings.map((w) => ['WARNING', w]),
    ],
  );
}

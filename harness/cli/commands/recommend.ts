/**
 * `faasmark recommend keep-alive`: the smallest keep-alive whose SMP mean response time is
 * within a tolerance of its large-keep-alive limit, and its idle cost (analysis/models/recommend.ts).
 */
import type { Command } from 'commander';
import type { KeepAliveAdviceInput } from '../../../analysis/models/recommend.js';
import type { SmpVariant } from '../../../analysis/models/smp.js';
import { fmt, renderTable } from '../../../analysis/table.js';
import { out, outJson } from '../io.js';
import { parseChoice, parseNumber, requiredFlag } from '../options.js';

const VARIANTS: readonly SmpVariant[] = ['thesis', 'original'];

export interface KeepAliveFlags {
  arrivalRate?: string;
  warm?: string;
  cold?: string;
  tolerance?: string;
  memoryMb?: string;
  maxConcurrency?: string;
  variant?: string;
  json?: boolean;
}

/** Parse `recommend keep-alive` flags. @throws UsageError naming the flag and accepted values. */
export function parseKeepAliveFlags(flags: KeepAliveFlags): KeepAliveAdviceInput {
  const input: KeepAliveAdviceInput = {
    arrivalRate: parseNumber('--arrival-rate', requiredFlag('--arrival-rate', flags.arrivalRate), {
      greaterThan: 0,
    }),
    warm: parseNumber('--warm', requiredFlag('--warm', flags.warm), { greaterThan: 0 }),
    cold: parseNumber('--cold', requiredFlag('--cold', flags.cold), { greaterThan: 0 }),
    tolerance: parseNumber('--tolerance', flags.tolerance ?? '0.05', { greaterThan: 0, max: 0.999 }),
    variant: parseChoice('--variant', flags.variant ?? 'thesis', VARIANTS),
  };
  if (flags.memoryMb !== undefined)
    input.memoryMb = parseNumber('--memory-mb', flags.memoryMb, { greaterThan: 0 });
  if (flags.maxConcurrency !== undefined) {
    input.maxConcurrency = parseNumber('--max-concurrency', flags.maxConcurrency, {
      integer: true,
      min: 1,
      max: 1_000_000,
    });
  }
  return input;
}

async function recommendKeepAliveCommand(flags: KeepAliveFlags): Promise<void> {
  const input = parseKeepAliveFlags(flags);
  const { recommendKeepAlive } = await import('../../../analysis/models/recommend.js');
  const { keepAliveRecord } = await import('../../../analysis/models/records.js');
  const record = keepAliveRecord(input, recommendKeepAlive(input));
  if (flags.json) {
    outJson(record);
    return;
  }
  out(
    renderTable(
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
        ['mean idle executors', fmt(record.avgIdleCount, 6)],
        ['mean total executors', fmt(record.avgServerCountTotal, 6)],
        [
          'idle memory (GB-s per hour)',
          record.idleGbSecondsPerHour === null ? '— (give --memory-mb)' : fmt(record.idleGbSecondsPerHour, 6),
        ],
      ],
    ),
  );
}

export default function register(program: Command): void {
  const recommend = program.command('recommend').description('advice derived from the models');
  recommend
    .command('keep-alive')
    .description(
      'smallest keep-alive whose SMP mean response time is within a tolerance of its large-keep-alive limit (= warm time), and its idle cost',
    )
    .option('--arrival-rate <rate>', 'arrival rate λ, req/s')
    .option('--warm <s>', 'warm service time w, seconds')
    .option('--cold <s>', 'cold service time c, seconds')
    .option('--tolerance <fraction>', 'allowed excess over the limit, e.g. 0.05 = 5% (default 0.05)')
    .option('--memory-mb <mb>', 'memory per executor in MB: also report idle GB-seconds per hour')
    .option('--max-concurrency <n>', 'maximum concurrency M (default 1000)')
    .option('--variant <name>', `SMP variant: ${VARIANTS.join('|')} (default thesis)`)
    .option('--json', 'print JSON')
    .action(async (opts: KeepAliveFlags) => recommendKeepAliveCommand(opts));
}

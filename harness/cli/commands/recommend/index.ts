/**
 * `faasmark recommend keep-alive`: the smallest keep-alive whose SMP mean response time is
 * within a tolerance of its large-keep-alive limit, and its idle cost (analysis/models/recommend.ts).
 */
import type { Command } from 'commander';
import type { KeepAliveAdviceInput } from '../../../../analysis/models/recommend.js';
import type { SmpVariant } from '../../../../analysis/models/smp.js';
import { parseChoice, parseNumber, requiredFlag } from '../../options.js';

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
    .action(async (flags: KeepAliveFlags) => {
      const input = parseKeepAliveFlags(flags);
      const { recommendKeepAliveAction } = await import('./action.js');
      await recommendKeepAliveAction(input, Boolean(flags.json));
    });
}

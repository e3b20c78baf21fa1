/**
 * `faasmark advise`: which executor wins, from the models (analysis/verdict/advise.ts): for a
 * load (an arrival rate or a per-minute trace) and both executors' service times — given as
 * flags, or taken from a results directory's model-input profiles — latency, memory-time and
 * cold-start probability with their winners, the crossover keep-alive and where capacity
 * decides. Flags follow `predict`.
 */
import type { Command } from 'commander';
import type { SmpVariant } from '../../../../analysis/models/smp.js';
import type { AdviseInput } from '../../../../analysis/verdict/advise.js';
import { UsageError } from '../../../../core/errors.js';
import { parseChoice, parseNumber, requiredFlag } from '../../options.js';

const VARIANTS: readonly SmpVariant[] = ['thesis', 'original'];
const POSITIVE = { greaterThan: 0 } as const;

export interface AdviseFlags {
  arrivalRate?: string;
  trace?: string;
  warm?: string;
  cold?: string;
  wasm?: string;
  keepAlive?: string;
  memoryMb?: string;
  wasmMemoryMb?: string;
  maxConcurrency?: string;
  cores?: string;
  variant?: string;
  json?: boolean;
}

/** What to advise on: given service times (with a rate or a trace file), or a results directory. */
export type AdviseRequest =
  | { kind: 'given'; input: Omit<AdviseInput, 'arrivalRate'>; arrivalRate?: number; trace?: string }
  | { kind: 'run'; dir: string; overrides: Partial<AdviseInput> };

function optional(flag: string, raw: string | undefined, rule: Parameters<typeof parseNumber>[2] = POSITIVE) {
  return raw === undefined ? undefined : parseNumber(flag, raw, rule);
}

/** The settings every form shares (memory, limits, cores, variant). */
function common(flags: AdviseFlags): Partial<AdviseInput> {
  const out: Partial<AdviseInput> = {
    variant: parseChoice('--variant', flags.variant ?? 'thesis', VARIANTS),
  };
  const memoryMb = optional('--memory-mb', flags.memoryMb);
  const wasmMemoryMb = optional('--wasm-memory-mb', flags.wasmMemoryMb);
  const maxConcurrency = optional('--max-concurrency', flags.maxConcurrency, {
    integer: true,
    min: 1,
    max: 1_000_000,
  });
  const cores = optional('--cores', flags.cores, { integer: true, min: 1, max: 4096 });
  if (memoryMb !== undefined) out.memoryMb = memoryMb;
  if (wasmMemoryMb !== undefined) out.wasmMemoryMb = wasmMemoryMb;
  if (maxConcurrency !== undefined) out.maxConcurrency = maxConcurrency;
  if (cores !== undefined) out.cores = cores;
  return out;
}

/**
 * Parse `advise` flags (and the optional results directory). @throws UsageError naming the flag
 */
export function parseAdviseFlags(dir: string | undefined, flags: AdviseFlags): AdviseRequest {
  if (flags.arrivalRate !== undefined && flags.trace !== undefined)
    throw new UsageError('give --arrival-rate or --trace, not both');
  const arrivalRate = optional('--arrival-rate', flags.arrivalRate);
  const keepAlive = optional('--keep-alive', flags.keepAlive);
  if (dir !== undefined) {
    const overrides: Partial<AdviseInput> = { ...common(flags) };
    for (const [key, flag, raw] of [
      ['warm', '--warm', flags.warm],
      ['cold', '--cold', flags.cold],
      ['wasm', '--wasm', flags.wasm],
    ] as const) {
      const v = optional(flag, raw);
      if (v !== undefined) overrides[key] = v;
    }
    if (arrivalRate !== undefined) overrides.arrivalRate = arrivalRate;
    if (keepAlive !== undefined) overrides.keepAlive = keepAlive;
    if (flags.trace !== undefined)
      throw new UsageError('--trace goes with service-time flags, not a results directory');
    return { kind: 'run', dir, overrides };
  }
  const alt = ' (or give a results directory)';
  const input = {
    ...common(flags),
    warm: parseNumber('--warm', requiredFlag('--warm', flags.warm, alt), POSITIVE),
    cold: parseNumber('--cold', requiredFlag('--cold', flags.cold, alt), POSITIVE),
    wasm: parseNumber('--wasm', requiredFlag('--wasm', flags.wasm, alt), POSITIVE),
    keepAlive: parseNumber('--keep-alive', requiredFlag('--keep-alive', flags.keepAlive, alt), POSITIVE),
  };
  if (flags.trace !== undefined) return { kind: 'given', input, trace: flags.trace };
  const rate =
    arrivalRate ??
    parseNumber('--arrival-rate', requiredFlag('--arrival-rate', undefined, ' (or --trace FILE)'), POSITIVE);
  return { kind: 'given', input, arrivalRate: rate };
}

export default function register(program: Command): void {
  program
    .command('advise')
    .description(
      'which executor wins, from the models: latency, memory-time and cold starts of containers (SMP) against Wasm (M/G/∞), the crossover keep-alive and where capacity decides',
    )
    .argument('[results-dir]', "take the service times (and loads) from a run's model-input profiles")
    .option('--arrival-rate <rate>', 'arrival rate λ, req/s')
    .option('--trace <file>', 'per-minute request counts (one per line, or a JSON array) instead of a rate')
    .option('--warm <s>', 'container warm service time, seconds')
    .option('--cold <s>', 'container cold service time, seconds')
    .option('--wasm <s>', 'Wasm mean service time E[S], seconds')
    .option('--keep-alive <s>', 'container keep-alive, seconds')
    .option('--memory-mb <mb>', 'memory per container, MB (default 256, OpenWhisk’s action default)')
    .option('--wasm-memory-mb <mb>', 'memory per Wasm instance, MB (default: the container’s)')
    .option('--max-concurrency <n>', "the container platform's maximum concurrency M (default 1000)")
    .option('--cores <n>', "the Wasm host's cores, for its capacity knee")
    .option('--variant <name>', `SMP variant: ${VARIANTS.join('|')} (default thesis)`)
    .option('--json', 'print JSON')
    .action(async (dir: string | undefined, flags: AdviseFlags) => {
      const request = parseAdviseFlags(dir, flags);
      const { adviseAction } = await import('./action.js');
      await adviseAction(request, Boolean(flags.json));
    });
}

/**
 * `faasmark predict smp|mginf|capacity`: the analytical models from the command line. Flags
 * are parsed strictly here (pure, exported, tested unspawned); the models are imported
 * lazily by ./action.ts.
 */
import type { Command } from 'commander';
import type { SmpInput, SmpVariant } from '../../../../analysis/models/smp.js';
import { UsageError } from '../../../../core/errors.js';
import { parseChoice, parseNumber, parseNumberList, requiredFlag } from '../../options.js';

const VARIANTS: readonly SmpVariant[] = ['thesis', 'original'];
const POSITIVE = { greaterThan: 0 } as const;

export interface SmpFlags {
  arrivalRate?: string;
  warm?: string;
  cold?: string;
  keepAlive?: string;
  maxConcurrency?: string;
  variant?: string;
  fasterSolution?: boolean;
  input?: string;
  json?: boolean;
}

/** `predict smp`'s points: from the flags, or a file to read (--input). */
export type SmpSource = { inputs: SmpInput[]; sweep: boolean } | { file: string };

function parseMaxConcurrency(raw: string | undefined): number | undefined {
  return raw === undefined
    ? undefined
    : parseNumber('--max-concurrency', raw, { integer: true, min: 1, max: 1_000_000 });
}

/**
 * Parse `predict smp` point flags into SMP inputs: the product of the --arrival-rate and
 * --keep-alive lists (rate-major). `sweep` is true when either flag is a list of more than one.
 * @throws UsageError naming the flag and the accepted values.
 */
export function parseSmpFlags(flags: SmpFlags): { inputs: SmpInput[]; sweep: boolean } {
  const alt = ' (or give --input FILE)';
  const rates = parseNumberList(
    '--arrival-rate',
    requiredFlag('--arrival-rate', flags.arrivalRate, alt),
    POSITIVE,
  );
  const warm = parseNumber('--warm', requiredFlag('--warm', flags.warm, alt), POSITIVE);
  const cold = parseNumber('--cold', requiredFlag('--cold', flags.cold, alt), POSITIVE);
  const keepAlives = parseNumberList(
    '--keep-alive',
    requiredFlag('--keep-alive', flags.keepAlive, alt),
    POSITIVE,
  );
  const maxConcurrency = parseMaxConcurrency(flags.maxConcurrency);
  const variant = parseChoice('--variant', flags.variant ?? 'thesis', VARIANTS);
  const inputs: SmpInput[] = [];
  for (const arrivalRate of rates) {
    for (const keepAlive of keepAlives) {
      const input: SmpInput = { arrivalRate, warm, cold, keepAlive, variant };
      if (maxConcurrency !== undefined) input.maxConcurrency = maxConcurrency;
      if (flags.fasterSolution === false) input.fasterSolution = false;
      inputs.push(input);
    }
  }
  return { inputs, sweep: rates.length > 1 || keepAlives.length > 1 };
}

/** Parse `predict smp`: --input FILE alone, or the point flags. @throws UsageError */
export function parseSmpSource(flags: SmpFlags): SmpSource {
  if (flags.input === undefined) return parseSmpFlags(flags);
  const pointFlags = (
    ['arrivalRate', 'warm', 'cold', 'keepAlive', 'maxConcurrency', 'variant'] as const
  ).filter((k) => flags[k] !== undefined);
  if (pointFlags.length > 0 || flags.fasterSolution === false) {
    throw new UsageError('--input FILE cannot be combined with point flags (--arrival-rate, --warm, …)', {
      hint: 'put every input into the file, or drop --input',
    });
  }
  return { file: flags.input };
}

export interface MginfFlags {
  arrivalRate?: string;
  serviceTime?: string;
  cores?: string;
  json?: boolean;
}

export interface MginfOptions {
  rates: number[];
  serviceTime: number;
  cores?: number;
}

/** Parse `predict mginf` flags. @throws UsageError naming the flag. */
export function parseMginfFlags(flags: MginfFlags): MginfOptions {
  const rates = parseNumberList(
    '--arrival-rate',
    requiredFlag('--arrival-rate', flags.arrivalRate),
    POSITIVE,
  );
  const serviceTime = parseNumber(
    '--service-time',
    requiredFlag('--service-time', flags.serviceTime),
    POSITIVE,
  );
  if (flags.cores === undefined) return { rates, serviceTime };
  const cores = parseNumber('--cores', flags.cores, { integer: true, min: 1, max: 1_000_000 });
  return { rates, serviceTime, cores };
}

export interface CapacityFlags {
  warm?: string;
  cold?: string;
  keepAlive?: string;
  maxConcurrency?: string;
  variant?: string;
  threshold?: string;
  json?: boolean;
}

export type CapacityOptions = ReturnType<typeof parseCapacityFlags>;

/** Parse `predict capacity` flags. @throws UsageError naming the flag. */
export function parseCapacityFlags(flags: CapacityFlags) {
  return {
    warm: parseNumber('--warm', requiredFlag('--warm', flags.warm), POSITIVE),
    cold: parseNumber('--cold', requiredFlag('--cold', flags.cold), POSITIVE),
    keepAlive: parseNumber('--keep-alive', requiredFlag('--keep-alive', flags.keepAlive), POSITIVE),
    maxConcurrency: parseMaxConcurrency(flags.maxConcurrency) ?? 1000,
    variant: parseChoice('--variant', flags.variant ?? 'thesis', VARIANTS),
    threshold: parseNumber('--threshold', flags.threshold ?? '0.01', { greaterThan: 0, max: 0.999 }),
  };
}

export default function register(program: Command): void {
  const predict = program
    .command('predict')
    .description('predict metrics with the analytical models (SMP for containers, M/G/∞ for Wasm)');

  predict
    .command('smp')
    .description(
      "semi-Markov model of scale-per-request containers (pacsltk's get_sls_warm_count_dist); comma lists sweep",
    )
    .option('--arrival-rate <list>', 'arrival rate λ, req/s (comma list for a sweep)')
    .option('--warm <s>', 'warm service time w, seconds')
    .option('--cold <s>', 'cold service time c, seconds')
    .option('--keep-alive <list>', 'keep-alive τ, seconds (comma list for a sweep)')
    .option('--max-concurrency <n>', 'maximum concurrency M (default 1000)')
    .option('--variant <name>', `model variant: ${VARIANTS.join('|')} (default thesis)`)
    .option('--no-faster-solution', "solve all M+1 states (pacsltk's faster_solution=False)")
    .option('--input <file>', 'evaluate many points: JSON array or JSONL of input objects')
    .option('--json', 'print JSON (one object per point; an array for a sweep or --input)')
    .action(async (flags: SmpFlags) => {
      const source = parseSmpSource(flags);
      const { predictSmpAction } = await import('./action.js');
      await predictSmpAction(source, Boolean(flags.json));
    });

  predict
    .command('mginf')
    .description('M/G/∞ model of a Wasm executor; with --cores also the M/G/c processor-sharing companion')
    .option('--arrival-rate <list>', 'arrival rate λ, req/s (comma list for several)')
    .option('--service-time <s>', 'mean service time E[S], seconds')
    .option('--cores <n>', 'host cores c: add the capacity-aware M/G/c-PS prediction')
    .option('--json', 'print JSON')
    .action(async (flags: MginfFlags) => {
      const options = parseMginfFlags(flags);
      const { predictMginfAction } = await import('./action.js');
      await predictMginfAction(options, Boolean(flags.json));
    });

  predict
    .command('capacity')
    .description('SMP finite-capacity view: the arrival rate where rejections exceed a threshold')
    .option('--warm <s>', 'warm service time w, seconds')
    .option('--cold <s>', 'cold service time c, seconds')
    .option('--keep-alive <s>', 'keep-alive τ, seconds')
    .option('--max-concurrency <n>', 'maximum concurrency M (default 1000)')
    .option('--variant <name>', `model variant: ${VARIANTS.join('|')} (default thesis)`)
    .option('--threshold <p>', 'rejection probability that counts as saturated (default 0.01)')
    .option('--json', 'print JSON')
    .action(async (flags: CapacityFlags) => {
      const options = parseCapacityFlags(flags);
      const { predictCapacityAction } = await import('./action.js');
      await predictCapacityAction(options, Boolean(flags.json));
    });
}

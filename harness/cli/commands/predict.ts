/**
 * `faasmark predict smp|mginf|capacity`: the analytical models from the command line
 * (issue 2, "CLI contract"). Flags are parsed strictly here (pure, exported, tested
 * unspawned); the models are imported lazily inside the actions.
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { SmpInput, SmpVariant } from '../../../analysis/models/smp.js';
import { fmt, renderTable } from '../../../analysis/table.js';
import { InputError, UsageError } from '../../../core/errors.js';
import { out, outJson } from '../io.js';
import { parseChoice, parseNumber, parseNumberList, requiredFlag } from '../options.js';

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

async function predictSmp(flags: SmpFlags): Promise<void> {
  let inputs: SmpInput[];
  let sweep: boolean;
  if (flags.input !== undefined) {
    const pointFlags = (
      ['arrivalRate', 'warm', 'cold', 'keepAlive', 'maxConcurrency', 'variant'] as const
    ).filter((k) => flags[k] !== undefined);
    if (pointFlags.length > 0 || flags.fasterSolution === false) {
      throw new UsageError('--input FILE cannot be combined with point flags (--arrival-rate, --warm, …)', {
        hint: 'put every input into the file, or drop --input',
      });
    }
    const { parseSmpInputs } = await import('../../../analysis/models/smp-input.js');
    let text: string;
    try {
      text = await readFile(flags.input, 'utf8');
    } catch (err) {
      throw new InputError(
        `--input ${flags.input}: cannot read (${(err as NodeJS.ErrnoException).code ?? err})`,
        {
          cause: err,
        },
      );
    }
    inputs = parseSmpInputs(text, flags.input);
    sweep = true;
  } else {
    ({ inputs, sweep } = parseSmpFlags(flags));
  }
  const { smpRecords } = await import('../../../analysis/models/records.js');
  const records = smpRecords(inputs);
  if (flags.json) {
    outJson(sweep ? records : records[0]);
    return;
  }
  if (!sweep) {
    const r = records[0]!;
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
    out(renderTable(['SMP', 'value'], rows));
  } else {
    out(
      renderTable(
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
      ),
    );
  }
  const notes = new Set(records.flatMap((r) => r.notes ?? []));
  for (const note of notes) out(`note: ${note}`);
}

export interface MginfFlags {
  arrivalRate?: string;
  serviceTime?: string;
  cores?: string;
  json?: boolean;
}

/** Parse `predict mginf` flags. @throws UsageError naming the flag. */
export function parseMginfFlags(flags: MginfFlags): { rates: number[]; serviceTime: number; cores?: number } {
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

async function predictMginf(flags: MginfFlags): Promise<void> {
  const { rates, serviceTime, cores } = parseMginfFlags(flags);
  const { mginfRecord } = await import('../../../analysis/models/records.js');
  const records = rates.map((rate) => mginfRecord(rate, serviceTime, cores));
  if (flags.json) {
    outJson(records.length > 1 ? records : records[0]);
    return;
  }
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
  out(renderTable(head, rows));
  const notes = new Set(records.flatMap((r) => r.capacity?.notes ?? []));
  for (const note of notes) out(`note: ${note}`);
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

async function predictCapacity(flags: CapacityFlags): Promise<void> {
  const input = parseCapacityFlags(flags);
  const { smpSaturation } = await import('../../../analysis/models/capacity.js');
  const { smpRecord } = await import('../../../analysis/models/records.js');
  const r = smpSaturation(input);
  const at = smpRecord({ ...input, arrivalRate: r.saturationArrivalRate }, r.atSaturation);
  const record = { ...input, saturationArrivalRate: r.saturationArrivalRate, atSaturation: at };
  if (flags.json) {
    outJson(record);
    return;
  }
  out(
    renderTable(
      ['SMP finite capacity', 'value'],
      [
        ['inputs', `w ${input.warm} s, c ${input.cold} s, τ ${input.keepAlive} s, M ${input.maxConcurrency}`],
        ['variant', input.variant],
        [`saturation λ (rejectionProb > ${input.threshold})`, `${fmt(r.saturationArrivalRate, 6)} req/s`],
        ['avgRespTime there (s)', fmt(at.avgRespTime, 6)],
        ['avgServerCountTotal there', fmt(at.avgServerCountTotal, 6)],
        ['rejectionRate there (req/s)', fmt(at.rejectionRate, 6)],
      ],
    ),
  );
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
    .action(async (opts: SmpFlags) => predictSmp(opts));

  predict
    .command('mginf')
    .description('M/G/∞ model of a Wasm executor; with --cores also the M/G/c processor-sharing companion')
    .option('--arrival-rate <list>', 'arrival rate λ, req/s (comma list for several)')
    .option('--service-time <s>', 'mean service time E[S], seconds')
    .option('--cores <n>', 'host cores c: add the capacity-aware M/G/c-PS prediction')
    .option('--json', 'print JSON')
    .action(async (opts: MginfFlags) => predictMginf(opts));

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
    .action(async (opts: CapacityFlags) => predictCapacity(opts));
}

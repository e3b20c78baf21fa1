/**
 * `faasmark simulate`: the discrete-event simulator from the command line. Container mode
 * (scale-per-request, SMP-comparable outputs) by default; Wasm mode (`--mode wasm`: M/G/∞,
 * optionally c cores shared). Flags are parsed strictly here by the pure, exported
 * {@link parseSimulateFlags}; the simulator is imported lazily by ./action.ts.
 */
import type { Command } from 'commander';
import { specWithMean } from '../../../../analysis/distribution-spec.js';
import type { ContainerSimParams, WasmSimParams } from '../../../../analysis/simulator/index.js';
import { UsageError } from '../../../../core/errors.js';
import { ROUTING_POLICIES, type RoutingPolicy } from '../../../../core/platform.js';
import { parseChoice, parseNumber, parseNumberList, requiredFlag } from '../../options.js';

export const SIM_MODES = ['container', 'wasm'] as const;
export type SimMode = (typeof SIM_MODES)[number];
export const CLI_DISTRIBUTIONS = ['exponential', 'deterministic', 'lognormal'] as const;

const POSITIVE = { greaterThan: 0 } as const;
const DEFAULT_REQUESTS = 1_000_000;

export interface SimulateFlags {
  mode?: string;
  arrivalRate?: string;
  warm?: string;
  cold?: string;
  keepAlive?: string;
  serviceTime?: string;
  cores?: string;
  routing?: string;
  requests?: string;
  warmupRequests?: string;
  seed?: string;
  maxConcurrency?: string;
  distribution?: string;
  cv?: string;
  json?: boolean;
}

/** One point: the inputs as echoed in --json, and the simulator parameters. */
export interface SimulatePoint {
  inputs: Record<string, string | number | null>;
  params: ContainerSimParams | WasmSimParams;
  seed: number;
}

function forbid(flags: SimulateFlags, keys: (keyof SimulateFlags)[], names: string[], mode: SimMode): void {
  keys.forEach((k, i) => {
    if (flags[k] !== undefined) {
      throw new UsageError(`${names[i]} does not apply to --mode ${mode} (see faasmark simulate --help)`);
    }
  });
}

/**
 * Parse `simulate` flags into points: the product of the --arrival-rate and --keep-alive
 * lists (rate-major). `sweep` is true when either is a list of more than one.
 * Warm-up: --warmup-requests K (default max(1000, requests/10)) arrivals are simulated and
 * discarded before the `requests` measured ones.
 * @throws UsageError naming the flag and the accepted values.
 */
export function parseSimulateFlags(flags: SimulateFlags): { points: SimulatePoint[]; sweep: boolean } {
  const mode = parseChoice('--mode', flags.mode ?? 'container', SIM_MODES);
  const inMode = ` in --mode ${mode}`;
  const rates = parseNumberList(
    '--arrival-rate',
    requiredFlag('--arrival-rate', flags.arrivalRate, inMode),
    POSITIVE,
  );
  const requests = parseNumber('--requests', flags.requests ?? DEFAULT_REQUESTS, {
    integer: true,
    min: 1,
    max: 1e10,
  });
  const warmupRequests =
    flags.warmupRequests === undefined
      ? Math.max(1000, Math.floor(requests / 10))
      : parseNumber('--warmup-requests', flags.warmupRequests, { integer: true, min: 0, max: 1e10 });
  const seed = parseNumber('--seed', flags.seed ?? 1, { integer: true, min: 0, max: 2 ** 31 - 1 });
  const distribution = parseChoice('--distribution', flags.distribution ?? 'exponential', CLI_DISTRIBUTIONS);
  if (flags.cv !== undefined && distribution !== 'lognormal') {
    throw new UsageError('--cv applies to --distribution lognormal only');
  }
  const cv = parseNumber('--cv', flags.cv ?? 1, POSITIVE);
  const maxConcurrency =
    flags.maxConcurrency === undefined
      ? undefined
      : parseNumber('--max-concurrency', flags.maxConcurrency, { integer: true, min: 1, max: 1e9 });
  const common = {
    requests,
    warmupRequests,
    seed,
    distribution,
    ...(distribution === 'lognormal' ? { cv } : {}),
  };
  const warmup = { requests: warmupRequests };
  const stop = { requests };
  const points: SimulatePoint[] = [];

  if (mode === 'wasm') {
    forbid(
      flags,
      ['warm', 'cold', 'keepAlive', 'routing'],
      ['--warm', '--cold', '--keep-alive', '--routing'],
      mode,
    );
    const serviceTime = parseNumber(
      '--service-time',
      requiredFlag('--service-time', flags.serviceTime, inMode),
      POSITIVE,
    );
    const cores =
      flags.cores === undefined
        ? undefined
        : parseNumber('--cores', flags.cores, { integer: true, min: 1, max: 1e6 });
    for (const arrivalRate of rates) {
      const params: WasmSimParams = {
        mode: 'wasm',
        arrivals: { kind: 'poisson', rate: arrivalRate },
        service: specWithMean(distribution, serviceTime, cv),
        warmup,
        stop,
      };
      if (cores !== undefined) params.cores = cores;
      if (maxConcurrency !== undefined) params.maxConcurrency = maxConcurrency;
      points.push({
        inputs: {
          mode,
          arrivalRate,
          serviceTime,
          cores: cores ?? null,
          maxConcurrency: maxConcurrency ?? null,
          ...common,
        },
        params,
        seed,
      });
    }
    return { points, sweep: rates.length > 1 };
  }

  forbid(flags, ['serviceTime', 'cores'], ['--service-time', '--cores'], mode);
  const warm = parseNumber('--warm', requiredFlag('--warm', flags.warm, inMode), POSITIVE);
  const cold = parseNumber('--cold', requiredFlag('--cold', flags.cold, inMode), POSITIVE);
  const keepAlives = parseNumberList(
    '--keep-alive',
    requiredFlag('--keep-alive', flags.keepAlive, inMode),
    POSITIVE,
  );
  const routing: RoutingPolicy = parseChoice('--routing', flags.routing ?? 'mru', ROUTING_POLICIES);
  for (const arrivalRate of rates) {
    for (const keepAlive of keepAlives) {
      const params: ContainerSimParams = {
        arrivals: { kind: 'poisson', rate: arrivalRate },
        warm: specWithMean(distribution, warm, cv),
        cold: specWithMean(distribution, cold, cv),
        keepAlive,
        routing,
        maxConcurrency: maxConcurrency ?? 1000,
        warmup,
        stop,
      };
      points.push({
        inputs: {
          mode,
          arrivalRate,
          warm,
          cold,
          keepAlive,
          routing,
          maxConcurrency: maxConcurrency ?? 1000,
          ...common,
        },
        params,
        seed,
      });
    }
  }
  return { points, sweep: rates.length > 1 || keepAlives.length > 1 };
}

export default function register(program: Command): void {
  program
    .command('simulate')
    .description(
      'discrete-event simulation: scale-per-request containers (keep-alive, routing, cold starts; SMP output names) or Wasm (--mode wasm: M/G/∞, optionally c cores shared)',
    )
    .option('--mode <mode>', `container or wasm (default container)`)
    .option('--arrival-rate <L>', 'arrival rate λ (req/s, Poisson); a comma list sweeps')
    .option('--warm <W>', 'container: mean warm service time (s)')
    .option('--cold <C>', 'container: mean cold-start response time (s)')
    .option('--keep-alive <T>', 'container: keep-alive (s); a comma list sweeps')
    .option(
      '--routing <policy>',
      `container: idle-executor routing, one of ${ROUTING_POLICIES.join(', ')} (default mru)`,
    )
    .option(
      '--max-concurrency <M>',
      'maximum executors (container, default 1000) / requests in flight (wasm, default unlimited)',
    )
    .option('--service-time <S>', 'wasm: mean service time (s)')
    .option('--cores <N>', 'wasm: cores shared by processor sharing (default: unlimited, M/G/∞)')
    .option(
      '--distribution <kind>',
      `service-time distribution: ${CLI_DISTRIBUTIONS.join(', ')} (default exponential)`,
    )
    .option('--cv <X>', 'lognormal coefficient of variation (default 1)')
    .option('--requests <N>', `measured requests (default ${DEFAULT_REQUESTS})`)
    .option(
      '--warmup-requests <K>',
      'requests simulated and discarded first (default max(1000, requests/10))',
    )
    .option('--seed <S>', 'random seed, integer (default 1)')
    .option('--json', 'print JSON: one object per point (an array for a sweep) with inputs and outputs')
    .action(async (flags: SimulateFlags) => {
      const parsed = parseSimulateFlags(flags);
      const { simulateAction } = await import('./action.js');
      await simulateAction(parsed, Boolean(flags.json));
    });
}

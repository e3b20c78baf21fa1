/**
 * Predictions for one point, from the service times measured in the same run
 * (model-inputs.ts). Containers: the SMP at the point's λ and keep-alive (primary) and the
 * simulator replaying the point's own schedule with deterministic w / c and the platform's
 * routing. Wasm: M/G/∞ (primary), its capacity companion M/G/c processor sharing on the
 * host's cores, and the simulator in Wasm mode. A model that cannot run contributes nothing
 * and says why in `notes` — never a guessed number.
 *
 * Clocks (containers): with platform-side inputs (`modelInputs.clock: 'platform'`) the model
 * outputs ARE the platform-side quantities the engine measures; respTime alone is defined on
 * the client clock, so the one bridge is predicted respTime = model respTime +
 * modelInputs.clientOverhead, and the unbridged primary figure is returned as
 * `platformRespTime` (docs/engine.md "Model inputs and predictions"). Pure and synchronous.
 */

import { solveCores } from '../../analysis/models/capacity.js';
import { mginfMetrics, solveMginf } from '../../analysis/models/mginf.js';
import { smpMetrics, solveSmp } from '../../analysis/models/smp.js';
import { createRng } from '../../analysis/random.js';
import { simulate } from '../../analysis/simulator/index.js';
import type { MetricValues } from '../../core/metrics.js';
import type { ExecutorKind, RoutingPolicy } from '../../core/platform.js';
import type { ModelInputs } from '../../results/types.js';
import { arrivalSchedule, type ScheduleSpec } from '../arrivals.js';

export interface PredictInput {
  executor: ExecutorKind;
  arrivalRate: number;
  keepAlive: number | null;
  modelInputs: ModelInputs;
  maxConcurrency: number;
  smpVariant: 'thesis' | 'original';
  routing?: RoutingPolicy;
  /** Cores of the host a Wasm platform runs on (capacity companion). */
  cores: number;
  /** Replay this schedule in the simulator (omit to skip the simulator). */
  simulate?: { arrivals: ScheduleSpec; seed: number };
}

export interface Prediction {
  /** The primary model's values: SMP for containers, M/G/∞ for Wasm. */
  predicted: MetricValues;
  primary: string | null;
  models: Record<string, MetricValues>;
  notes: string[];
  /**
   * The primary model's platform-side mean response time (s), before the client-overhead
   * bridge; present only when the inputs were platform-side (container points).
   */
  platformRespTime?: number;
}

const why = (err: unknown) => (err instanceof Error ? err.message.split('\n')[0] : String(err));

/**
 * The simulator's arrivals, warm-up and stop for replaying the point's own schedule (its
 * other random streams take seed + 1).
 */
function replayOf(sim: NonNullable<PredictInput['simulate']>) {
  const times = arrivalSchedule(sim.arrivals, createRng(sim.seed));
  return {
    arrivals: { kind: 'generator' as const, next: () => times.next().value?.at },
    warmup: { time: sim.arrivals.warmup },
    stop: { time: sim.arrivals.warmup + sim.arrivals.duration },
  };
}

/** Move a model's platform-side respTime to the client clock: + the profile's client overhead. */
function toClientClock(m: MetricValues, overhead: number | undefined): MetricValues {
  if (overhead === undefined || typeof m.respTime !== 'number') return m;
  return { ...m, respTime: m.respTime + overhead };
}

/** The point's predictions: the primary model's values, every model's, and notes. */
export function predictPoint(input: PredictInput): Prediction {
  return input.executor === 'container' ? predictContainer(input) : predictWasm(input);
}

/** SMP (primary) and the simulator, on the model inputs' clock, respTime bridged to the client's. */
function predictContainer(input: PredictInput): Prediction {
  const models: Record<string, MetricValues> = {};
  const notes: string[] = [];
  const mi = input.modelInputs;
  const overhead = mi.clock === 'platform' ? mi.clientOverhead : undefined;
  let platformRespTime: number | undefined;
  if (mi.warm === undefined || mi.cold === undefined || input.keepAlive === null) {
    notes.push('smp: needs warm and cold service times and a keep-alive');
  } else {
    try {
      const r = solveSmp({
        arrivalRate: input.arrivalRate,
        warm: mi.warm,
        cold: mi.cold,
        keepAlive: input.keepAlive,
        maxConcurrency: input.maxConcurrency,
        variant: input.smpVariant,
      });
      const smp = smpMetrics(r);
      if (mi.clock === 'platform' && typeof smp.respTime === 'number') platformRespTime = smp.respTime;
      models.smp = toClientClock(smp, overhead);
      notes.push(...r.notes.map((n) => `smp: ${n}`));
    } catch (err) {
      notes.push(`smp: ${why(err)}`);
    }
    if (input.simulate) {
      try {
        const r = simulate(
          {
            mode: 'container',
            ...replayOf(input.simulate),
            warm: { kind: 'deterministic', value: mi.warm },
            cold: { kind: 'deterministic', value: mi.cold },
            keepAlive: input.keepAlive,
            routing: input.routing ?? 'mru',
            maxConcurrency: input.maxConcurrency,
          },
          createRng(input.simulate.seed + 1),
        );
        models.simulator = toClientClock(r.metrics, overhead);
      } catch (err) {
        notes.push(`simulator: ${why(err)}`);
      }
    }
  }
  if (overhead !== undefined)
    notes.push(
      `respTime: model (platform-side) + client overhead ${(overhead * 1000).toFixed(3)} ms from the profile`,
    );
  return {
    predicted: models.smp ?? {},
    primary: models.smp ? 'smp' : null,
    models,
    notes,
    ...(platformRespTime !== undefined ? { platformRespTime } : {}),
  };
}

/** M/G/∞ (primary), the capacity companion on the host's cores, and the simulator in Wasm mode. */
function predictWasm(input: PredictInput): Prediction {
  const models: Record<string, MetricValues> = {};
  const notes: string[] = [];
  const mi = input.modelInputs;
  if (mi.wasm === undefined) {
    notes.push('mginf: needs the Wasm service time');
    return { predicted: {}, primary: null, models, notes };
  }
  try {
    models.mginf = mginfMetrics(solveMginf({ arrivalRate: input.arrivalRate, serviceTime: mi.wasm }));
  } catch (err) {
    notes.push(`mginf: ${why(err)}`);
  }
  try {
    const r = solveCores({ arrivalRate: input.arrivalRate, serviceTime: mi.wasm, cores: input.cores });
    models.capacity = { respTime: r.meanResponseTime, inFlight: r.meanInSystem, rejectProb: 0 };
    notes.push(...r.notes.map((n) => `capacity: ${n}`));
  } catch (err) {
    notes.push(`capacity: ${why(err)}`);
  }
  if (input.simulate) {
    try {
      const r = simulate(
        {
          mode: 'wasm',
          ...replayOf(input.simulate),
          service: { kind: 'deterministic', value: mi.wasm },
          cores: input.cores,
        },
        createRng(input.simulate.seed + 1),
      );
      models.simulator = r.metrics;
    } catch (err) {
      notes.push(`simulator: ${why(err)}`);
    }
  }
  return { predicted: models.mginf ?? {}, primary: models.mginf ? 'mginf' : null, models, notes };
}

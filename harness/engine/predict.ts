/**
 * Predictions for one point, from the service times measured in the same run (model-inputs.ts):
 * - container platforms: the SMP (analysis/models/smp.ts) at the point's λ and keep-alive —
 *   the primary prediction — and the simulator (analysis/simulator) replaying the point's own
 *   arrival schedule with deterministic service times w / c and the platform's routing;
 * - Wasm platforms: M/G/∞ (primary; E[S] ↔ respTime, λE[S] ↔ inFlight), its capacity
 *   companion M/G/c processor sharing on the host's cores (analysis/models/capacity.ts), and
 *   the simulator in Wasm mode on the same cores.
 * A model that cannot run (missing input, saturation, module error) contributes nothing and
 * says why in `notes` — never a guessed number.
 *
 * Clocks (containers). When the profile fed platform-side service times (`modelInputs.clock:
 * 'platform'`, model-inputs.ts), the SMP and simulator outputs ARE the platform-side quantities the
 * engine measures from service intervals [startAt − waitTime, endAt]: running, runningWarm,
 * runningCold, idle, totalExecutors, coldProb. respTime is the one metric DESIGN.md defines on
 * the client clock (from the intended send time), so the single bridge between the clocks is
 *   predicted respTime = model respTime (platform-side) + modelInputs.clientOverhead,
 * applied to the SMP and the simulator alike; the unbridged platform-side figure of the primary
 * model is returned as `platformRespTime` (compared with the measured duration + waitTime in
 * the point summary's `platformComparison`). Client-clock or given inputs are used unchanged.
 */

import { createRng } from '../../analysis/random.js';
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

export async function predictPoint(input: PredictInput): Promise<Prediction> {
  const models: Record<string, MetricValues> = {};
  const notes: string[] = [];
  const mi = input.modelInputs;
  if (input.executor === 'container') {
    const overhead = mi.clock === 'platform' ? mi.clientOverhead : undefined;
    let platformRespTime: number | undefined;
    if (mi.warm === undefined || mi.cold === undefined || input.keepAlive === null) {
      notes.push('smp: needs warm and cold service times and a keep-alive');
    } else {
      try {
        const { solveSmp, smpMetrics } = await import('../../analysis/models/smp.js');
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
          const { simulate } = await import('../../analysis/simulator/index.js');
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

  if (mi.wasm === undefined) {
    notes.push('mginf: needs the Wasm service time');
    return { predicted: {}, primary: null, models, notes };
  }
  try {
    const { solveMginf, mginfMetrics } = await import('../../analysis/models/mginf.js');
    models.mginf = mginfMetrics(solveMginf({ arrivalRate: input.arrivalRate, serviceTime: mi.wasm }));
  } catch (err) {
    notes.push(`mginf: ${why(err)}`);
  }
  try {
    const { solveCores } = await import('../../analysis/models/capacity.js');
    const r = solveCores({ arrivalRate: input.arrivalRate, serviceTime: mi.wasm, cores: input.cores });
    models.capacity = { respTime: r.meanResponseTime, inFlight: r.meanInSystem, rejectProb: 0 };
    notes.push(...r.notes.map((n) => `capacity: ${n}`));
  } catch (err) {
    notes.push(`capacity: ${why(err)}`);
  }
  if (input.simulate) {
    try {
      const { simulate } = await import('../../analysis/simulator/index.js');
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

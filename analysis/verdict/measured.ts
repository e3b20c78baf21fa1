/**
 * The answer a run gives (docs/verdict.md): per workload and arrival rate, each container
 * entry at each keep-alive against each Wasm entry, the winner per metric from the
 * measurements — latency (mean response time), memory-time (executors alive × memory per
 * executor, GB-s per hour) and cold-start probability — with their 95% CIs, "too close to call"
 * when the CIs overlap; beside it the models' answer from the run's own model inputs
 * (advise.ts) and the crossover keep-alive. Pure: point summaries in, verdicts out.
 */
import { groupBy } from '../../core/collections.js';
import type { MetricCallRecord, PointSummary, RunVerdictRecord } from '../../results/types.js';
import { entryOf } from '../report/entry.js';
import { mean } from '../stats/bootstrap.js';
import { type Advice, advise, gbSecondsPerHour, verdictMemory } from './advise.js';
import { crossoverWords, duration, wins } from './sentences.js';

/** The shapes summary.json stores (results/types.ts), named for this module's use. */
export type RunVerdict = RunVerdictRecord;
export type MetricCall = MetricCallRecord;
export type MeasuredWinner = MetricCall['winner'];
/** A value with its 95% CI (lo = hi = value when the run gives none). */
export type Estimate = NonNullable<MetricCall['container']>;

export interface VerdictOptions {
  /** Memory per container / Wasm instance (MB) for memory-time; default 256 each. */
  memoryMb?: number;
  wasmMemoryMb?: number;
}

/** A metric over a point's repetitions: the mean of the values, the CI spanning theirs. */
function estimate(
  points: PointSummary[],
  key: 'respTime' | 'coldProb' | 'totalExecutors' | 'inFlight',
  scale = 1,
): Estimate | null {
  const values: Estimate[] = [];
  for (const p of points) {
    const v = p.measured?.[key];
    if (typeof v !== 'number' || !Number.isFinite(v)) continue;
    const ci = p.measuredCi?.[key];
    values.push({ value: v * scale, lo: (ci?.lo ?? v) * scale, hi: (ci?.hi ?? v) * scale });
  }
  if (values.length === 0) return null;
  return {
    value: mean(values.map((e) => e.value)),
    lo: Math.min(...values.map((e) => e.lo)),
    hi: Math.max(...values.map((e) => e.hi)),
  };
}

/** The lower wins when the CIs do not overlap; overlapping CIs are too close to call. */
export function callOf(container: Estimate | null, wasm: Estimate | null): MetricCall {
  if (!container || !wasm) return { winner: 'too close to call', container, wasm };
  let winner: MeasuredWinner;
  if (container.hi < wasm.lo) winner = 'container';
  else if (wasm.hi < container.lo) winner = 'wasm';
  else winner = container.value === wasm.value && container.lo === container.hi ? 'tie' : 'too close to call';
  return { winner, container, wasm };
}

/** The models' advice from the points' own model inputs, at the applied keep-alive. */
function modelAnswer(
  cont: PointSummary[],
  wasm: PointSummary[],
  sizes: { memoryMb: number; wasmMemoryMb: number },
): Advice | null {
  const c = cont[0];
  const w = wasm[0];
  const warm = c?.modelInputs?.warm;
  const cold = c?.modelInputs?.cold;
  const es = w?.modelInputs?.wasm;
  const keepAlive = c?.provenance?.applied.keepAlive ?? c?.keepAlive;
  if (
    !c ||
    warm === undefined ||
    cold === undefined ||
    es === undefined ||
    keepAlive === null ||
    keepAlive === undefined
  )
    return null;
  try {
    return advise({
      arrivalRate: c.arrivalRate,
      warm,
      cold,
      wasm: es,
      keepAlive,
      ...sizes,
    });
  } catch {
    return null;
  }
}

/** Every container × Wasm verdict of a run. */
export function runVerdicts(points: PointSummary[], o: VerdictOptions = {}): RunVerdict[] {
  const done = points.filter((p) => p.status === 'complete' && p.valid);
  const out: RunVerdict[] = [];
  const sizes = verdictMemory(o);
  const { memoryMb, wasmMemoryMb } = sizes;
  for (const workload of new Set(done.map((p) => p.workload))) {
    for (const rate of new Set(done.filter((p) => p.workload === workload).map((p) => p.arrivalRate))) {
      const here = done.filter((p) => p.workload === workload && p.arrivalRate === rate);
      const conts = groupBy(
        here.filter((p) => p.executor === 'container'),
        (p) => `${entryOf(p)}\u0000${p.keepAlive}`,
      );
      const wasms = groupBy(
        here.filter((p) => p.executor === 'wasm'),
        entryOf,
      );
      for (const cont of conts.values()) {
        for (const wasm of wasms.values()) {
          const first = cont[0] as PointSummary;
          const latency = callOf(estimate(cont, 'respTime'), estimate(wasm, 'respTime'));
          const memory = callOf(
            estimate(cont, 'totalExecutors', gbSecondsPerHour(1, memoryMb)),
            estimate(wasm, 'inFlight', gbSecondsPerHour(1, wasmMemoryMb)),
          );
          const coldProb = callOf(estimate(cont, 'coldProb'), { value: 0, lo: 0, hi: 0 });
          const a = modelAnswer(cont, wasm, sizes);
          const verdict: RunVerdict = {
            workload,
            arrivalRate: rate,
            container: {
              label: entryOf(first),
              keepAlive: first.keepAlive,
              points: cont.map((p) => p.pointId),
            },
            wasm: { label: entryOf(wasm[0] as PointSummary), points: wasm.map((p) => p.pointId) },
            latency,
            memory,
            coldProb,
            model: a
              ? {
                  latency: a.latency.winner,
                  memory: a.memory.winner,
                  coldProb: a.coldProb.winner,
                  crossoverKeepAlive: a.crossoverKeepAlive,
                }
              : null,
            sentence: '',
          };
          verdict.sentence = verdictSentence(verdict);
          out.push(verdict);
        }
      }
    }
  }
  return out;
}

const ci = (e: Estimate | null) => (e ? `${duration(e.value)} [${duration(e.lo)}, ${duration(e.hi)}]` : '—');

/** "aes at 1 req/s, keep-alive 60 s (local-container vs local-wasm): Wasm wins latency (…); …" */
export function verdictSentence(v: RunVerdict): string {
  const ka = v.container.keepAlive === null ? '' : `, keep-alive ${duration(v.container.keepAlive)}`;
  const head = `${v.workload} at ${v.arrivalRate} req/s${ka} (${v.container.label} vs ${v.wasm.label}), measured: `;
  const parts = [
    `${wins(v.latency.winner, 'latency')} (${ci(v.latency.container)} container, ${ci(v.latency.wasm)} Wasm)`,
    `${wins(v.memory.winner, 'memory-time')}`,
    `${wins(v.coldProb.winner, 'cold starts')}`,
  ];
  let model = '';
  if (v.model) {
    const x = v.model.crossoverKeepAlive;
    const agree =
      v.model.latency === v.latency.winner
        ? 'agree'
        : `say ${v.model.latency === 'tie' ? 'a tie' : `${v.model.latency === 'wasm' ? 'Wasm' : 'the container'}`} on latency`;
    model = ` The models ${agree}; ${crossoverWords(x)}.`;
  }
  return `${head}${parts.join('; ')}.${model}`;
}

/**
 * The run's answer in plain words: one or two sentences per workload, load and pair of
 * entries, across its keep-alives ("Wasm wins latency at keep-alive 1 s and 5 s; the container
 * at 30 s"), then the models' crossover.
 */
export function verdictSummary(verdicts: RunVerdict[]): string[] {
  const groups = groupBy(
    verdicts,
    (v) => `${v.workload}\u0000${v.arrivalRate}\u0000${v.container.label}\u0000${v.wasm.label}`,
  );
  const lines: string[] = [];
  for (const vs of groups.values()) {
    const v0 = vs[0] as RunVerdict;
    const byWinner = groupBy(vs, (v) => v.latency.winner);
    const parts = [...byWinner.entries()].map(([w, g]) => {
      const kas = g
        .map((v) => (v.container.keepAlive === null ? '—' : duration(v.container.keepAlive)))
        .join(', ');
      return `${wins(w as MeasuredWinner, 'latency')} at keep-alive ${kas}`;
    });
    const mem = [...new Set(vs.map((v) => v.memory.winner))];
    const memText =
      mem.length === 1
        ? `${wins(mem[0] as MeasuredWinner, 'memory-time')} throughout`
        : 'memory-time depends on the keep-alive';
    const x = v0.model?.crossoverKeepAlive;
    const model = x === undefined ? '' : ` The models: ${crossoverWords(x)}.`;
    lines.push(
      `${v0.workload} at ${v0.arrivalRate} req/s (${v0.container.label} vs ${v0.wasm.label}): ${parts.join('; ')}; ${memText}.${model}`,
    );
  }
  return lines;
}

/**
 * The thesis's answer, per figure family (docs/verdict.md): which executor wins where,
 * computed from its published numbers. Keep-alive family (Figs 4.1-4.7, 1 req/s): OpenWhisk's
 * measured mean response time and containers alive at each keep-alive against Spin's measured
 * ones. Load family (Figs 4.8-4.20): the artifact measured no workload under load on both
 * executors (float on OpenWhisk; matmul and whatlang on Spin), so the other side there is the
 * model (M/G/c-PS on the thesis host's 10 cores for Spin; the SMP from Table 4.1 for OpenWhisk),
 * and every value says where it came from. Pure.
 */
import { solveCores } from '../models/capacity.js';
import { solveSmp } from '../models/smp.js';
import { advise } from '../verdict/advise.js';
import { crossoverWords, duration, wins } from '../verdict/sentences.js';
import type { ThesisData, ThesisFunction, XY } from './data.js';
import { THESIS_FUNCTIONS } from './data.js';
import { THESIS_SPIN_CORES } from './figures.js';

/**
 * The thesis publishes means without intervals: values within 5% of each other are called
 * too close (the spread of its repeated keep-alive points, e.g. aes 0.0604-0.0680 s at 22-26 s).
 */
export const PUBLISHED_MEANS_BAND = 0.05;

/** Keep-alive the thesis text gives for its load experiments (s), the SMP side's setting. */
const LOAD_KEEP_ALIVE = 60;

export type ThesisWinner = 'container' | 'wasm' | 'too close to call';
export type Source = 'published' | 'model';

export interface ThesisCall {
  /** Keep-alive (s) in the keep-alive family, arrival rate (req/s) in the load family. */
  x: number;
  container: number | null;
  wasm: number | null;
  winner: ThesisWinner;
  source: { container: Source; wasm: Source };
}

export interface ThesisVerdict {
  family: 'keep-alive' | 'load';
  figures: string;
  workload: ThesisFunction;
  /** Mean response time (s) per x. */
  latency: ThesisCall[];
  /** Executors alive per x (keep-alive family: containers alive vs Spin in flight). */
  executors: ThesisCall[];
  /** Smallest published keep-alive from which OpenWhisk stays at or below Spin (keep-alive family). */
  publishedCrossover: number | null;
  /** The same from the models on Table 4.1 (advise.ts). */
  modelCrossover: number | null;
  sentence: string;
}

/** The lower wins unless within the band; a missing or unbounded side loses. */
export function callPublished(container: number | null, wasm: number | null): ThesisWinner {
  if (container === null && wasm === null) return 'too close to call';
  if (wasm === null) return 'container';
  if (container === null) return 'wasm';
  const hi = Math.max(container, wasm);
  if (hi === 0 || Math.abs(container - wasm) / hi <= PUBLISHED_MEANS_BAND) return 'too close to call';
  return container < wasm ? 'container' : 'wasm';
}

function call(x: number, container: number | null, wasm: number | null, source: ThesisCall['source']) {
  return { x, container, wasm, winner: callPublished(container, wasm), source };
}

/** x ranges per winner: "Spin wins latency at keep-alive 1-120 s; too close at 150 s". */
function spans(calls: ThesisCall[], metric: string, unit: (x: number) => string): string {
  const runs: { w: ThesisWinner; from: number; to: number }[] = [];
  for (const c of calls) {
    const last = runs[runs.length - 1];
    if (last && last.w === c.winner) last.to = c.x;
    else runs.push({ w: c.winner, from: c.x, to: c.x });
  }
  return runs
    .map((r) => `${wins(r.w, metric)} at ${r.from === r.to ? unit(r.from) : `${unit(r.from)}-${unit(r.to)}`}`)
    .join('; ');
}

function keepAliveVerdict(data: ThesisData, fn: ThesisFunction): ThesisVerdict {
  const ow = data.keepAlive[fn].openwhisk;
  const spin = data.wasmKeepAlive[fn];
  const both = { container: 'published', wasm: 'published' } as const;
  const latency = (ow.respTime ?? []).map(([x, y]) => call(x, y, spin.spinRespTime, both));
  const executors = (ow.totalExecutors ?? []).map(([x, y]) => call(x, y, spin.spinExecutors, both));
  const t = data.table41[fn];
  const modelCrossover = advise({ arrivalRate: 1, ...t, keepAlive: LOAD_KEEP_ALIVE }).crossoverKeepAlive;
  const publishedCrossover = crossoverOf(latency);
  const ka = (x: number) => `${x} s`;
  const sentence =
    `${fn} at 1 req/s (Figs 4.1-4.7, published): ${spans(latency, 'latency', ka)} ` +
    `(Spin ${duration(spin.spinRespTime)}); ${spans(executors, 'memory (executors alive)', ka)} ` +
    `(Spin ${spin.spinExecutors.toPrecision(2)} instances in flight). ` +
    (publishedCrossover === null
      ? 'OpenWhisk never reaches Spin on latency within the published keep-alives'
      : `OpenWhisk stays at or below Spin from a keep-alive of ${publishedCrossover} s`) +
    `; ${modelCrossoverText(modelCrossover)}.`;
  return {
    family: 'keep-alive',
    figures: '4.1-4.7',
    workload: fn,
    latency,
    executors,
    publishedCrossover,
    modelCrossover,
    sentence,
  };
}

function modelCrossoverText(x: number | null): string {
  return `the models: ${crossoverWords(x)}`;
}

/** The smallest x from which the container wins or ties at every larger published x. */
function crossoverOf(calls: ThesisCall[]): number | null {
  let from: number | null = null;
  for (let i = calls.length - 1; i >= 0; i--) {
    const c = calls[i] as ThesisCall;
    if (c.winner === 'wasm') break;
    from = c.x;
  }
  return from;
}

/** float on OpenWhisk by rate (published) against Spin on 10 cores (model; published at 1 req/s). */
function floatLoadVerdict(data: ThesisData): ThesisVerdict {
  const es = data.table41.float.wasm;
  const spinAt1 = data.wasmKeepAlive.float.spinRespTime;
  const latency = (data.floatLoad.openwhisk.respTime ?? []).map(([rate, y]) =>
    rate === 1
      ? call(rate, y, spinAt1, { container: 'published', wasm: 'published' })
      : call(rate, y, spinModel(rate, es), { container: 'published', wasm: 'model' }),
  );
  const knee = THESIS_SPIN_CORES / es;
  const rate = (x: number) => `${x} req/s`;
  return {
    family: 'load',
    figures: '4.8-4.14',
    workload: 'float',
    latency,
    executors: [],
    publishedCrossover: null,
    modelCrossover: null,
    sentence:
      `float by load (Figs 4.8-4.14; OpenWhisk published, Spin modelled on ${THESIS_SPIN_CORES} cores except at 1 req/s): ` +
      `${spans(latency, 'latency', rate)}. Past ${knee.toPrecision(3)} req/s (${THESIS_SPIN_CORES} cores / E[S]) Spin has no steady state.`,
  };
}

/** Spin by load (published) against OpenWhisk's SMP at the text's keep-alive (model). */
function spinLoadVerdict(data: ThesisData, fn: ThesisFunction, measured: { respTime: XY }): ThesisVerdict {
  const t = data.table41[fn];
  const latency = measured.respTime.map(([rate, y]) =>
    call(rate, smpRespTime(rate, t.warm, t.cold), y, { container: 'model', wasm: 'published' }),
  );
  const rate = (x: number) => `${x} req/s`;
  return {
    family: 'load',
    figures: fn === 'matmul' ? '4.17-4.18' : '4.19-4.20',
    workload: fn,
    latency,
    executors: [],
    publishedCrossover: null,
    modelCrossover: null,
    sentence:
      `${fn} by load (Spin published; OpenWhisk modelled by the SMP at keep-alive ${LOAD_KEEP_ALIVE} s, which counts no CPU contention): ` +
      `${spans(latency, 'latency', rate)}.`,
  };
}

function spinModel(rate: number, es: number): number | null {
  return solveCores({ arrivalRate: rate, serviceTime: es, cores: THESIS_SPIN_CORES }).meanResponseTime;
}

function smpRespTime(rate: number, warm: number, cold: number): number {
  return solveSmp({ arrivalRate: rate, warm, cold, keepAlive: LOAD_KEEP_ALIVE, variant: 'thesis' })
    .avgRespTime;
}

/** Every family's verdicts: the six functions by keep-alive, then float and the Spin loads. */
export function thesisVerdicts(data: ThesisData): ThesisVerdict[] {
  const out = THESIS_FUNCTIONS.map((fn) => keepAliveVerdict(data, fn));
  out.push(floatLoadVerdict(data));
  for (const fn of THESIS_FUNCTIONS) {
    const m = data.wasmLoad[fn];
    if (m) out.push(spinLoadVerdict(data, fn, m));
  }
  return out;
}

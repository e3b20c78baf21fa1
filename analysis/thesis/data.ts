/**
 * The reference thesis's published numbers, as copied into results/thesis/ (see its
 * PROVENANCE.md: artifact repository abdulmonum/serverless-performance-evaluation, commit
 * c2b3fb3, process_workload/; Table 4.1 from the thesis text). Read-only, validated on load.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../../core/errors.js';
import type { MetricKey } from '../../core/metrics.js';
import { rootPath } from '../../core/paths.js';

/** The six thesis functions, in Table 4.1 order. */
export const THESIS_FUNCTIONS = [
  'aes',
  'matmul',
  'whatlang',
  'image-thumbnail',
  'float',
  'chameleon',
] as const;
export type ThesisFunction = (typeof THESIS_FUNCTIONS)[number];

/** Thesis JSON metric names → faasmark metric keys. */
export const THESIS_METRIC_NAMES: Record<string, MetricKey> = {
  response_time: 'respTime',
  running_total: 'running',
  running_cold: 'runningCold',
  running_warm: 'runningWarm',
  idle: 'idle',
  total_containers: 'totalExecutors',
  cold_start_probs: 'coldProb',
};

/** x (keep-alive s or arrival rate req/s) → value, sorted by x. */
export type XY = [number, number][];
export type MetricSeries = Partial<Record<MetricKey, XY>>;

export interface ServiceTimes {
  cold: number;
  warm: number;
  wasm: number;
}

export interface ThesisData {
  dir: string;
  table41: Record<ThesisFunction, ServiceTimes>;
  /** Figs 4.1-4.7 (λ = 1): OpenWhisk measurements and the thesis's SMP "Model" block, by keep-alive. */
  keepAlive: Record<ThesisFunction, { openwhisk: MetricSeries; model: MetricSeries }>;
  /** Figs 4.1-4.7 Wasm (λ = 1): M/G/∞ response time used, Spin mean response time and in-flight count. */
  wasmKeepAlive: Record<
    ThesisFunction,
    { modelRespTime: number; spinRespTime: number; spinExecutors: number }
  >;
  /** Figs 4.8-4.14: float on OpenWhisk by arrival rate; "Model" was computed at keep-alive 30 s. */
  floatLoad: { openwhisk: MetricSeries; model: MetricSeries; serviceTimes: { cold: number; warm: number } };
  /** Figs 4.17-4.20: Spin by arrival rate (10 cores): mean response time and in-flight executors. */
  wasmLoad: Partial<Record<ThesisFunction, { respTime: XY; inFlight: XY }>>;
  /** Oddities of the published files and how they were read. */
  quirks: string[];
}

export const THESIS_DATA_DIR = rootPath('results', 'thesis');

function readJson(path: string): unknown {
  if (!existsSync(path)) {
    throw new InputError(`thesis data file missing: ${path}`, {
      hint: 'results/thesis/ ships with faasmark; reinstall or restore it from git',
    });
  }
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new InputError(`${path} is not valid JSON (${(err as Error).message})`);
  }
}

/**
 * Read a file holding one JSON object, or several written back to back (one published file,
 * wasm_whatlang/1.0_results.json, holds two: the experiment script appended a second run).
 * Returns every object in file order.
 */
function readJsonObjects(path: string): unknown[] {
  if (!existsSync(path)) throw new InputError(`thesis data file missing: ${path}`);
  const text = readFileSync(path, 'utf8').trim();
  try {
    return [JSON.parse(text)];
  } catch {
    try {
      return text.split(/(?<=\})\s*(?=\{)/).map((part) => JSON.parse(part));
    } catch (err) {
      throw new InputError(`${path} is not valid JSON (${(err as Error).message})`);
    }
  }
}

function num(v: unknown, where: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v))
    throw new InputError(`${where}: expected a number, got ${JSON.stringify(v)}`);
  return v;
}

function series(block: unknown, where: string): MetricSeries {
  if (typeof block !== 'object' || block === null) throw new InputError(`${where}: expected an object`);
  const out: MetricSeries = {};
  for (const [name, key] of Object.entries(THESIS_METRIC_NAMES)) {
    const m = (block as Record<string, unknown>)[name];
    if (m === undefined) continue;
    if (typeof m !== 'object' || m === null) throw new InputError(`${where}.${name}: expected an object`);
    out[key] = Object.entries(m as Record<string, unknown>)
      .map(([x, v]): [number, number] => [
        num(Number(x), `${where}.${name} key ${x}`),
        num(v, `${where}.${name}.${x}`),
      ])
      .sort((a, b) => a[0] - b[0]);
  }
  return out;
}

/** Load results/thesis/ (or `dir`). @throws InputError when a file is missing or malformed */
export function loadThesisData(dir = THESIS_DATA_DIR): ThesisData {
  const t = readJson(join(dir, 'table-4.1.json')) as { workloads: Record<string, ServiceTimes> };
  const table41 = {} as ThesisData['table41'];
  const keepAlive = {} as ThesisData['keepAlive'];
  const wasmKeepAlive = {} as ThesisData['wasmKeepAlive'];
  for (const fn of THESIS_FUNCTIONS) {
    const row = t.workloads?.[fn];
    table41[fn] = {
      cold: num(row?.cold, `table-4.1.json ${fn}.cold`),
      warm: num(row?.warm, `table-4.1.json ${fn}.warm`),
      wasm: num(row?.wasm, `table-4.1.json ${fn}.wasm`),
    };
    const c = readJson(join(dir, 'keep-alive', `${fn}_container_results.json`)) as Record<string, unknown>;
    keepAlive[fn] = {
      openwhisk: series(c.OpenWhisk, `${fn}_container_results.json OpenWhisk`),
      model: series(c.Model, `${fn}_container_results.json Model`),
    };
    const w = readJson(join(dir, 'keep-alive', `${fn}_wasm_results.json`)) as Record<string, unknown>;
    wasmKeepAlive[fn] = {
      modelRespTime: num(w.model_response_time, `${fn}_wasm_results.json model_response_time`),
      spinRespTime: num(w.spin_response_time, `${fn}_wasm_results.json spin_response_time`),
      spinExecutors: num(w.executors, `${fn}_wasm_results.json executors`),
    };
  }
  const fl = readJson(join(dir, 'load', 'float_container_results.json')) as Record<string, unknown>;
  const st = readJson(join(dir, 'load', 'float_container_model_response_time.json')) as Record<
    string,
    unknown
  >;
  const floatLoad = {
    openwhisk: series(fl.OpenWhisk, 'float_container_results.json OpenWhisk'),
    model: series(fl.Model, 'float_container_results.json Model'),
    serviceTimes: {
      cold: num(st.cold_response_time, 'cold_response_time'),
      warm: num(st.warm_response_time, 'warm_response_time'),
    },
  };
  const wasmLoad: ThesisData['wasmLoad'] = {};
  const quirks: string[] = [];
  for (const fn of THESIS_FUNCTIONS) {
    const d = join(dir, 'load-wasm-only', `wasm_${fn}`);
    if (!existsSync(d)) continue;
    const respTime: XY = [];
    const inFlight: XY = [];
    for (const f of readdirSync(d)) {
      const m = /^(\d+(?:\.\d+)?)_results\.json$/.exec(f);
      if (!m) continue;
      const rate = Number(m[1]);
      const objs = readJsonObjects(join(d, f));
      if (objs.length > 1)
        quirks.push(
          `load-wasm-only/wasm_${fn}/${f} holds ${objs.length} JSON objects back to back: the last (latest run) is used`,
        );
      const r = objs[objs.length - 1] as Record<string, unknown>;
      respTime.push([rate, num(r.Avg_response_time, `${f} Avg_response_time`)]);
      inFlight.push([rate, num(r.Avg_inflight_executors, `${f} Avg_inflight_executors`)]);
    }
    respTime.sort((a, b) => a[0] - b[0]);
    inFlight.sort((a, b) => a[0] - b[0]);
    wasmLoad[fn] = { respTime, inFlight };
  }
  return { dir, table41, keepAlive, wasmKeepAlive, floatLoad, wasmLoad, quirks };
}

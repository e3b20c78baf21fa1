/**
 * Service-time profiler (the Table 4.1 analog, docs/workloads.md "CLI"). For one workload:
 * nativeCold (a new action server per sample: spawn → listening → /init → first /run), nativeWarm
 * (one server reused, over HTTP), and one phase per Wasm engine, a fresh instance per request:
 * v8 (in-process, module compiled once; V8 tiers up lazily, so raise `warmup` for float) and
 * wasmtime (HTTP to `wasmtime serve` from a precompiled .cwasm, like native warm; the
 * component's own start/end and service-time headers are kept beside). Each timed phase reports
 * its first call apart, discards `warmup` more, then measures `runs`. Per engine, slowdown =
 * engine mean ÷ native warm mean (the thesis's ratio); like for like because each workload's
 * native and Wasm builds share a source and its kind (compiled Rust, or interpreted Python).
 */
import { existsSync } from 'node:fs';
import { mean, median, quantileSorted } from 'simple-statistics';
import { shutdownSignal } from '../../core/lifecycle.js';
import { DEFAULT_BUILD_DIR, getWorkload } from '../../workloads/registry.js';
import type { WorkloadName } from '../../workloads/types.js';
import { findWasmtime } from '../external/wasmtime-cli.js';
import { startActionServer } from './native-runner.js';
import { compileWasm, invokeWasmRaw, parseResponse, type WasmResponse } from './wasm-runner.js';
import { type ComponentResponse, componentPath, serveComponent } from './wasmtime-runner.js';

export const PROFILE_ENGINES = ['v8', 'wasmtime'] as const;
export type ProfileEngine = (typeof PROFILE_ENGINES)[number];

/** How each workload runs in both builds: like for like (docs/workloads.md). */
export const WORKLOAD_KIND: Record<WorkloadName, 'compiled' | 'interpreted'> = {
  aes: 'compiled',
  matmul: 'compiled',
  whatlang: 'compiled',
  float: 'interpreted',
};

export interface SampleStats {
  mean: number;
  median: number;
  p95: number;
  min: number;
  max: number;
  count: number;
}

export interface PhaseProfile extends SampleStats {
  /** The first invocation (untiered / cold JIT), seconds; absent for nativeCold. */
  first?: number;
  samples: number[];
}

/** Thesis Table 4.1 (docs/design/platform-facts.md): container cold / warm / Wasm, seconds. */
export const THESIS_TABLE_4_1: Record<
  WorkloadName,
  { cold: number; warm: number; wasm: number; slowdown: number }
> = {
  aes: { cold: 2.5849, warm: 0.0259, wasm: 0.0308, slowdown: 0.0308 / 0.0259 },
  matmul: { cold: 2.5625, warm: 0.013, wasm: 0.0359, slowdown: 0.0359 / 0.013 },
  whatlang: { cold: 2.5182, warm: 0.0141, wasm: 0.0255, slowdown: 0.0255 / 0.0141 },
  float: { cold: 4.1202, warm: 1.5288, wasm: 4.876, slowdown: 4.876 / 1.5288 },
};

/** One Wasm engine's phase: fresh instance per request. */
export interface EngineProfile extends PhaseProfile {
  engine: ProfileEngine;
  version: string;
  /** What a sample is. */
  measures: string;
  /** mean ÷ nativeWarm.mean. */
  slowdown: number;
  /** first ÷ nativeWarm.first. */
  slowdownFirst: number;
  /** Compiling once (s); null: found precompiled in the cache. */
  compileSeconds: number | null;
  /** wasmtime: the component's own times per sample (wall end − start; the handler alone). */
  guest?: SampleStats;
  service?: SampleStats;
  /** Provenance (binary, flags, hashes). */
  settings?: Record<string, unknown>;
}

export interface WorkloadProfile {
  workload: WorkloadName;
  /** Both builds run it compiled (Rust) or interpreted (Python). */
  kind: 'compiled' | 'interpreted';
  input: Record<string, unknown>;
  runs: number;
  warmup: number;
  nativeCold: PhaseProfile;
  /** Part of each cold sample: spawn → `{"listening"}` (process start, no /init or /run). */
  nativeStart: PhaseProfile;
  nativeWarm: PhaseProfile;
  /** Per engine measured. */
  engines: Partial<Record<ProfileEngine, EngineProfile>>;
  /** Engines asked for but not measured, and why. */
  skipped: Array<{ engine: ProfileEngine; reason: string }>;
  /** The v8 phase again, under its earlier names (kept for readers of older JSON). */
  wasm?: PhaseProfile;
  wasmCompileSeconds?: number;
  wasmSlowdown?: number;
  wasmSlowdownFirst?: number;
  thesis: (typeof THESIS_TABLE_4_1)[WorkloadName];
  warmupPolicy: string;
}

export interface ProfileOptions {
  runs?: number;
  warmup?: number;
  input?: unknown;
  buildDir?: string;
  /** Engines to measure (default both; wasmtime is skipped with the reason when not installed or not built). */
  engines?: readonly ProfileEngine[];
  /** A component to use instead of the build's (tests, benches). */
  component?: string;
  /** The wasmtime CLI (default: the lookup of platforms/external/wasmtime-cli.ts). */
  wasmtimeBinary?: string;
  /** Where precompiled .cwasm files go (default ~/.cache/faasmark). */
  cacheDir?: string;
  /** Called after each phase (for progress output). */
  onProgress?: (text: string) => void;
}

export function summarise(samples: number[]): SampleStats {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    mean: mean(sorted),
    median: median(sorted),
    p95: quantileSorted(sorted, 0.95),
    min: sorted[0] as number,
    max: sorted[sorted.length - 1] as number,
    count: sorted.length,
  };
}

function checkAborted(): void {
  const signal = shutdownSignal();
  if (signal.aborted) throw signal.reason;
}

function expectOk(name: WorkloadName, build: string, response: { status: number; body: string }): void {
  if (response.status !== 200) parseResponse(name, build, response);
}

/**
 * `1 + warmup + runs` timed calls: the first is reported as `first`, the next `warmup` are
 * discarded, the rest are the samples. `check` runs after each call, outside the timing.
 */
async function timedSeries<R extends WasmResponse>(
  warmup: number,
  runs: number,
  call: () => Promise<R>,
  check: (response: R) => void,
): Promise<PhaseProfile & { first: number }> {
  const samples: number[] = [];
  let first = 0;
  for (let i = 0; i < 1 + warmup + runs; i++) {
    checkAborted();
    const t0 = performance.now();
    const res = await call();
    const seconds = (performance.now() - t0) / 1000;
    check(res);
    if (i === 0) first = seconds;
    else if (i > warmup) samples.push(seconds);
  }
  return { ...summarise(samples), first, samples };
}

interface Ctx {
  name: WorkloadName;
  input: Record<string, unknown>;
  inputJson: string;
  runs: number;
  warmup: number;
  options: ProfileOptions;
  say: (text: string) => void;
}

async function nativePhases(c: Ctx) {
  const startOpts = c.options.buildDir ? { buildDir: c.options.buildDir } : {};
  const cold: number[] = [];
  const starts: number[] = [];
  for (let i = 0; i < c.runs; i++) {
    checkAborted();
    const t0 = performance.now();
    const server = await startActionServer(c.name, startOpts);
    try {
      await server.init();
      const res = await server.runRaw(c.input);
      cold.push((performance.now() - t0) / 1000);
      starts.push(server.startSeconds);
      expectOk(c.name, 'native', res);
    } finally {
      await server.stop();
    }
    c.say(`${c.name}: native cold ${i + 1}/${c.runs}`);
  }
  const server = await startActionServer(c.name, startOpts);
  let nativeWarm: PhaseProfile & { first: number };
  try {
    await server.init();
    nativeWarm = await timedSeries(
      c.warmup,
      c.runs,
      () => server.runRaw(c.input),
      (res) => expectOk(c.name, 'native', res),
    );
  } finally {
    await server.stop();
  }
  c.say(`${c.name}: native warm done`);
  return {
    nativeCold: { ...summarise(cold), samples: cold },
    nativeStart: { ...summarise(starts), samples: starts },
    nativeWarm,
  };
}

async function v8Phase(c: Ctx, warm: PhaseProfile & { first: number }): Promise<EngineProfile> {
  const compiled = await compileWasm(c.name, c.options.buildDir);
  const p = await timedSeries(
    c.warmup,
    c.runs,
    () => invokeWasmRaw(c.name, c.inputJson, { compiled }),
    (res) => expectOk(c.name, 'wasm', res),
  );
  c.say(`${c.name}: wasm (v8) done`);
  return {
    ...p,
    engine: 'v8',
    version: process.versions.v8,
    measures: 'in-process call: fresh instance + run (no HTTP); module compiled once',
    slowdown: p.mean / warm.mean,
    slowdownFirst: p.first / warm.first,
    compileSeconds: compiled.compileSeconds,
    settings: { node: process.version },
  };
}

async function wasmtimePhase(
  c: Ctx,
  component: string,
  warm: PhaseProfile & { first: number },
): Promise<EngineProfile> {
  const served = await serveComponent(c.name, {
    component,
    ...(c.options.wasmtimeBinary ? { binary: c.options.wasmtimeBinary } : {}),
    ...(c.options.cacheDir ? { cacheDir: c.options.cacheDir } : {}),
  });
  const guest: number[] = [];
  const service: number[] = [];
  let p: PhaseProfile & { first: number };
  try {
    let i = 0;
    p = await timedSeries(
      c.warmup,
      c.runs,
      () => served.call(c.inputJson),
      (res: ComponentResponse) => {
        expectOk(c.name, 'wasmtime', res);
        if (i++ > c.warmup) {
          if (res.guestSeconds !== undefined) guest.push(res.guestSeconds);
          if (res.serviceSeconds !== undefined) service.push(res.serviceSeconds);
        }
      },
    );
  } finally {
    await served.stop();
  }
  c.say(`${c.name}: wasm (wasmtime) done`);
  return {
    ...p,
    engine: 'wasmtime',
    version: served.version.text,
    measures:
      'HTTP round trip to wasmtime serve (like native warm): fresh instance + run; precompiled .cwasm',
    slowdown: p.mean / warm.mean,
    slowdownFirst: p.first / warm.first,
    compileSeconds: served.compiled.compileSeconds,
    ...(guest.length ? { guest: summarise(guest) } : {}),
    ...(service.length ? { service: summarise(service) } : {}),
    settings: {
      binary: served.binary,
      componentSha256: served.compiled.componentSha256,
      cwasmSha256: served.compiled.cwasmSha256,
      serveArgs: served.serveArgs,
      readySeconds: served.readySeconds,
    },
  };
}

/** Why wasmtime cannot be profiled for `name`, or the component to use. */
export function wasmtimeAvailability(
  name: WorkloadName,
  options: ProfileOptions,
): { component: string } | { reason: string } {
  if (!findWasmtime(options.wasmtimeBinary))
    return { reason: 'no wasmtime CLI (bash scripts/install-wasmtime.sh)' };
  const buildDir = options.buildDir ?? DEFAULT_BUILD_DIR;
  if (options.component) {
    return existsSync(options.component)
      ? { component: options.component }
      : { reason: `component not found at ${options.component}` };
  }
  const component = componentPath(
    name,
    buildDir,
    getWorkload(name).artifacts(buildDir) as { component?: { path: string } },
  );
  return component
    ? { component }
    : { reason: `no wasi:http component built for ${name} (npm run build:workloads)` };
}

/** Profile one workload (see the module comment for what each phase measures). */
export async function profileWorkload(name: string, options: ProfileOptions = {}): Promise<WorkloadProfile> {
  const def = getWorkload(name);
  const input = def.validateInput(options.input ?? {});
  const c: Ctx = {
    name: def.name,
    input,
    inputJson: JSON.stringify(input),
    runs: options.runs ?? 10,
    warmup: options.warmup ?? 5,
    options,
    say: options.onProgress ?? (() => {}),
  };
  const native = await nativePhases(c);
  const engines: WorkloadProfile['engines'] = {};
  const skipped: WorkloadProfile['skipped'] = [];
  for (const engine of options.engines ?? PROFILE_ENGINES) {
    if (engine === 'v8') engines.v8 = await v8Phase(c, native.nativeWarm);
    else {
      const available = wasmtimeAvailability(def.name, options);
      if ('reason' in available) skipped.push({ engine, reason: available.reason });
      else engines.wasmtime = await wasmtimePhase(c, available.component, native.nativeWarm);
    }
  }
  const v8 = engines.v8;
  return {
    workload: def.name,
    kind: WORKLOAD_KIND[def.name],
    input,
    runs: c.runs,
    warmup: c.warmup,
    ...native,
    engines,
    skipped,
    ...(v8
      ? {
          wasm: { ...pickPhase(v8) },
          wasmCompileSeconds: v8.compileSeconds ?? 0,
          wasmSlowdown: v8.slowdown,
          wasmSlowdownFirst: v8.slowdownFirst,
        }
      : {}),
    thesis: THESIS_TABLE_4_1[def.name],
    warmupPolicy: `first invocation reported separately; then ${c.warmup} discarded; then ${c.runs} measured (native warm: one reused server; wasm: fresh instance per request; v8 compiles once, wasmtime serves a precompiled .cwasm)`,
  };
}

function pickPhase(e: EngineProfile): PhaseProfile {
  const { mean: m, median: md, p95, min, max, count, first, samples } = e;
  return { mean: m, median: md, p95, min, max, count, ...(first !== undefined ? { first } : {}), samples };
}

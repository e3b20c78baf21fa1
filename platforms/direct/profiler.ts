/**
 * Service-time profiler. For one workload:
 * - nativeCold: a new action server per sample: spawn → {"listening"} → /init → first
 *   /run (the container cold start without the container; `runs` samples).
 * - nativeWarm: one action server, reused; its first /run is reported as `first`, then
 *   `warmup` requests are discarded, then `runs` samples (steady state).
 * - wasm: the module is compiled once (compile time reported separately); a fresh
 *   instance per request, in-process; the first invocation is reported as `first`, then
 *   `warmup` invocations are discarded, then `runs` samples.
 * V8 compiles Wasm lazily (Liftoff, then TurboFan tier-up), so `first` shows the
 * untiered cost and the samples the steady state; for float the tier-up can take longer
 * than a few warm-up requests (docs/design/machines.md: ~5 s), so raise `warmup` to reach it.
 * wasmSlowdown = wasm.mean / nativeWarm.mean (the thesis's ratio). All times in seconds.
 */
import { mean, median, quantileSorted } from 'simple-statistics';
import { shutdownSignal } from '../../core/lifecycle.js';
import { getWorkload } from '../../workloads/registry.js';
import type { WorkloadName } from '../../workloads/types.js';
import { startActionServer } from './native-runner.js';
import { compileWasm, invokeWasmRaw, parseResponse, type WasmResponse } from './wasm-runner.js';

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

export interface WorkloadProfile {
  workload: WorkloadName;
  input: Record<string, unknown>;
  runs: number;
  warmup: number;
  nativeCold: PhaseProfile;
  /** Part of each cold sample: spawn → `{"listening"}` (process start, no /init or /run). */
  nativeStart: PhaseProfile;
  nativeWarm: PhaseProfile;
  wasm: PhaseProfile;
  /** Seconds to compile the Wasm module once (not part of any sample). */
  wasmCompileSeconds: number;
  /** wasm.mean / nativeWarm.mean. */
  wasmSlowdown: number;
  /** wasm.first / nativeWarm.first. */
  wasmSlowdownFirst: number;
  thesis: (typeof THESIS_TABLE_4_1)[WorkloadName];
  warmupPolicy: string;
}

export interface ProfileOptions {
  runs?: number;
  warmup?: number;
  input?: unknown;
  buildDir?: string;
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
async function timedSeries(
  warmup: number,
  runs: number,
  call: () => Promise<WasmResponse>,
  check: (response: WasmResponse) => void,
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

/** Profile one workload (see the module comment for what each phase measures). */
export async function profileWorkload(name: string, options: ProfileOptions = {}): Promise<WorkloadProfile> {
  const def = getWorkload(name);
  const runs = options.runs ?? 10;
  const warmup = options.warmup ?? 5;
  const input = def.validateInput(options.input ?? {});
  const inputJson = JSON.stringify(input);
  const startOpts = options.buildDir ? { buildDir: options.buildDir } : {};
  const say = options.onProgress ?? (() => {});

  // native cold: a new process per sample
  const cold: number[] = [];
  const starts: number[] = [];
  for (let i = 0; i < runs; i++) {
    checkAborted();
    const t0 = performance.now();
    const server = await startActionServer(def.name, startOpts);
    try {
      await server.init();
      const res = await server.runRaw(input);
      cold.push((performance.now() - t0) / 1000);
      starts.push(server.startSeconds);
      expectOk(def.name, 'native', res);
    } finally {
      await server.stop();
    }
    say(`${def.name}: native cold ${i + 1}/${runs}`);
  }

  // native warm: one process reused
  let nativeWarm: PhaseProfile & { first: number };
  const server = await startActionServer(def.name, startOpts);
  try {
    await server.init();
    nativeWarm = await timedSeries(
      warmup,
      runs,
      () => server.runRaw(input),
      (res) => expectOk(def.name, 'native', res),
    );
  } finally {
    await server.stop();
  }
  say(`${def.name}: native warm done`);

  // wasm: compile once, fresh instance per request
  const compiled = await compileWasm(def.name, options.buildDir);
  const wasmProfile = await timedSeries(
    warmup,
    runs,
    () => invokeWasmRaw(def.name, inputJson, { compiled }),
    (res) => expectOk(def.name, 'wasm', res),
  );
  say(`${def.name}: wasm done`);

  return {
    workload: def.name,
    input,
    runs,
    warmup,
    nativeCold: { ...summarise(cold), samples: cold },
    nativeStart: { ...summarise(starts), samples: starts },
    nativeWarm,
    wasm: wasmProfile,
    wasmCompileSeconds: compiled.compileSeconds,
    wasmSlowdown: wasmProfile.mean / nativeWarm.mean,
    wasmSlowdownFirst: wasmProfile.first / nativeWarm.first,
    thesis: THESIS_TABLE_4_1[def.name],
    warmupPolicy: `first invocation reported separately; then ${warmup} discarded; then ${runs} measured (native warm: one reused server; wasm: fresh instance per request, module compiled once)`,
  };
}

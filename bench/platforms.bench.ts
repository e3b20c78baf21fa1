/**
 * `npm run bench -- platforms`: overhead and capacity of the embedded platforms, each figure
 * beside its baseline measured in the same run; nothing asserts.
 * - local-wasm (engine v8) added overhead = mean latency through the platform − the same
 *   fresh-instance run called in-process. Target ≤ 0.5 ms. Engine wasmtime: bench/wasmtime.ts.
 * - local-wasm capacity = completions/s under saturating open-loop arrivals ÷ (workers ÷ mean
 *   in-process service time). Target ≥ 90%.
 * (local-container's figures: bench/platforms-container.bench.ts, run by the same filter.)
 * Workload: aes when built, else fixtures. BENCH_N (default 400) requests per figure, in
 * alternating blocks of 25 (baseline, platform, …) with a GC before each block.
 */

import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { createPointClock } from '../core/clock.js';
import { runCleanups } from '../core/lifecycle.js';
import { create as createWasm, type LocalWasmPlatform } from '../platforms/local-wasm/index.js';
import { createInstanceRunner } from '../platforms/local-wasm/run-instance.js';
import { wasmApi } from '../platforms/local-wasm/wasm-api.js';
import { WorkerPool } from '../platforms/local-wasm/worker-pool.js';
import { artifactPaths, DEFAULT_BUILD_DIR, WORKLOADS } from '../workloads/registry.js';
import { openLoop } from './open-loop.js';
import { BLOCK, gc, mean, median, ms, timeSeq } from './timing.js';
import { benchWasmtime } from './wasmtime.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const N = Number(process.env.BENCH_N ?? 400);
const context = { buildDir: DEFAULT_BUILD_DIR, workDir: '/tmp', log: () => {} };

const { wasm: aesWasm } = artifactPaths('aes');
const aesInput = WORKLOADS.aes.defaultInput;
const wasmWorkload = existsSync(aesWasm)
  ? { name: 'aes', path: aesWasm, input: aesInput as unknown }
  : { name: 'spin', path: `${ROOT}test/fixtures/wasi/spin.wasm`, input: {} as unknown };

/** A heavier input of the same compiled workload: service time ~10–20 ms, so per-request overhead is a small share. */
const heavyInput: unknown = wasmWorkload.name === 'aes' ? { ...aesInput, iterations: 25_000 } : undefined;

async function benchWasm(): Promise<void> {
  console.log(`\nlocal-wasm — workload ${wasmWorkload.name} (${wasmWorkload.path.replace(ROOT, '')})`);
  const module = await wasmApi.compile(readFileSync(wasmWorkload.path));
  // the worker's own code path: a fresh instance per call, WASI host functions built once
  const runner = createInstanceRunner(module, wasmWorkload.name);
  const stdin = new TextEncoder().encode(JSON.stringify(wasmWorkload.input));
  await timeSeq(200, () => runner(stdin)); // tier-up, like deploy's warm-up

  const workers = availableParallelism();
  const p = createWasm(
    {
      name: 'local-wasm',
      engine: 'v8',
      workers,
      warmupRuns: 50,
      workloads: { [wasmWorkload.name]: { wasm: wasmWorkload.path, warmupInput: wasmWorkload.input } },
    },
    context,
  ) as LocalWasmPlatform;
  await p.setup({}, createPointClock());
  await p.deploy(wasmWorkload.name);
  const request = { workload: wasmWorkload.name, input: wasmWorkload.input };
  await timeSeq(50, () => p.invoke(request));
  // Alternating blocks (A×25, B×25, ...) so both see the same background load on this shared
  // machine, with a full GC before each block: in-process instances leave their Wasm memories
  // as main-thread garbage, which must not be collected inside the other side's timings.
  const direct: number[] = [];
  const via: number[] = [];
  for (let i = 0; i < N; i += BLOCK) {
    gc();
    direct.push(...(await timeSeq(BLOCK, () => runner(stdin))));
    gc();
    via.push(...(await timeSeq(BLOCK, () => p.invoke(request))));
  }
  console.log(
    `  in-process fresh instance (baseline): mean ${ms(mean(direct))}, median ${ms(median(direct))}`,
  );
  console.log(`  through local-wasm (HTTP + worker):   mean ${ms(mean(via))}, median ${ms(median(via))}`);
  console.log(
    `  added overhead per request: mean ${ms(mean(via) - mean(direct))}, median ${ms(median(via) - median(direct))}; target ≤ 0.500 ms`,
  );

  await capacity(p, module, runner, workers, 'default input', wasmWorkload.input, direct, true);
  if (heavyInput !== undefined) {
    const heavyStdin = new TextEncoder().encode(JSON.stringify(heavyInput));
    await timeSeq(5, () => runner(heavyStdin));
    const heavy: number[] = [];
    for (let i = 0; i < 4; i++) {
      gc();
      heavy.push(...(await timeSeq(10, () => runner(heavyStdin))));
    }
    await capacity(
      p,
      module,
      runner,
      workers,
      `compute-heavier input ${JSON.stringify(heavyInput)}`,
      heavyInput,
      heavy,
      false,
    );
  }
  await p.teardown();
  console.log(
    `  host load average now: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')} on ${workers} cores (a shared machine depresses capacity)`,
  );
}

/**
 * Capacity of the deployed platform `p` for one input: completions/s under saturating
 * open-loop arrivals at 1.2 × ideal, ideal = workers ÷ median in-process service time (the
 * same definition for every input). Printed beside the worker pool alone (no HTTP, closed
 * loop) and the CPU limit of the machine: every request costs its service time on a worker
 * plus main-thread time (HTTP server and, in this bench, the load generator, same thread), so
 * with C cores throughput ≤ C ÷ (CPU per request, all threads).
 */
async function capacity(
  p: LocalWasmPlatform,
  module: Awaited<ReturnType<typeof wasmApi.compile>>,
  runner: (stdin: Uint8Array) => unknown,
  workers: number,
  label: string,
  input: unknown,
  service: number[],
  comparePrefetch: boolean,
): Promise<void> {
  const cores = availableParallelism();
  const serviceTime = median(service);
  const ideal = workers / serviceTime;
  console.log(`  capacity, ${label}:`);
  console.log(
    `    ideal ${ideal.toFixed(0)} req/s (${workers} workers ÷ median in-process service ${ms(serviceTime)}; with the mean ${ms(mean(service))}: ${(workers / mean(service)).toFixed(0)} req/s)`,
  );
  const stdin = new TextEncoder().encode(JSON.stringify(input));
  // CPU of the in-process run itself, with no forced GC: the fresh instance's memory is freed
  // by V8's GC, partly on its helper threads, which the median service time above leaves out
  const runs = Math.max(20, Math.round(0.6 / serviceTime));
  const c0 = process.cpuUsage();
  for (let i = 0; i < runs; i++) runner(stdin);
  const c1 = process.cpuUsage(c0);
  const cpuPerRun = (c1.user + c1.system) / 1e6 / runs;
  console.log(
    `    in-process CPU per request, GC and V8 helper threads included: ${ms(cpuPerRun)} → even with no host overhead, ${cores} cores ÷ that = ${(cores / cpuPerRun).toFixed(0)} req/s = ${((100 * cores) / cpuPerRun / ideal).toFixed(1)}% of ideal`,
  );
  // same-run baseline without HTTP: the worker pool alone, closed loop, 2 requests per worker
  const poolAlone = async (prefetch: boolean): Promise<number> => {
    const pool = new WorkerPool(workers, { prefetch });
    pool.load(wasmWorkload.name, module);
    await Promise.all(Array.from({ length: 20 * workers }, () => pool.run(wasmWorkload.name, stdin, 60)));
    let poolDone = 0;
    const seconds = serviceTime > 0.005 ? 3 : 2;
    const poolEnd = performance.now() + seconds * 1000;
    await Promise.all(
      Array.from({ length: 2 * workers }, async () => {
        while (performance.now() < poolEnd) {
          await pool.run(wasmWorkload.name, stdin, 60);
          poolDone++;
        }
      }),
    );
    await pool.close();
    return poolDone / seconds;
  };
  const poolRate = await poolAlone(true);
  const poolRateNoPrefetch = comparePrefetch ? await poolAlone(false) : undefined;

  const rate = 1.2 * ideal;
  const duration = 4;
  const ramp = 1;
  // The generator uses a fixed set of 4 connections per worker (like autocannon/wrk): enough
  // to keep every worker busy, and it does not pay a TCP connect per queued arrival. Arrivals
  // are scheduled open-loop (independent of completions); those that find every connection
  // busy wait in the generator's own FIFO (a counter), not as thousands of queued undici
  // requests, whose bookkeeping would load the main thread the platform runs on.
  const connections = 4 * workers;
  const load = await openLoop({
    url: p.url,
    path: `/${wasmWorkload.name}`,
    body: JSON.stringify(input),
    rate,
    duration,
    ramp,
    connections,
    afterWarmup: gc,
  });
  const { nonOk: errors, unsent, elu } = load;
  const throughput = load.throughput;
  const pct = (x: number) => `${((100 * x) / ideal).toFixed(1)}% of ideal`;
  console.log(
    `    local-wasm, open loop ${rate.toFixed(0)} req/s offered for ${duration} s: ${throughput.toFixed(0)} req/s over [${ramp}, ${duration}) s = ${pct(throughput)} (target ≥ 90%); ${errors} non-ok; ${unsent} arrivals still waiting at ${duration} s`,
  );
  console.log(
    `    baseline: worker pool alone (no HTTP, closed loop) ${poolRate.toFixed(0)} req/s = ${pct(poolRate)}; local-wasm ÷ pool alone = ${((100 * throughput) / poolRate).toFixed(1)}%` +
      (poolRateNoPrefetch === undefined
        ? ''
        : `; pool alone without prefetch ${poolRateNoPrefetch.toFixed(0)} req/s = ${pct(poolRateNoPrefetch)}`),
  );
  if (elu && throughput > 0) {
    // window = [ramp, first completion at/after duration); completions in it ≈ throughput × (duration − ramp)
    const windowS = elu.idle / 1000 + elu.active / 1000;
    const perReqMain = elu.active / 1000 / (throughput * windowS);
    const perReqAll = load.cpuSeconds / (throughput * windowS);
    const bound = cores / perReqAll;
    const coresUsed = load.cpuSeconds / windowS;
    console.log(
      `    2-core limit: main thread busy ${ms(perReqMain)} per request (HTTP server + this bench's load generator; utilisation ${(100 * elu.utilization).toFixed(0)}%); CPU per request, all threads ${ms(perReqAll)} → ${cores} cores ÷ that = ${bound.toFixed(0)} req/s = ${pct(bound)}; this process got ${coresUsed.toFixed(2)} of ${cores} cores in the window (the rest: other processes)`,
    );
  }
}

// local-wasm (both engines) | local-wasm-v8 | local-wasm-wasmtime: a part only (the container
// half is platforms-container.bench.ts)
const only = process.env.BENCH_ONLY;
try {
  if (!only || only === 'local-wasm' || only === 'local-wasm-v8') await benchWasm();
  if (!only || only === 'local-wasm' || only === 'local-wasm-wasmtime') await benchWasmtime(N);
} finally {
  await runCleanups();
}

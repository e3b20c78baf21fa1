/**
 * The wasmtime half of `npm run bench -- platforms` (not a bench file itself; platforms.bench.ts
 * calls it). Each figure beside a baseline measured in the same run, no asserts:
 * - added overhead per request = a trivial request through local-wasm (engine wasmtime: admission,
 *   HTTP, a fresh instance) − the same request to a native server doing the same work (the aes
 *   action server with 1 iteration; without the aes component: the fixture component vs a Node
 *   echo server). Target ≤ 0.25 ms. Alternating blocks of 25 with a GC before each.
 * - capacity = completions/s under open-loop arrivals at 1.2 × ideal ÷ ideal, ideal = cores ÷
 *   E[S], E[S] = the mean of the component's own start→end times at light load. Target ≥ 90 %.
 * The component: the aes one (registry, or FAASMARK_BENCH_COMPONENTS=<dir>/aes.wasm), else the
 * fixture built from test/fixtures/components/handler.wat.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import { createPointClock } from '../core/clock.js';
import { findWasmtime } from '../platforms/external/wasmtime-cli.js';
import { create as createWasm, type LocalWasmPlatform } from '../platforms/local-wasm/index.js';
import { artifactPaths, WORKLOADS } from '../workloads/registry.js';
import { startActionServer } from './action-server.js';
import { openLoop } from './open-loop.js';
import { BLOCK, gc, mean, median, ms, timeSeq } from './timing.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

interface Subject {
  name: string;
  component: string;
  trivial: unknown;
  inputs: Array<{ label: string; input: unknown }>;
  native: { command: string; args: string[] };
}

function subject(): Subject {
  const dir = process.env.FAASMARK_BENCH_COMPONENTS;
  // the component build's layout (docs/workloads.md): <build>/aes/component/aes.wasm
  const aes = dir ? join(dir, 'aes.wasm') : join(artifactPaths('aes').dir, 'component', 'aes.wasm');
  const aesNative = artifactPaths('aes').native;
  if (existsSync(aes) && existsSync(aesNative)) {
    const input = WORKLOADS.aes.defaultInput;
    return {
      name: 'aes',
      component: aes,
      trivial: { ...input, iterations: 1 },
      inputs: [
        { label: 'default input', input },
        { label: 'compute-heavier input (25,000 iterations)', input: { ...input, iterations: 25_000 } },
      ],
      native: { command: aesNative, args: [] },
    };
  }
  const out = join(mkdtempSync(join(tmpdir(), 'faasmark-bench-')), 'fixture.wasm');
  execFileSync(process.execPath, [join(ROOT, 'test/fixtures/components/build.mjs'), out], {
    stdio: 'inherit',
  });
  return {
    name: 'fixture',
    component: out,
    trivial: {},
    inputs: [
      { label: 'fixture, 5 × 100,000 steps', input: 5 },
      { label: 'fixture, 40 × 100,000 steps', input: 40 },
    ],
    native: { command: process.execPath, args: [join(ROOT, 'test/fixtures/action-server.mjs')] },
  };
}

function procCpuSeconds(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const rest = f.slice(f.lastIndexOf(')') + 2).split(' ');
  return (Number(rest[11]) + Number(rest[12])) / 100; // utime + stime, USER_HZ = 100
}

async function overhead(p: LocalWasmPlatform, s: Subject, n: number): Promise<void> {
  const native = await startActionServer(s.native.command, s.native.args);
  const direct = new Pool(p.url, { connections: 1 });
  const raw = async () => {
    const res = await direct.request({ path: '/', method: 'POST', body: JSON.stringify(s.trivial) });
    await res.body.text();
  };
  const request = { workload: s.name, input: s.trivial };
  await timeSeq(50, () => native.post(s.trivial));
  await timeSeq(50, () => p.invoke(request));
  const base: number[] = [];
  const via: number[] = [];
  const alone: number[] = [];
  for (let i = 0; i < n; i += BLOCK) {
    gc();
    base.push(...(await timeSeq(BLOCK, () => native.post(s.trivial))));
    gc();
    via.push(...(await timeSeq(BLOCK, () => p.invoke(request))));
    gc();
    alone.push(...(await timeSeq(BLOCK, raw)));
  }
  await direct.close();
  await native.stop();
  console.log(
    `  trivial request ${JSON.stringify(s.trivial)}, ${via.length} each, alternating blocks of ${BLOCK}:`,
  );
  console.log(
    `    native server doing the same work (baseline): mean ${ms(mean(base))}, median ${ms(median(base))}`,
  );
  console.log(
    `    through local-wasm (wasmtime engine):        mean ${ms(mean(via))}, median ${ms(median(via))}`,
  );
  console.log(
    `    straight to wasmtime serve (no adapter):     mean ${ms(mean(alone))}, median ${ms(median(alone))}`,
  );
  console.log(
    `    added overhead per request: median ${ms(median(via) - median(base))}, mean ${ms(mean(via) - mean(base))} (wasmtime alone: median ${ms(median(alone) - median(base))}); target ≤ 0.250 ms`,
  );
}

async function capacity(
  p: LocalWasmPlatform,
  s: Subject,
  label: string,
  input: unknown,
  pid: number,
): Promise<void> {
  const cores = availableParallelism();
  const request = { workload: s.name, input };
  await timeSeq(5, () => p.invoke(request));
  const guest: number[] = [];
  for (let i = 0; i < 40; i++) {
    const r = await p.invoke(request);
    if (r.platform?.startAt !== undefined && r.platform.endAt !== undefined)
      guest.push(r.platform.endAt - r.platform.startAt);
  }
  if (guest.length === 0) {
    console.log(`  capacity, ${label}: not measured (the component sends no x-faas-start-ns/x-faas-end-ns)`);
    return;
  }
  const es = mean(guest);
  const ideal = cores / es;
  const cpu0 = procCpuSeconds(pid);
  const t0 = performance.now();
  const gen0 = process.cpuUsage();
  const r = await openLoop({
    url: p.url,
    path: `/${s.name}`,
    body: JSON.stringify(input),
    rate: 1.2 * ideal,
    duration: 4,
    ramp: 1,
    connections: 4 * cores,
  });
  const wasmtimeCpu = procCpuSeconds(pid) - cpu0;
  const gen = process.cpuUsage(gen0);
  const generatorCpu = (gen.user + gen.system) / 1e6;
  const served = r.throughput * r.windowSeconds;
  const perReq = wasmtimeCpu / Math.max(1, r.completed) + r.cpuSeconds / Math.max(1, served);
  console.log(
    `  capacity, ${label}: E[S] ${ms(es)} (mean of ${guest.length} component start→end), ideal = ${cores} cores ÷ E[S] = ${ideal.toFixed(0)} req/s`,
  );
  console.log(
    `    open loop ${(1.2 * ideal).toFixed(0)} req/s for 4 s: ${r.throughput.toFixed(0)} req/s over [1, 4) s = ${((100 * r.throughput) / ideal).toFixed(1)}% of ideal (target ≥ 90%); ${r.nonOk} non-ok; ${r.unsent} arrivals still waiting`,
  );
  // contention-robust: what the cores could give if they were ours alone — the service's own
  // CPU (10th percentile of start→end: runs that were not descheduled) ÷ all CPU per request
  const sCpu = [...guest].sort((a, b) => a - b)[Math.floor(guest.length / 10)] as number;
  console.log(
    `    exclusive-core estimate: service p10 ${ms(sCpu)} ÷ CPU per request ${ms(perReq)} = ${((100 * sCpu) / perReq).toFixed(1)}% of cores ÷ E[S]`,
  );
  const t1 = performance.now();
  const elapsed = (t1 - t0) / 1000;
  console.log(
    `    CPU per request ≈ ${ms(perReq)} (wasmtime process, ~10 ms ticks, + this bench's load generator) → ${cores} cores ÷ that = ${((100 * cores) / perReq / ideal).toFixed(1)}% of ideal; wasmtime + generator got ${((wasmtimeCpu + generatorCpu) / elapsed).toFixed(2)} of ${cores} cores (the rest went to other processes: a window with < ~1.9 is contaminated)`,
  );
}

export async function benchWasmtime(n: number): Promise<void> {
  const binary = findWasmtime(undefined);
  if (!binary) {
    console.log('\nlocal-wasm (wasmtime): not measured — no wasmtime CLI (bash scripts/install-wasmtime.sh)');
    return;
  }
  const s = subject();
  console.log(
    `\nlocal-wasm, engine wasmtime — ${s.name} component ${s.component.replace(ROOT, '')} (${binary.path})`,
  );
  const workDir = mkdtempSync(join(tmpdir(), 'faasmark-bench-'));
  const p = createWasm(
    {
      name: 'local-wasm',
      engine: 'wasmtime',
      warmupRuns: 50,
      workloads: { [s.name]: { component: s.component, warmupInput: s.trivial } },
    },
    { buildDir: ROOT, workDir, log: () => {} },
  ) as LocalWasmPlatform;
  await p.setup({}, createPointClock());
  await p.deploy(s.name);
  const d = await p.describe();
  const settings = (d.engine?.settings ?? {}) as {
    components: Record<string, { pid: number }>;
    serveArgs: string[];
  };
  console.log(`  ${d.version}; serve flags ${JSON.stringify(settings.serveArgs)}`);
  await overhead(p, s, n);
  for (const { label, input } of s.inputs)
    await capacity(p, s, label, input, settings.components[s.name]?.pid as number);
  await p.teardown();
  rmSync(workDir, { recursive: true, force: true });
  console.log(
    `  host load average now: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')} on ${availableParallelism()} cores`,
  );
}

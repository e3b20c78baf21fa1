/**
 * `npm run bench -- platforms` (container half; BENCH_ONLY=local-container runs it alone):
 * local-container's executors, each figure beside a baseline measured in the same run, in
 * alternating blocks; nothing asserts (docs/embedded-platforms.md "Benchmarks").
 * - warm-path overhead = warm request through the pool − POST /run sent straight to one action
 *   server of the same kind (a host process; a container on its bridge IP). Target ≤ 1 ms.
 * - cold start: initTime with keepAlive 0 (process, docker; docker's steps from its span).
 * - unpause: a warm request after an idle gap to a paused container (pause grace 50 ms) − the
 *   same gap to a running one. Target ≤ 10 ms.
 * Workload: aes when built, else the test fixture. BENCH_N (default 400) warm requests per figure.
 */
import { existsSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { createPointClock } from '../core/clock.js';
import { runCleanups } from '../core/lifecycle.js';
import type { ExecutorEventKind, ExecutorSpan } from '../core/records.js';
import { DockerExecutor } from '../platforms/local-container/docker/executor.js';
import { create, type LocalContainerPlatform } from '../platforms/local-container/index.js';
import { artifactPaths, DEFAULT_BUILD_DIR, WORKLOADS } from '../workloads/registry.js';
import { startActionServer } from './action-server.js';
import { BLOCK, gc, median, ms } from './timing.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const N = Number(process.env.BENCH_N ?? 400);
const context = { buildDir: DEFAULT_BUILD_DIR, workDir: '/tmp', log: () => {} };

const { native: aesServer } = artifactPaths('aes');
const fixture = `${ROOT}test/fixtures/action-server.mjs`;
const w = existsSync(aesServer)
  ? {
      name: 'aes',
      command: aesServer,
      args: [] as string[],
      files: [aesServer],
      input: WORKLOADS.aes.defaultInput as unknown,
    }
  : { name: 'fixture', command: process.execPath, args: [fixture], files: [fixture], input: {} as unknown };
const workloads = { [w.name]: { native: { command: w.command, args: w.args, files: w.files } } };
const request = { workload: w.name, input: w.input };
const inputJson = JSON.stringify(w.input);

const p90 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.9)] as number;
const sleep = (s: number) => new Promise((r) => setTimeout(r, s * 1000));

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return (performance.now() - t0) / 1000;
}

/** `n` samples of `a` and of `b` in alternating blocks, a GC before each block. */
async function ab(
  n: number,
  a: () => Promise<unknown>,
  b: () => Promise<unknown>,
  block = BLOCK,
): Promise<[number[], number[]]> {
  const xs: number[] = [];
  const ys: number[] = [];
  for (let i = 0; i < n; i += block) {
    gc();
    for (let j = 0; j < block; j++) xs.push(await timed(a));
    gc();
    for (let j = 0; j < block; j++) ys.push(await timed(b));
  }
  return [xs, ys];
}

/**
 * The difference of medians, and the median over adjacent block pairs of their own difference:
 * the second follows the machine's load as it drifts (other processes share these cores).
 */
function overhead(label: string, direct: number[], via: number[]): void {
  console.log(
    `  ${label}: direct POST /run median ${ms(median(direct))} (p90 ${ms(p90(direct))}); through the pool median ${ms(median(via))} (p90 ${ms(p90(via))})`,
  );
  const pairs: number[] = [];
  for (let i = 0; i + BLOCK <= Math.min(direct.length, via.length); i += BLOCK) {
    pairs.push(median(via.slice(i, i + BLOCK)) - median(direct.slice(i, i + BLOCK)));
  }
  console.log(
    `    warm-path overhead: median ${ms(median(via) - median(direct))} (ratio ${(median(via) / median(direct)).toFixed(2)}); per block pair, median ${ms(median(pairs))}; target ≤ 1.000 ms`,
  );
}

async function platform(config: Record<string, unknown>): Promise<LocalContainerPlatform> {
  const p = (await create(
    { name: 'local-container', workloads, ...config },
    context,
  )) as LocalContainerPlatform;
  await p.setup({}, createPointClock());
  await p.deploy(w.name);
  return p;
}

async function coldStarts(
  p: LocalContainerPlatform,
  n: number,
): Promise<{ init: number[]; spans: ExecutorSpan[] }> {
  const init: number[] = [];
  for (let i = 0; i < n; i++) {
    const r = await p.invoke(request);
    if (r.platform?.cold && r.platform.initTime !== undefined) init.push(r.platform.initTime);
  }
  await sleep(0.5); // the last removals finish
  return { init, spans: await p.executorSpans() };
}

function stepMedians(spans: ExecutorSpan[], kinds: ExecutorEventKind[]): string {
  return kinds
    .map((k) => {
      const d = spans.flatMap((s) => (s.events ?? []).filter((e) => e.kind === k).map((e) => e.duration));
      return d.length ? `${k} ${ms(median(d))}` : `${k} —`;
    })
    .join(', ');
}

async function benchProcess(): Promise<number[]> {
  console.log('\nprocess executor (an OS process per executor)');
  const server = await startActionServer(w.command, w.args);
  const p = await platform({ executor: 'process', keepAlive: 600 });
  await ab(
    50,
    () => server.post(w.input),
    () => p.invoke(request),
    25,
  );
  const [direct, via] = await ab(
    N,
    () => server.post(w.input),
    () => p.invoke(request),
  );
  overhead('warm', direct, via);
  await p.teardown();
  await server.stop();
  const cold = await platform({ executor: 'process', keepAlive: 0 });
  const { init } = await coldStarts(cold, 30);
  await cold.teardown();
  console.log(
    `  cold start (keepAlive 0, ${init.length}/30 cold): initTime median ${ms(median(init))}, p90 ${ms(p90(init))}`,
  );
  return via;
}

async function benchDocker(processWarm: number[]): Promise<void> {
  const p = await platform({ executor: 'docker', keepAlive: 600, docker: { pauseGrace: 600 } });
  const runtime = p.docker;
  if (!runtime) throw new Error('no Docker runtime');
  console.log(`\ndocker executor — ${p.choice.reason}`);
  // the baseline: one container of the same image, flags and mounts, addressed as the pool does
  const direct = new DockerExecutor('bench-direct', {
    runtime,
    kind: 'action',
    command: w.command,
    args: w.args,
    mounts: [w.command, ...w.files],
  });
  await direct.start(30);
  const run = async () => {
    const r = await direct.run(inputJson, 30);
    if (r.status !== 'ok') throw new Error(r.text);
  };
  await ab(50, run, () => p.invoke(request), 25);
  const [straight, via] = await ab(N, run, () => p.invoke(request));
  overhead('warm', straight, via);
  console.log(
    `    docker pool vs process pool, warm median: ${ms(median(via))} vs ${ms(median(processWarm))} (ratio ${(median(via) / median(processWarm)).toFixed(2)})`,
  );
  await direct.destroy();
  await p.teardown();

  const cold = await platform({ executor: 'docker', keepAlive: 0 });
  const { init, spans } = await coldStarts(cold, 20);
  await cold.teardown();
  console.log(
    `  cold start (keepAlive 0, ${init.length}/20 cold): initTime median ${ms(median(init))}, p90 ${ms(p90(init))}`,
  );
  console.log(`    steps (median): ${stepMedians(spans, ['create', 'start', 'init', 'remove'])}`);
  await benchUnpause();
}

/** Warm requests after the same idle gap: to a running container vs to a paused one. */
async function benchUnpause(): Promise<void> {
  const gap = 0.2;
  const running = await platform({ executor: 'docker', keepAlive: 600, docker: { pauseGrace: 600 } });
  const pausing = await platform({ executor: 'docker', keepAlive: 600, docker: { pauseGrace: 0.05 } });
  await running.invoke(request);
  await pausing.invoke(request);
  const n = Math.min(60, N);
  const [a, b] = await ab(
    n,
    async () => {
      await sleep(gap);
      return running.invoke(request);
    },
    async () => {
      await sleep(gap);
      return pausing.invoke(request);
    },
    10,
  );
  // the gap is inside each sample: take it out
  const warm = a.map((x) => x - gap);
  const paused = b.map((x) => x - gap);
  const spans = await pausing.executorSpans();
  const pauses = spans.flatMap((s) => (s.events ?? []).filter((e) => e.kind === 'pause')).length;
  console.log(
    `  warm after a ${gap} s idle gap: running container median ${ms(median(warm))}; paused container (unpaused by the request) median ${ms(median(paused))} (${pauses} pauses)`,
  );
  console.log(
    `    unpause adds: median ${ms(median(paused) - median(warm))}; the unpause step itself ${stepMedians(spans, ['unpause', 'pause'])}; target ≤ 10.000 ms`,
  );
  await running.teardown();
  await pausing.teardown();
}

if (process.env.BENCH_ONLY !== 'local-wasm') {
  console.log(
    `local-container — workload ${w.name} (${w.command.replace(ROOT, '')}); ${availableParallelism()} cores, load ${loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')}`,
  );
  try {
    const processWarm = await benchProcess();
    try {
      await benchDocker(processWarm);
    } catch (err) {
      console.log(`\ndocker executor: not measured — ${err instanceof Error ? err.message : err}`);
    }
  } finally {
    await runCleanups();
  }
  console.log(
    `\nload at the end: ${loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')}`,
  );
}

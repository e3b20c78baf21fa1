/**
 * `npm run bench -- memory`: faasmark's memory over a long point, on the path a real run takes:
 * the built CLI (`dist/harness/bin.js run`, built first when stale), one point of
 * FAASMARK_BENCH_MEMORY_REQUESTS (default 1,000,000) open-loop Poisson arrivals at
 * FAASMARK_BENCH_MEMORY_RATE req/s (default 800, what this 2-core machine sustains) on
 * local-container with 4 process executors of the trivial fixture action server: every request
 * through platform.invoke (undici to the pool's endpoint, undici to the executor), every record
 * streamed to requests.jsonl (the bounded RecordSink) and into the metrics. The CLI's RSS is read
 * from /proc every second. Prints the curve (every tenth of the run), the peak, and the
 * flatness ratio measured in this run: mean RSS over the last tenth ÷ mean over the second tenth
 * (the first holds the heap's warm-up). Targets: peak ≤ 200 MB, ratio ≤ 1.10. Asserts nothing.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDist } from '../test/helpers/dist.js';

const N = Number(process.env.FAASMARK_BENCH_MEMORY_REQUESTS ?? 1_000_000);
const RATE = Number(process.env.FAASMARK_BENCH_MEMORY_RATE ?? 800);
if (!(N >= 1000 && RATE > 0))
  throw new RangeError('FAASMARK_BENCH_MEMORY_REQUESTS must be >= 1000 and FAASMARK_BENCH_MEMORY_RATE > 0');
/** Executors (warm action servers) the pool may run: it never forks one per arrival. */
const EXECUTORS = 4;
const FIXTURE = fileURLToPath(new URL('../test/fixtures/action-server.mjs', import.meta.url));
const TAG = `memory-bench-${process.pid}`;
const MB = 1024 * 1024;

interface Sample {
  t: number;
  rss: number;
  /** Bytes of requests.jsonl so far (the records written). */
  jsonl: number;
  executorsRss: number;
}

function vmRss(pid: number): number {
  try {
    const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Summed RSS of the fixture executors (found by their tag in /proc). */
function executorsRss(): number {
  let total = 0;
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (readFileSync(`/proc/${name}/cmdline`, 'utf8').includes(TAG)) total += vmRss(Number(name));
    } catch {
      // exited while we looked
    }
  }
  return total;
}

function jsonlBytes(out: string): number {
  const points = join(out, 'points');
  if (!existsSync(points)) return 0;
  for (const d of readdirSync(points)) {
    const f = join(points, d, 'requests.jsonl');
    if (existsSync(f)) return statSync(f).size;
  }
  return 0;
}

const work = mkdtempSync(join(tmpdir(), 'faasmark-memory-'));
const out = join(work, 'run');
const suiteFile = join(work, 'memory.json');
writeFileSync(
  suiteFile,
  JSON.stringify({
    name: 'memory',
    seed: 7,
    warmup: '0s',
    duration: `${N / RATE}s`,
    drainTimeout: '30s',
    requestTimeout: '10s',
    arrivalRate: RATE,
    keepAlive: 600,
    workloads: ['aes'],
    simulator: false,
    modelInputs: { source: 'given', given: { aes: { warm: 0.0003, cold: 0.05 } } },
    thresholds: { maxRateShortfall: 1, errorBudget: 1 },
    platforms: [
      {
        name: 'local-container',
        executor: 'process', // the fixture is a host command; auto would pick docker when an engine answers
        routing: 'mru',
        maxConcurrency: EXECUTORS,
        overflow: 'queue',
        queueLimit: 10_000,
        workloads: { aes: { native: { command: process.execPath, args: [FIXTURE, '--tag', TAG] } } },
      },
    ],
  }),
);

const bin = await ensureDist();
const child = spawn(process.execPath, [bin, 'run', suiteFile, '--out', out, '--no-report', '--json'], {
  stdio: ['ignore', 'pipe', 'pipe'],
});
let stdout = '';
let stderr = '';
child.stdout?.on('data', (d: Buffer) => {
  stdout += d.toString();
});
child.stderr?.on('data', (d: Buffer) => {
  stderr += d.toString();
});
const t0 = Date.now();
const samples: Sample[] = [];
const sampler = setInterval(() => {
  const pid = child.pid;
  if (pid === undefined) return;
  samples.push({
    t: (Date.now() - t0) / 1000,
    rss: vmRss(pid),
    jsonl: jsonlBytes(out),
    executorsRss: executorsRss(),
  });
}, 1000);
const code = await new Promise<number | null>((resolve) => child.once('close', (c) => resolve(c)));
clearInterval(sampler);
const wall = (Date.now() - t0) / 1000;
rmSync(work, { recursive: true, force: true });
if (code !== 0) {
  console.log(`faasmark run exited ${code}:\n${stderr.slice(-2000)}`);
  process.exit(1);
}
const point = (JSON.parse(stdout) as { points: { status: string; requests: Record<string, number> }[] })
  .points[0];
const c = point?.requests ?? {};
const mb = (b: number) => (b / MB).toFixed(0);
const loaded = samples.filter((s) => s.jsonl > 0);
const span = (loaded.at(-1)?.t ?? wall) - (loaded[0]?.t ?? 0);
const tenth = (k: number) =>
  loaded.filter(
    (s) => s.t - (loaded[0]?.t ?? 0) > (k * span) / 10 && s.t - (loaded[0]?.t ?? 0) <= ((k + 1) * span) / 10,
  );
const meanRss = (xs: Sample[]) => xs.reduce((a, s) => a + s.rss, 0) / Math.max(1, xs.length);
console.log(
  `${N.toLocaleString('en')} requests at ${RATE} req/s, the built CLI on local-container (${EXECUTORS} process executors, undici, RecordSink → requests.jsonl, metrics), ${wall.toFixed(0)} s: point ${point?.status}, sent ${c.sent}, ok ${c.ok}, error ${c.error}, timeout ${c.timeout}, rejected ${c.rejected}`,
);
console.log(
  'RSS of the faasmark process (end of each tenth of the load): t s | requests.jsonl MB | RSS MB | executors RSS MB',
);
for (let k = 0; k < 10; k++) {
  const s = tenth(k).at(-1);
  if (s)
    console.log(
      `  ${s.t.toFixed(0).padStart(5)} | ${mb(s.jsonl).padStart(5)} | ${mb(s.rss).padStart(4)} | ${mb(s.executorsRss)}`,
    );
}
const peak = Math.max(...samples.map((s) => s.rss));
const ratio = meanRss(tenth(9)) / meanRss(tenth(1));
console.log(
  `RSS at start ${mb(samples[0]?.rss ?? 0)} MB, peak ${mb(peak)} MB (target ≤ 200 MB); flatness: mean of the last tenth / mean of the second tenth = ${ratio.toFixed(2)} (target ≤ 1.10)`,
);

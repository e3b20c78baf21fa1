/**
 * Load generator speed (issue 5): against a trivial loopback HTTP server (its own process),
 * 1. baseline: autocannon closed-loop (10 connections, 5 s) → its request rate A;
 * 2. faasmark's open-loop Poisson generator at target rates 0.25A … 1.0A (5 s each) → the
 *    achieved rate and the p99 send lag at each; "sustained" = the highest target reached
 *    within 5% with p99 send lag ≤ 1 ms. Target: sustained / A ≥ 0.5.
 * 3. optional (FAASMARK_BENCH_1M=1): 1,000,000 open-loop requests streamed to JSONL and into
 *    the metrics, RSS sampled every second. Target: flat, ≤ 200 MB.
 * Prints figures and ratios; asserts nothing (timings are not test material).
 *
 *   npm run bench -- loadgen
 *   FAASMARK_BENCH_1M=1 npm run bench -- loadgen
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { Pool } from 'undici';
import { PointMeasurer } from '../analysis/metrics/measure.js';
import { createRng } from '../analysis/random.js';
import { arrivalSchedule } from '../harness/arrivals.js';
import { createPointClock } from '../harness/clock.js';
import { JsonlWriter } from '../harness/jsonl.js';
import { runOpenLoop } from '../harness/loadgen/open-loop.js';
import type { InvokeRequest, InvokeResult } from '../platforms/types.js';

const SERVER = `
const http = require('node:http');
const s = http.createServer((req, res) => { req.resume(); req.on('end', () => { res.writeHead(200, {'content-type': 'application/json'}); res.end('{"ok":true}'); }); });
s.keepAliveTimeout = 60000;
s.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: s.address().port })));
`;

async function startServer(): Promise<{ port: number; child: ChildProcess }> {
  const child = spawn(process.execPath, ['-e', SERVER], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [line] = (await once(child.stdout as NodeJS.ReadableStream, 'data')) as [Buffer];
  return { port: (JSON.parse(line.toString()) as { port: number }).port, child };
}

function httpPlatform(port: number) {
  const pool = new Pool(`http://127.0.0.1:${port}`, { connections: 128, pipelining: 1 });
  return {
    pool,
    async invoke(req: InvokeRequest): Promise<InvokeResult> {
      try {
        const res = await pool.request({ path: '/', method: 'POST', body: '{}', signal: req.signal, headers: { 'content-type': 'application/json' } });
        await res.body.text();
        return { status: res.statusCode === 429 ? 'rejected' : res.statusCode < 400 ? 'ok' : 'error', httpStatus: res.statusCode };
      } catch (err) {
        return { status: 'error', errorMessage: err instanceof Error ? err.message : String(err) };
      }
    },
  };
}

async function openLoop(port: number, rate: number, duration: number, onRecord?: (r: never) => Promise<void> | void) {
  const platform = httpPlatform(port);
  const clock = createPointClock();
  const res = await runOpenLoop({
    platform,
    schedule: arrivalSchedule({ process: 'poisson', rate, warmup: 0, duration }, createRng(204)),
    clock,
    pointId: 'bench',
    workload: 'noop',
    input: {},
    requestTimeout: 10,
    drainTimeout: 10,
    onRecord: onRecord ?? (() => {}),
  });
  await platform.pool.close();
  return { achieved: res.counts.ok / duration, lagP99: res.sendLag.at(99) ?? Number.NaN, counts: res.counts };
}

const { port, child } = await startServer();
try {
  const ac = (await autocannon({ url: `http://127.0.0.1:${port}/`, method: 'POST', body: '{}', connections: 10, duration: 5 })) as autocannon.Result;
  const baseline = ac.requests.average;
  console.log(`autocannon closed loop (10 connections, 5 s): ${baseline.toFixed(0)} req/s, p99 latency ${ac.latency.p99} ms`);

  let sustained = 0;
  for (const f of [0.25, 0.5, 0.75, 1.0]) {
    const target = baseline * f;
    const r = await openLoop(port, target, 5);
    const ok = r.achieved >= 0.95 * target && r.lagP99 <= 0.001;
    if (ok) sustained = Math.max(sustained, target);
    console.log(
      `faasmark open-loop Poisson at ${target.toFixed(0)} req/s (${(f * 100).toFixed(0)}% of autocannon): achieved ${r.achieved.toFixed(0)} req/s, p99 send lag ${(r.lagP99 * 1000).toFixed(3)} ms, errors ${r.counts.error + r.counts.timeout}${ok ? '' : '  (not sustained)'}`,
    );
  }
  console.log(`sustained open-loop rate / autocannon closed-loop rate = ${(sustained / baseline).toFixed(2)} (target ≥ 0.50, with p99 send lag ≤ 1 ms)`);

  if (process.env.FAASMARK_BENCH_1M === '1') {
    const rate = Math.min(20_000, Math.max(1000, sustained || baseline * 0.5));
    const duration = 1_000_000 / rate;
    const file = join(tmpdir(), `faasmark-bench-${process.pid}.jsonl`);
    const writer = await JsonlWriter.open(file);
    const measurer = new PointMeasurer({
      executor: 'wasm',
      capabilities: { coldFlag: false, executorSpans: false, platformTimes: false },
      window: { start: 0, end: duration },
    });
    const rss: number[] = [];
    const sampler = setInterval(() => rss.push(process.memoryUsage().rss), 1000);
    const t0 = Date.now();
    const r = await openLoop(port, rate, duration, (async (rec: Parameters<typeof measurer.add>[0]) => {
      measurer.add(rec);
      await writer.write(rec);
    }) as never);
    clearInterval(sampler);
    await writer.close();
    rmSync(file, { force: true });
    const mb = (b: number) => (b / 1024 / 1024).toFixed(0);
    console.log(
      `1M requests at ${rate.toFixed(0)} req/s in ${((Date.now() - t0) / 1000).toFixed(0)} s: sent ${r.counts.sent}, p99 send lag ${(r.lagP99 * 1000).toFixed(3)} ms; RSS first ${mb(rss[0] ?? 0)} MB, max ${mb(Math.max(...rss))} MB, last ${mb(rss.at(-1) ?? 0)} MB (target ≤ 200 MB, flat)`,
    );
  } else {
    console.log('(set FAASMARK_BENCH_1M=1 for the 1M-request memory run)');
  }
} finally {
  child.kill();
}

/**
 * Load generator speed, against a trivial loopback HTTP server in its own process:
 * 1. baseline: autocannon closed loop (10 connections, 5 s) → its request rate A;
 * 2. faasmark's open-loop Poisson generator at target rates 0.05A … 0.75A (5 s each) → the
 *    achieved rate and the p99 send lag; "sustained" = the highest target reached within 5%
 *    with p99 send lag ≤ 1 ms. Target: sustained / A ≥ 0.5. Each line also shows the send
 *    lag p50/p99/max, the generator's CPU share and its young-generation GC pauses;
 * Memory over a long run is measured on the real path by bench/memory.bench.ts (`npm run bench
 * -- memory`: 1,000,000 requests through the built CLI and local-container).
 * Prints figures and ratios; asserts nothing. Short run:
 *   FAASMARK_BENCH_FACTORS=0.5 FAASMARK_BENCH_UNDICI_FACTORS= FAASMARK_BENCH_SECONDS=3 npm run bench -- loadgen
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { constants, type PerformanceEntry, PerformanceObserver } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { Pool } from 'undici';
import { createRng } from '../analysis/random.js';
import { PercentileRecorder } from '../analysis/stats/percentiles.js';
import { createPointClock } from '../core/clock.js';
import type { InvokeRequest, InvokeResult } from '../core/platform.js';
import type { RequestRecord } from '../core/records.js';
import { arrivalSchedule } from '../harness/arrivals.js';
import { runOpenLoop } from '../harness/loadgen/open-loop.js';

const SERVER = `
const http = require('node:http');
const s = http.createServer((req, res) => { req.resume(); req.on('end', () => { res.writeHead(200, {'content-type': 'application/json', 'content-length': '11'}); res.end('{"ok":true}'); }); });
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
        const res = await pool.request({
          path: '/',
          method: 'POST',
          body: '{}',
          signal: req.signal,
          headers: { 'content-type': 'application/json' },
        });
        await res.body.text();
        return {
          status: res.statusCode === 429 ? 'rejected' : res.statusCode < 400 ? 'ok' : 'error',
          httpStatus: res.statusCode,
        };
      } catch (err) {
        return { status: 'error', errorMessage: err instanceof Error ? err.message : String(err) };
      }
    },
  };
}

/**
 * A lean loopback HTTP/1.1 client for the bench: `connections` keep-alive sockets, one request
 * in flight per socket, a FIFO queue beyond that, one pre-encoded request, responses framed by
 * Content-Length. It isolates the generator's own cost (undici's per-request cost is shown
 * separately): autocannon, the baseline, uses its own lean client too.
 */
const HEAD_END = Buffer.from('\r\n\r\n');
const CONTENT_LENGTH = Buffer.from('\r\ncontent-length:');

/** Content-Length of the response whose head ends at `headEnd` (case-insensitive; 0 if absent). */
function contentLength(buf: Buffer, headEnd: number): number {
  let at = buf.indexOf(CONTENT_LENGTH);
  if (at < 0 || at > headEnd) {
    const m = /\r\ncontent-length: *(\d+)/i.exec(buf.subarray(0, headEnd).toString('latin1'));
    return m ? Number(m[1]) : 0;
  }
  at += CONTENT_LENGTH.length;
  while (buf[at] === 0x20) at++;
  let n = 0;
  for (let c = buf[at] as number; c >= 0x30 && c <= 0x39; c = buf[++at] as number) n = n * 10 + c - 0x30;
  return n;
}

function rawPlatform(port: number, connections = 64) {
  const request = Buffer.from(
    'POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}',
  );
  type Waiter = (r: InvokeResult) => void;
  const idle: Conn[] = [];
  const queue: Waiter[] = [];
  class Conn {
    readonly socket: Socket;
    private buf: Buffer = Buffer.alloc(0);
    waiter: Waiter | undefined;
    constructor() {
      this.socket = connect(port, '127.0.0.1');
      this.socket.setNoDelay(true);
      this.socket.on('data', (chunk: Buffer) => this.onData(chunk));
      this.socket.on('error', () => this.finish({ status: 'error', errorMessage: 'socket error' }));
    }
    send(w: Waiter) {
      this.waiter = w;
      this.socket.write(request);
    }
    private onData(chunk: Buffer) {
      this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
      // parsed from the bytes (no header string, no regex): the client's own cost per response
      // is kept small so the generator, not the stand-in client, is what gets measured
      const end = this.buf.indexOf(HEAD_END);
      if (end < 0) return;
      const total = end + 4 + contentLength(this.buf, end);
      if (this.buf.length < total) return;
      const status =
        (this.buf[9] as number) * 100 + (this.buf[10] as number) * 10 + (this.buf[11] as number) - 5328; // '000' = 48·111
      this.buf = this.buf.subarray(total);
      this.finish({
        status: status === 429 ? 'rejected' : status < 400 ? 'ok' : 'error',
        httpStatus: status,
      });
    }
    private finish(r: InvokeResult) {
      const w = this.waiter;
      this.waiter = undefined;
      w?.(r);
      const next = queue.shift();
      if (next) this.send(next);
      else idle.push(this);
    }
  }
  for (let i = 0; i < connections; i++) idle.push(new Conn());
  const all = [...idle];
  return {
    /** Every socket connected: the point's "platform setup", done before the clock starts. */
    ready: Promise.all(all.map((c) => once(c.socket, 'connect'))),
    invoke(): Promise<InvokeResult> {
      return new Promise((resolve) => {
        const c = idle.pop();
        if (c) c.send(resolve);
        else queue.push(resolve);
      });
    },
    close() {
      for (const c of all) c.socket.destroy();
    },
  };
}

/**
 * Young-generation GC pauses (scavenges) during a run, from perf_hooks 'gc' entries: they set
 * the p99 send-lag floor at high rates (the loop cannot send during one).
 */
function watchGc() {
  const pauses: number[] = [];
  const obs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const kind = (e as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind;
      if (kind === constants.NODE_PERFORMANCE_GC_MINOR) pauses.push(e.duration);
    }
  });
  obs.observe({ entryTypes: ['gc'] });
  return {
    /** Index to count from (the start of the measured segment). */
    mark: () => pauses.length,
    stop(from = 0) {
      obs.disconnect();
      const seen = pauses.slice(from);
      const total = seen.reduce((a, b) => a + b, 0);
      return { scavenges: seen.length, totalMs: total, maxMs: seen.length ? Math.max(...seen) : 0 };
    },
  };
}

const gcText = (g: { scavenges: number; totalMs: number; maxMs: number }, seconds: number) =>
  `scavenges ${(g.scavenges / seconds).toFixed(1)}/s (mean ${g.scavenges ? (g.totalMs / g.scavenges).toFixed(2) : '0'} ms, max ${g.maxMs.toFixed(2)} ms)`;

/**
 * One open-loop run: `warmup` seconds of arrivals flagged `warmup` (as a suite's warm-up: JIT
 * compilation and heap sizing happen there, and `faasmark run` excludes them from the metrics),
 * then `duration` measured seconds. The send lag is summarised over the measured arrivals, and
 * over all of them (`allP99`) for comparison; the achieved rate counts measured ok answers.
 */
async function openLoop(
  port: number,
  rate: number,
  duration: number,
  client: 'raw' | 'undici',
  onRecord?: (r: RequestRecord) => Promise<void> | void,
  warmup = 0,
) {
  const platform = client === 'raw' ? rawPlatform(port) : httpPlatform(port);
  if ('ready' in platform) await platform.ready;
  const measuredLag = new PercentileRecorder();
  let measuredOk = 0;
  const gc = watchGc();
  const clock = createPointClock();
  let cpu0 = process.cpuUsage();
  let gcFrom = gc.mark();
  let measuring = warmup === 0;
  const res = await runOpenLoop({
    platform,
    schedule: arrivalSchedule({ process: 'poisson', rate, warmup, duration }, createRng(204)),
    clock,
    pointId: 'bench',
    workload: 'noop',
    input: {},
    requestTimeout: 10,
    drainTimeout: 10,
    onRecord: (r) => {
      if (!r.warmup) {
        if (!measuring) {
          // CPU and GC are counted over the measured segment only
          measuring = true;
          cpu0 = process.cpuUsage();
          gcFrom = gc.mark();
        }
        measuredLag.record(r.sentAt - r.intendedAt);
        if (r.status === 'ok') measuredOk++;
      }
      return onRecord?.(r);
    },
  });
  const gcStats = gc.stop(gcFrom);
  const cpu = process.cpuUsage(cpu0);
  const cpuShare = (cpu.user + cpu.system) / 1e6 / Math.max(1e-9, clock.now() - warmup);
  if ('pool' in platform) await platform.pool.close();
  else platform.close();
  return {
    gc: gcStats,
    cpuShare,
    achieved: measuredOk / duration,
    lagP50: measuredLag.at(50) ?? Number.NaN,
    lagP99: measuredLag.at(99) ?? Number.NaN,
    lagMax: measuredLag.summary().max ?? Number.NaN,
    allP99: res.sendLag.at(99) ?? Number.NaN,
    counts: res.counts,
  };
}

/** Short runs while developing: FAASMARK_BENCH_FACTORS=0.5 FAASMARK_BENCH_SECONDS=3. */
function factorsFromEnv(name: string, fallback: number[]): number[] {
  const raw = process.env[name];
  if (raw === undefined) return fallback;
  const list = raw
    .split(',')
    .filter((x) => x.trim() !== '')
    .map(Number);
  if (list.some((f) => !(f > 0 && f <= 2)))
    throw new RangeError(`${name} must be a list of fractions in (0, 2], got ${raw}`);
  return list;
}
const FACTORS = factorsFromEnv('FAASMARK_BENCH_FACTORS', [0.05, 0.1, 0.25, 0.5, 0.75]);
const UNDICI_FACTORS = factorsFromEnv('FAASMARK_BENCH_UNDICI_FACTORS', [0.05, 0.1]);
const SECONDS = Number(process.env.FAASMARK_BENCH_SECONDS ?? 5);
if (!(SECONDS > 0))
  throw new RangeError(
    `FAASMARK_BENCH_SECONDS must be > 0 (seconds), got ${process.env.FAASMARK_BENCH_SECONDS}`,
  );
const WARMUP = Number(process.env.FAASMARK_BENCH_WARMUP ?? 1);
if (!(WARMUP >= 0))
  throw new RangeError(
    `FAASMARK_BENCH_WARMUP must be >= 0 (seconds), got ${process.env.FAASMARK_BENCH_WARMUP}`,
  );
const ms = (s: number) => (s * 1000).toFixed(3);

const { port, child } = await startServer();
try {
  const ac = (await autocannon({
    url: `http://127.0.0.1:${port}/`,
    method: 'POST',
    body: '{}',
    connections: 10,
    duration: 5,
  })) as autocannon.Result;
  const baseline = ac.requests.average;
  console.log(
    `autocannon closed loop (10 connections, 5 s): ${baseline.toFixed(0)} req/s, p99 latency ${ac.latency.p99} ms`,
  );

  let sustained = 0;
  for (const f of FACTORS) {
    const target = baseline * f;
    const r = await openLoop(port, target, SECONDS, 'raw', undefined, WARMUP);
    const ok = r.achieved >= 0.95 * target && r.lagP99 <= 0.001;
    if (ok) sustained = Math.max(sustained, target);
    const fellBehind = r.achieved < 0.95 * target;
    console.log(
      `faasmark open-loop Poisson at ${target.toFixed(0)} req/s (${(f * 100).toFixed(0)}% of autocannon): achieved ${r.achieved.toFixed(0)} req/s, send lag p50/p99/max ${ms(r.lagP50)}/${ms(r.lagP99)}/${ms(r.lagMax)} ms (p99 ${ms(r.allP99)} ms with the ${WARMUP} s warm-up), errors ${r.counts.error + r.counts.timeout}, generator CPU ${(r.cpuShare * 100).toFixed(0)}% of a core, ${gcText(r.gc, SECONDS)}${ok ? '' : '  (not sustained)'}`,
    );
    if (fellBehind) break; // higher rates only pile up a backlog
  }
  console.log(
    `sustained open-loop rate / autocannon closed-loop rate = ${(sustained / baseline).toFixed(2)} (target ≥ 0.50, with p99 send lag ≤ 1 ms; lean loopback client)`,
  );
  for (const f of UNDICI_FACTORS) {
    const target = baseline * f;
    const r = await openLoop(port, target, SECONDS, 'undici', undefined, WARMUP);
    console.log(
      `  through undici (what the platforms use) at ${target.toFixed(0)} req/s: achieved ${r.achieved.toFixed(0)} req/s, send lag p50/p99/max ${ms(r.lagP50)}/${ms(r.lagP99)}/${ms(r.lagMax)} ms (p99 ${ms(r.allP99)} ms with the warm-up), ${gcText(r.gc, SECONDS)}`,
    );
  }
} finally {
  child.kill();
}

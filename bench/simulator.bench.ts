/**
 * `npm run bench -- simulator`: simulated requests per second and memory of the fast
 * simulator (analysis/simulator) as the number of requests grows (1e5, 1e6, 4e6), against a
 * naive baseline measured in the same run: an array of executor objects with linear scans
 * and per-event history lists averaged at the end — the design of SimFaaS
 * (pacslab/simfaas ServerlessSimulator: a list of FunctionInstance objects, scanned at each
 * event, and hist_* lists). Prints figures and ratios; asserts nothing.
 * Target: ≥ 2 million simulated requests per second, memory flat in N.
 */
import { createRng, exponential, type Rng } from '../analysis/random.js';
import { simulate } from '../analysis/simulator/index.js';

const gc = (globalThis as { gc?: () => void }).gc;
const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(1);

/** The float workload of the thesis (docs/design/platform-facts.md, Table 4.1), τ = 60 s; λ = 1 (the thesis's) and λ = 100 (hundreds of executors). */
let LAMBDA = 1;
const WARM = 1.5288;
const COLD = 4.1202;
const TAU = 60;

interface NaiveExecutor {
  createdAt: number;
  busyUntil: number;
  lastEnd: number;
  busy: boolean;
  cold: boolean;
}

/** The naive baseline: newest-created routing, objects, linear scans, growing history lists. */
function naiveSimulate(n: number, rng: Rng): { coldProb: number; avgServerCountTotal: number } {
  const executors: NaiveExecutor[] = [];
  const histTimes: number[] = [];
  const histTotal: number[] = [];
  const histRunning: number[] = [];
  let t = 0;
  let cold = 0;
  const arrivalRng = rng.fork();
  const serviceRng = rng.fork();
  const record = (at: number) => {
    histTimes.push(at);
    histTotal.push(executors.length);
    let running = 0;
    for (const e of executors) if (e.busy) running++;
    histRunning.push(running);
  };
  for (let i = 0; i < n; i++) {
    const next = t + exponential(arrivalRng, LAMBDA);
    // play departures and expiries up to `next`, earliest first, by scanning
    for (;;) {
      let when = Number.POSITIVE_INFINITY;
      let which = -1;
      for (let k = 0; k < executors.length; k++) {
        const e = executors[k] as NaiveExecutor;
        const at = e.busy ? e.busyUntil : e.lastEnd + TAU;
        if (at < when) {
          when = at;
          which = k;
        }
      }
      if (which < 0 || when > next) break;
      const e = executors[which] as NaiveExecutor;
      if (e.busy) {
        e.busy = false;
        e.lastEnd = when;
      } else executors.splice(which, 1);
      record(when);
    }
    t = next;
    let pick: NaiveExecutor | undefined;
    for (const e of executors) if (!e.busy && (!pick || e.createdAt > pick.createdAt)) pick = e;
    if (pick) {
      pick.busy = true;
      pick.cold = false;
      pick.busyUntil = t + exponential(serviceRng, 1 / WARM);
    } else {
      cold++;
      executors.push({
        createdAt: t,
        busy: true,
        cold: true,
        lastEnd: t,
        busyUntil: t + exponential(serviceRng, 1 / COLD),
      });
    }
    record(t);
  }
  let area = 0;
  for (let k = 1; k < histTimes.length; k++)
    area += (histTotal[k - 1] as number) * ((histTimes[k] as number) - (histTimes[k - 1] as number));
  return {
    coldProb: cold / n,
    avgServerCountTotal: area / ((histTimes.at(-1) as number) - (histTimes[0] as number)),
  };
}

function fast(n: number, routing: 'mru' | 'newest' | 'random', seed: number) {
  return simulate(
    {
      arrivals: { kind: 'poisson', rate: LAMBDA },
      warm: { kind: 'exponential', mean: WARM },
      cold: { kind: 'exponential', mean: COLD },
      keepAlive: TAU,
      routing,
      stop: { requests: n },
    },
    createRng(seed),
  );
}

/** Best of `reps` runs (the machine is shared: the fastest run is the least disturbed); memory of the last. */
function measure<T>(
  run: () => T,
  reps = 3,
): { seconds: number; rssBefore: number; rssAfter: number; heapDelta: number; value: T } {
  let seconds = Number.POSITIVE_INFINITY;
  for (let i = 1; i < reps; i++) {
    const start = process.hrtime.bigint();
    run();
    seconds = Math.min(seconds, Number(process.hrtime.bigint() - start) / 1e9);
  }
  gc?.();
  const before = process.memoryUsage();
  const start = process.hrtime.bigint();
  const value = run();
  seconds = Math.min(seconds, Number(process.hrtime.bigint() - start) / 1e9);
  const after = process.memoryUsage(); // before gc: what the run holds live at its end
  return {
    seconds,
    rssBefore: before.rss,
    rssAfter: after.rss,
    heapDelta: after.heapUsed - before.heapUsed,
    value,
  };
}

if (!gc) console.log('(run through `npm run bench` for --expose-gc; memory figures are noisier without it)');
fast(200_000, 'mru', 99); // JIT warm-up
naiveSimulate(100_000, createRng(99));

for (const lambda of [1, 100]) {
  LAMBDA = lambda;
  console.log(
    `\ncontainer mode, float workload (w ${WARM} s, c ${COLD} s), λ = ${LAMBDA}, τ = ${TAU} s (best of 3)`,
  );
  const rates: Record<string, number> = {};
  const sizes = lambda === 1 ? [1e5, 1e6, 4e6] : [1e5, 1e6];
  for (const n of sizes) {
    for (const routing of ['mru', 'newest', 'random'] as const) {
      const m = measure(() => fast(n, routing, 1));
      const rate = n / m.seconds;
      rates[`${routing}@${n}`] = rate;
      console.log(
        `fast  ${routing.padEnd(6)} N=${n.toExponential(0).padEnd(5)} ${(rate / 1e6).toFixed(2)} M req/s   RSS ${mb(m.rssBefore)} → ${mb(m.rssAfter)} MB   heap Δ ${mb(m.heapDelta)} MB   coldProb ${m.value.coldProb.toFixed(4)}  executors ${m.value.avgServerCountTotal.toFixed(3)}`,
      );
    }
  }
  for (const n of [1e5, 1e6]) {
    const m = measure(() => naiveSimulate(n, createRng(1)), lambda === 1 ? 3 : 1);
    const rate = n / m.seconds;
    rates[`naive@${n}`] = rate;
    console.log(
      `naive newest N=${n.toExponential(0).padEnd(5)} ${(rate / 1e6).toFixed(2)} M req/s   RSS ${mb(m.rssBefore)} → ${mb(m.rssAfter)} MB   heap Δ ${mb(m.heapDelta)} MB   coldProb ${m.value.coldProb.toFixed(4)}  executors ${m.value.avgServerCountTotal.toFixed(3)}`,
    );
  }
  const ratio = (rates['newest@1000000'] as number) / (rates['naive@1000000'] as number);
  console.log(`ratio fast/naive (newest, N=1e6, λ=${lambda}): ${ratio.toFixed(2)}×`);
  const top = Math.max(...sizes);
  console.log(
    `target ≥ 2 M req/s at N=${top.toExponential(0)}: ${(['mru', 'newest', 'random'] as const).map((r) => `${r} ${((rates[`${r}@${top}`] as number) / 1e6).toFixed(2)}M`).join(', ')}`,
  );
}
console.log('');

// Wasm mode
for (const cores of [undefined, 10] as const) {
  const n = 1e6;
  const m = measure(() =>
    simulate(
      {
        mode: 'wasm',
        arrivals: { kind: 'poisson', rate: 3 },
        service: { kind: 'lognormal', mean: 0.3, cv: 1 },
        ...(cores ? { cores } : {}),
        stop: { requests: n },
      },
      createRng(1),
    ),
  );
  console.log(
    `wasm ${cores ? `${cores} cores PS` : 'M/G/∞     '} N=1e6 ${(n / m.seconds / 1e6).toFixed(2)} M req/s   RSS ${mb(m.rssBefore)} → ${mb(m.rssAfter)} MB   inFlight ${m.value.inFlight.toFixed(3)}`,
  );
}

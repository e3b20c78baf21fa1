/**
 * `npm run bench -- models`: speed of the SMP solver (analysis/models/smp.ts).
 *
 * Figures: µs per solve over the thesis keep-alive points, and the time of an 84-point
 * keep-alive sweep (6 thesis functions × 14 keep-alives, 1…28 s: the first 14 keys of the
 * thesis's keep-alive files, λ = 1). Baseline, measured in the same run: a straightforward
 * dense implementation of pacsltk's approach, written below — build the generator Q, replace
 * its column 0 by ones, solve Qᵀπ = e₀ by Gaussian elimination with partial pivoting. If
 * python3 with numpy/scipy and a local copy of pacsltk's perfmodel.py exist (env
 * PACSLTK_PERFMODEL, default /tmp/pacs/perfmodel_thesis.py), pacsltk itself is timed too;
 * otherwise that line is skipped. Nothing here asserts a time.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { type SmpInput, solveSmp } from '../analysis/models/smp.js';

const FUNCTIONS: [string, number, number][] = [
  // thesis Table 4.1: warm, cold (s)
  ['aes', 0.0259, 2.5849],
  ['matmul', 0.013, 2.5625],
  ['whatlang', 0.0141, 2.5182],
  ['image-thumbnail', 0.1903, 3.0567],
  ['float', 1.5288, 4.1202],
  ['chameleon', 0.068, 3.5557],
];
const KEEP_ALIVES_84 = [1, 3, 5, 7, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28];
const KEEP_ALIVES_ALL = [...KEEP_ALIVES_84, 30, 35, 40, 45, 50, 55, 60, 75, 90, 120, 150];

const sweep84: SmpInput[] = FUNCTIONS.flatMap(([, warm, cold]) =>
  KEEP_ALIVES_84.map((keepAlive) => ({ arrivalRate: 1, warm, cold, keepAlive })),
);
const sweepAll: SmpInput[] = FUNCTIONS.flatMap(([, warm, cold]) =>
  KEEP_ALIVES_ALL.map((keepAlive) => ({ arrivalRate: 1, warm, cold, keepAlive })),
);

/** Baseline: pacsltk's algorithm written plainly (arrays, dense Qᵀ, Gaussian elimination). */
function denseSmp(input: SmpInput): { avgRespTime: number; avgIdleCount: number; coldProb: number } {
  const { arrivalRate: lam, warm: w, cold: c, keepAlive: tau } = input;
  const maxConc = input.maxConcurrency ?? 1000;
  const thesis = (input.variant ?? 'thesis') === 'thesis';
  const rho = lam * w;
  let serverMax = Math.min(30, maxConc);
  const block = [lam];
  const kill = [0];
  const coldP = [1];
  const resp = [c];
  const servers = [0];
  const warmRun = [0];
  let pOld = 1;
  let k = 0;
  for (let m = 1; m <= serverMax; m++) {
    let inv = 1;
    for (let j = 1; j <= m; j++) inv = 1 + (inv * j) / rho;
    const b = 1 / inv;
    const p = pOld - b;
    pOld = b;
    const L = lam * p;
    const probKill = Math.exp(-L * tau);
    if (probKill > 0) {
      const T = tau + w;
      const aBar = thesis ? 1 / L : -T * Math.exp(-L * T) + (1 - Math.exp(-L * T)) / L;
      k += 1 / (tau + (1 / probKill - 1) * aBar);
    }
    block.push(lam * b);
    kill.push(k);
    coldP.push(b);
    resp.push(m === maxConc ? w : b * c + (1 - b) * w);
    servers.push(m);
    warmRun.push(lam * (1 - b) * w);
    if (lam * b > k) serverMax = Math.min(m + 30, maxConc);
  }
  const n = servers.length;
  const q: number[][] = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    let outRate = 0;
    if (i > 0) {
      q[i]![i - 1] = kill[i]!;
      outRate += kill[i]!;
    }
    if (i < n - 1) {
      const up = block[i]! / c / (block[i]! + 1 / c);
      q[i]![i + 1] = up;
      outRate += up;
    }
    q[i]![i] = -outRate;
  }
  for (let i = 0; i < n; i++) q[i]![0] = 1;
  // A = Qᵀ, solve A x = e0
  const a: number[][] = Array.from({ length: n }, (_, r) =>
    Array.from({ length: n }, (_, col) => q[col]![r]!),
  );
  const x = new Array<number>(n).fill(0);
  x[0] = 1;
  for (let col = 0; col < n; col++) {
    let piv = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(a[r]![col]!) > Math.abs(a[piv]![col]!)) piv = r;
    [a[col], a[piv]] = [a[piv]!, a[col]!];
    [x[col], x[piv]] = [x[piv]!, x[col]!];
    for (let r = col + 1; r < n; r++) {
      const f = a[r]![col]! / a[col]![col]!;
      if (f === 0) continue;
      for (let cc = col; cc < n; cc++) a[r]![cc]! -= f * a[col]![cc]!;
      x[r]! -= f * x[col]!;
    }
  }
  for (let r = n - 1; r >= 0; r--) {
    let s = x[r]!;
    for (let cc = r + 1; cc < n; cc++) s -= a[r]![cc]! * x[cc]!;
    x[r] = Math.max(0, s / a[r]![r]!);
  }
  if (serverMax === maxConc) coldP[n - 1] = 0;
  let avgResp = 0;
  let avgServers = 0;
  let avgWarm = 0;
  let cp = 0;
  for (let i = 0; i < n; i++) {
    avgResp += resp[i]! * x[i]!;
    avgServers += servers[i]! * x[i]!;
    avgWarm += warmRun[i]! * x[i]!;
    cp += coldP[i]! * x[i]!;
  }
  return { avgRespTime: avgResp, avgIdleCount: avgServers - avgWarm, coldProb: cp };
}

function timeIt(fn: () => void, minMs = 300): number {
  // median of 5 rounds; each round repeats fn until minMs/5 elapsed; returns ms per call
  const rounds: number[] = [];
  for (let r = 0; r < 5; r++) {
    let calls = 0;
    const start = process.hrtime.bigint();
    let elapsed = 0;
    do {
      fn();
      calls++;
      elapsed = Number(process.hrtime.bigint() - start) / 1e6;
    } while (elapsed < minMs / 5);
    rounds.push(elapsed / calls);
  }
  rounds.sort((x, y) => x - y);
  return rounds[2]!;
}

let sink = 0;
const runFast = (points: SmpInput[]) => () => {
  for (const p of points) sink += solveSmp(p).avgRespTime;
};
const runDense = (points: SmpInput[]) => () => {
  for (const p of points) sink += denseSmp(p).avgRespTime;
};

// sanity: the baseline computes the same model
let worst = 0;
for (const p of sweepAll) {
  const a = solveSmp(p).avgRespTime;
  const b = denseSmp(p).avgRespTime;
  worst = Math.max(worst, Math.abs(a - b) / b);
}

// warm up the JIT
for (let i = 0; i < 200; i++) runFast(sweepAll)();
for (let i = 0; i < 20; i++) runDense(sweepAll)();

const fastAll = timeIt(runFast(sweepAll)) / sweepAll.length;
const denseAll = timeIt(runDense(sweepAll)) / sweepAll.length;
const fast84 = timeIt(runFast(sweep84));
const dense84 = timeIt(runDense(sweep84));
const heavy: SmpInput = { arrivalRate: 200, warm: 1.5288, cold: 4.1202, keepAlive: 600 };
const fastHeavy = timeIt(runFast([heavy]));
const states = solveSmp(heavy).states;
const full: SmpInput = { arrivalRate: 1, warm: 1.5288, cold: 4.1202, keepAlive: 60, fasterSolution: false };
const fastFull = timeIt(runFast([full]));

console.log(`SMP solve (thesis keep-alive points, ${sweepAll.length} of them, λ = 1):`);
console.log(`  faasmark product form : ${(fastAll * 1000).toFixed(2)} µs per solve`);
console.log(`  dense baseline (Qᵀ, Gaussian elimination): ${(denseAll * 1000).toFixed(2)} µs per solve`);
console.log(
  `  speed ratio           : ${(denseAll / fastAll).toFixed(1)}×  (baseline agrees to ${worst.toExponential(1)} relative)`,
);
console.log('84-point keep-alive sweep (6 functions × keep-alive 1…28 s):');
console.log(`  faasmark              : ${fast84.toFixed(3)} ms`);
console.log(`  dense baseline        : ${dense84.toFixed(3)} ms  (${(dense84 / fast84).toFixed(1)}×)`);
console.log(
  `Heavy point (λ = 200, float, τ = 600 s, ${states} states): ${(fastHeavy * 1000).toFixed(1)} µs per solve`,
);
console.log(
  `All 1001 states (float, τ = 60 s, fasterSolution false): ${(fastFull * 1000).toFixed(1)} µs per solve`,
);
console.log(`Target ≤ 35 µs per solve: ${fastAll * 1000 <= 35 ? 'met' : 'NOT met'} on the thesis points`);

const perfmodel = process.env.PACSLTK_PERFMODEL ?? '/tmp/pacs/perfmodel_thesis.py';
if (existsSync(perfmodel)) {
  const points = JSON.stringify(sweep84.map((p) => [p.arrivalRate, p.warm, p.cold, p.keepAlive]));
  const script = [
    'import sys, json, time, importlib',
    `sys.path.insert(0, ${JSON.stringify(dirname(perfmodel))})`,
    `mod = importlib.import_module(${JSON.stringify(basename(perfmodel, '.py'))})`,
    `pts = json.loads(${JSON.stringify(points)})`,
    'for p in pts: mod.get_sls_warm_count_dist(*p)',
    'best = []',
    'for r in range(3):',
    '    t = time.perf_counter()',
    '    for p in pts: mod.get_sls_warm_count_dist(*p)',
    '    best.append(time.perf_counter() - t)',
    'print(sorted(best)[1])',
  ].join('\n');
  const res = spawnSync('python3', ['-c', script], { encoding: 'utf8', timeout: 120_000 });
  if (res.status === 0) {
    const seconds = Number(res.stdout.trim());
    const perSolveMs = (seconds * 1000) / sweep84.length;
    console.log(`pacsltk itself (${perfmodel}, python3 + numpy/scipy):`);
    console.log(
      `  ${(perSolveMs * 1000).toFixed(0)} µs per solve; 84-point sweep ${(seconds * 1000).toFixed(1)} ms`,
    );
    console.log(`  faasmark is ${(perSolveMs / (fast84 / sweep84.length)).toFixed(0)}× faster`);
  } else {
    console.log(
      `pacsltk: skipped (python3 failed: ${(res.stderr || res.error?.message || '').trim().split('\n').pop()})`,
    );
  }
} else {
  console.log(`pacsltk: skipped (no perfmodel.py at ${perfmodel}; set PACSLTK_PERFMODEL to time it)`);
}
if (sink === 42) console.log('');

/**
 * The report's first screen (docs/verdict.md): which executor wins, in words and in a table
 * (measured winner with 95% CIs, "too close to call" when they overlap; the models' winner and
 * crossover beside), and per workload a figure of both executors' latency and memory-time
 * against keep-alive: measured points over the model curves, the crossover keep-alive marked.
 */
import type { PointSummary, RunVerdictRecord } from '../../results/types.js';
import type { Figure, FigurePoint, FigureSeries } from '../plots/figure.js';
import { mean } from '../stats/bootstrap.js';
import { gbSecondsPerHour } from '../verdict/advise.js';
import { crossoverWords, duration } from '../verdict/sentences.js';
import { entryOf } from './entry.js';
import { escapeHtml } from './html.js';
import { grid, level, smpCurve } from './model-curves.js';

/** HTML of the verdict: the sentences, then one table row per verdict and metric. */
export function verdictHtml(verdicts: RunVerdictRecord[], summary: string[]): string {
  if (verdicts.length === 0)
    return '<p>No verdict: the run has no valid pair of a container point and a Wasm point at the same workload and arrival rate.</p>';
  const words = `<ul class="verdict">${summary.map((s) => `<li>${escapeHtml(s)}</li>`).join('')}</ul>`;
  const ci = (e: { value: number; lo: number; hi: number } | null, unit: 's' | 'GB-s/h' | 'p') => {
    if (!e) return '—';
    const f = (x: number) =>
      unit === 's' ? duration(x) : unit === 'p' ? x.toPrecision(3) : x.toPrecision(4);
    return `${f(e.value)} <small>[${f(e.lo)}, ${f(e.hi)}]</small>`;
  };
  const rows = verdicts.flatMap((v) =>
    (
      [
        ['latency', v.latency, 's', v.model?.latency],
        ['memory-time (GB-s/h)', v.memory, 'GB-s/h', v.model?.memory],
        ['cold-start probability', v.coldProb, 'p', v.model?.coldProb],
      ] as const
    ).map(
      ([metric, call, unit, model], i) =>
        `<tr><td>${i === 0 ? escapeHtml(`${v.workload} λ=${v.arrivalRate} τ=${v.container.keepAlive ?? '—'} (${v.container.label} vs ${v.wasm.label})`) : ''}</td><td>${metric}</td><td>${ci(call.container, unit)}</td><td>${ci(call.wasm, unit)}</td><td class="${call.winner === 'too close to call' ? 'close' : 'win'}">${escapeHtml(call.winner)}</td><td>${escapeHtml(model ?? '—')}</td></tr>`,
    ),
  );
  const head =
    '<tr><th>point</th><th>metric</th><th>container (95% CI)</th><th>Wasm (95% CI)</th><th>measured winner</th><th>models</th></tr>';
  return `${words}<table>${head}${rows.join('')}</table>`;
}

/** Per workload, arrival rate and pair of entries: latency and memory-time against keep-alive. */
export function verdictFigures(
  points: PointSummary[],
  verdicts: RunVerdictRecord[],
  memory: { memoryMb: number; wasmMemoryMb: number },
): Figure[] {
  const figures: Figure[] = [];
  const seen = new Set<string>();
  for (const v of verdicts) {
    const key = `${v.workload}\u0000${v.arrivalRate}\u0000${v.container.label}\u0000${v.wasm.label}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const cont = points.filter(
      (p) =>
        p.valid &&
        p.workload === v.workload &&
        p.arrivalRate === v.arrivalRate &&
        entryOf(p) === v.container.label,
    );
    const wasm = points.filter(
      (p) =>
        p.valid &&
        p.workload === v.workload &&
        p.arrivalRate === v.arrivalRate &&
        entryOf(p) === v.wasm.label,
    );
    const crossover =
      verdicts.find(
        (x) =>
          x.model &&
          x.workload === v.workload &&
          x.arrivalRate === v.arrivalRate &&
          x.container.label === v.container.label &&
          x.wasm.label === v.wasm.label,
      )?.model?.crossoverKeepAlive ?? null;
    const pair = { v, cont, wasm, crossover, memory };
    figures.push(pairFigure(pair, 'latency'), pairFigure(pair, 'memory'));
  }
  return figures;
}

interface Pair {
  v: RunVerdictRecord;
  cont: PointSummary[];
  wasm: PointSummary[];
  crossover: number | null;
  memory: { memoryMb: number; wasmMemoryMb: number };
}

function pairFigure(p: Pair, what: 'latency' | 'memory'): Figure {
  const { v, cont, wasm } = p;
  const kas = [...new Set(cont.map((c) => c.keepAlive).filter((k): k is number => k !== null))].sort(
    (a, b) => a - b,
  );
  const lo = Math.max(1e-3, (kas[0] ?? 1) / 2);
  const hi =
    Math.max(kas[kas.length - 1] ?? 10, p.crossover !== null && p.crossover > 0 ? p.crossover * 1.5 : 0) *
    1.2;
  const xs = grid(lo, hi, 80, true);
  const cMem = gbSecondsPerHour(1, p.memory.memoryMb);
  const wMem = gbSecondsPerHour(1, p.memory.wasmMemoryMb);
  const key = what === 'latency' ? 'respTime' : 'totalExecutors';
  const scale = what === 'latency' ? 1 : cMem;
  const series: FigureSeries[] = [];
  const measured: FigurePoint[] = kas.map((ka) => {
    const reps = cont.filter((c) => c.keepAlive === ka);
    const vals = reps.map((c) => c.measured?.[key]).filter((x): x is number => typeof x === 'number');
    const cis = reps.map((c) => c.measuredCi?.[key]).filter((x) => x !== undefined);
    const y = mean(vals) * scale;
    return cis.length
      ? {
          x: ka,
          y,
          lo: Math.min(...cis.map((c) => c.lo)) * scale,
          hi: Math.max(...cis.map((c) => c.hi)) * scale,
        }
      : { x: ka, y };
  });
  series.push({
    name: `${v.container.label} (measured)`,
    kind: 'measured',
    points: measured.filter((m) => Number.isFinite(m.y)),
  });
  const mi = cont.find(
    (c) => c.modelInputs?.warm !== undefined && c.modelInputs?.cold !== undefined,
  )?.modelInputs;
  if (mi?.warm !== undefined && mi.cold !== undefined) {
    const overhead = what === 'latency' && mi.clock === 'platform' ? (mi.clientOverhead ?? 0) : 0;
    const smp = smpCurve(
      what === 'latency' ? 'respTime' : 'totalExecutors',
      { warm: mi.warm, cold: mi.cold, variant: 'thesis' },
      'keepAlive',
      v.arrivalRate,
      xs,
    );
    series.push({
      name: `SMP (container${overhead ? ', client clock' : ''})`,
      kind: 'model',
      points: smp.map((q) => ({ x: q.x, y: (q.y + overhead) * scale })),
    });
  }
  const wKey = what === 'latency' ? 'respTime' : 'inFlight';
  const wVals = wasm.map((w) => w.measured?.[wKey]).filter((x): x is number => typeof x === 'number');
  const wScale = what === 'latency' ? 1 : wMem;
  if (wVals.length)
    series.push({
      name: `${v.wasm.label} (measured; no keep-alive)`,
      kind: 'model',
      points: level(lo, hi, mean(wVals) * wScale),
    });
  const es = wasm.find((w) => typeof w.modelInputs?.wasm === 'number')?.modelInputs?.wasm;
  if (es !== undefined)
    series.push({
      name: 'M/G/∞ (Wasm)',
      kind: 'model',
      points: level(lo, hi, (what === 'latency' ? es : v.arrivalRate * es) * wScale),
    });
  return {
    id: `verdict-${what}-${v.workload}-rate-${v.arrivalRate}-${v.container.label}-vs-${v.wasm.label}`.replace(
      /[^A-Za-z0-9.-]+/g,
      '-',
    ),
    title: `${what === 'latency' ? 'Latency' : 'Memory-time'} vs keep-alive: ${v.workload}, λ = ${v.arrivalRate} req/s`,
    xLabel: 'keep-alive (s)',
    yLabel:
      what === 'latency'
        ? 'mean response time (s)'
        : `executor memory-time (GB-s per hour; ${p.memory.memoryMb} MB per container, ${p.memory.wasmMemoryMb} MB per Wasm instance)`,
    ...(what === 'latency' ? { yTime: true } : {}),
    series,
    ...(p.crossover !== null && p.crossover > 0
      ? { markers: [{ x: p.crossover, label: `crossover ${duration(p.crossover)}` }] }
      : {}),
    caption:
      what === 'latency'
        ? `Dots: the container measured at each keep-alive (95% CI). Lines: the SMP for the container, and the Wasm level (measured, and M/G/∞): Wasm has no keep-alive. ${
            p.crossover !== null && p.crossover > 0
              ? 'The dashed rule marks the crossover keep-alive where the container catches up (models).'
              : `No crossover is marked: ${crossoverWords(p.crossover)} (models).`
          }`
        : 'Executors alive (containers: live containers; Wasm: instances in flight) times the memory per executor, per hour.',
  };
}

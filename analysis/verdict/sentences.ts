/**
 * The answer in plain words: one or two sentences per workload and load, from the models'
 * advice (advise.ts) or a run's measured verdict (measured.ts). Numbers in ms where they read
 * better.
 */
import type { Advice, Winner } from './advise.js';

/** Seconds as text: ms below 1 s, s above. */
export function duration(s: number): string {
  if (!Number.isFinite(s)) return String(s);
  if (Math.abs(s) < 1) return `${Number((s * 1000).toPrecision(3))} ms`;
  return `${Number(s.toPrecision(4))} s`;
}

/** "Wasm wins latency", "the container wins memory", "both tie on latency". */
export function wins(w: Winner | 'too close to call', metric: string): string {
  if (w === 'tie') return `both tie on ${metric}`;
  if (w === 'too close to call') return `${metric} is too close to call`;
  return `${w === 'wasm' ? 'Wasm' : 'the container'} wins ${metric}`;
}

/** The crossover keep-alive in words (advise.ts crossoverKeepAlive: null none, 0 even all-cold). */
export function crossoverWords(x: number | null): string {
  if (x === null) return 'the container never catches up on latency';
  if (x === 0) return 'even with every request cold the container is no slower than Wasm';
  return `the container catches up on latency at a keep-alive of ${duration(x)}`;
}

const capitalised = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** The models' answer for one load, in two sentences. */
export function adviceSentences(workload: string, arrivalRate: number, keepAlive: number, a: Advice): string {
  const lat = a.latency;
  const mem = a.memory;
  const first =
    `${workload} at ${arrivalRate} req/s, keep-alive ${duration(keepAlive)}: ` +
    `${wins(lat.winner, 'latency')} (${duration(lat.container)} container, ${duration(lat.wasm)} Wasm) ` +
    `and ${wins(mem.winner, 'memory')} (${fmtCount(a.executors.container)} containers alive against ${fmtCount(a.executors.wasm)} Wasm instances in flight).`;
  const x = a.crossoverKeepAlive;
  const second = ` ${capitalised(crossoverWords(x))}${x !== null && x > 0 && keepAlive >= x ? ' (this one is past it)' : ''}.`;
  return first + second;
}

function fmtCount(x: number): string {
  return x >= 10 ? x.toFixed(0) : Number(x.toPrecision(2)).toString();
}

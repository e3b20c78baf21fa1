/** `faasmark advise` as text: a table per case and the answer in words. */
import { fmt, renderTable } from '../../../../analysis/table.js';
import { adviceSentences, crossoverWords, duration } from '../../../../analysis/verdict/sentences.js';
import type { AdviceCase } from './action.js';

export function adviceText(cases: AdviceCase[]): string {
  return cases.map(caseText).join('\n\n');
}

function caseText(c: AdviceCase): string {
  const a = c.advice;
  const rows = [
    ['mean latency (s)', fmt(a.latency.container, 4), fmt(a.latency.wasm, 4), a.latency.winner],
    ['memory-time (GB-s per hour)', fmt(a.memory.container, 4), fmt(a.memory.wasm, 4), a.memory.winner],
    ['cold-start probability', fmt(a.coldProb.container, 4), fmt(a.coldProb.wasm, 4), a.coldProb.winner],
    ['executors alive (mean)', fmt(a.executors.container, 4), fmt(a.executors.wasm, 4), ''],
  ];
  const load = c.arrivalRate === null ? 'the trace' : `λ = ${c.arrivalRate} req/s`;
  const head = `${c.workload ?? 'advice'}: ${load}, keep-alive ${c.keepAlive} s; service times w ${duration(c.serviceTimes.warm)}, c ${duration(c.serviceTimes.cold)}, Wasm ${duration(c.serviceTimes.wasm)} (${c.serviceTimes.source})`;
  const x = a.crossoverKeepAlive;
  const lines = [
    head,
    renderTable(['metric', 'container', 'Wasm', 'winner'], rows),
    `crossover keep-alive: ${x === null ? 'none' : `${Number(x.toPrecision(4))} s`}${x === null || x === 0 ? ` (${crossoverWords(x)})` : ''}`,
    `capacity: Wasm host knee ${a.capacity.wasmKnee === null ? '— (give --cores)' : `${Number(a.capacity.wasmKnee.toPrecision(4))} req/s`}, container saturation ${a.capacity.containerSaturation === null ? '—' : `${Number(a.capacity.containerSaturation.toPrecision(4))} req/s`}`,
  ];
  if (c.arrivalRate !== null)
    lines.push(adviceSentences(c.workload ?? 'the workload', c.arrivalRate, c.keepAlive, a));
  return lines.join('\n');
}

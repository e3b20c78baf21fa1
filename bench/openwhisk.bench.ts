/**
 * Invoker-log parsing throughput at thesis scale: a 20-minute run at 16 req/s (the float
 * load sweep's top rate) is 19,200 activations; each gives a containerStart line, cold ones
 * also create/init lines, plus interleaved health lines and deletes. Baseline, measured in
 * the same run: splitting the same text into lines and testing one regex per line (the
 * cheapest possible pass). Prints figures and the ratio; asserts nothing.
 */
import { performance } from 'node:perf_hooks';
import { createRng } from '../analysis/random.js';
import { parseInvokerLog } from '../platforms/openwhisk/invoker-log.js';

function syntheticLog(activations: number, seed: number): string {
  const rng = createRng(seed);
  const lines: string[] = [];
  let t = Date.parse('2026-03-05T10:00:00.000Z');
  const warm: string[] = [];
  let pods = 0;
  for (let i = 0; i < activations; i++) {
    t += Math.round(-Math.log1p(-rng.next()) * 62.5); // exponential gaps, mean 62.5 ms (16 req/s)
    const at = new Date(t).toISOString();
    const tid = `#tid_${i.toString(16)}`;
    if (warm.length > 0 && rng.next() < 0.9) {
      const id = warm[Math.floor(rng.next() * warm.length)] as string;
      lines.push(
        `[${at}] [INFO] [${tid}] [ContainerPool] containerStart containerState: warmed container: Some(ContainerId(${id})) activations: 1 of max 1 action: faasmark-float namespace: guest activationId: a${i} [marker:invoker_containerStart.warmed_counter:0]`,
      );
    } else {
      const id = `wskowdev-invoker-00-${++pods}-guest-faasmarkfloat`;
      lines.push(
        `[${at}] [INFO] [${tid}] [ContainerPool] containerStart containerState: cold container: None activations: 1 of max 1 action: faasmark-float namespace: guest activationId: a${i} [marker:invoker_containerStart.cold_counter:1]`,
      );
      lines.push(
        `[${at}] [INFO] [${tid}] [KubernetesClient] launching pod ${id} (image:faasmark/float:nightly, mem: 256) (timeout: 60s) [marker:invoker_kubeapi.create_start:2]`,
      );
      lines.push(
        `[${at}] [INFO] [${tid}] [ContainerProxy] sending initialization to ContainerId(${id}) ContainerAddress(10.244.0.9,8080)`,
      );
      warm.push(id);
      if (warm.length > 40)
        lines.push(
          `[${at}] [INFO] [#tid_sid_unknown] [KubernetesClient] Deleting pod ${warm.shift()} [marker:invoker_kubeapi.delete_start:0]`,
        );
    }
    if (i % 50 === 0)
      lines.push(`[${at}] [INFO] [#tid_sid_invokerHealth] [InvokerReactive] health ping received`);
  }
  return lines.join('\n');
}

function best(fn: () => void, runs: number): number {
  let min = Number.POSITIVE_INFINITY;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    min = Math.min(min, performance.now() - t0);
  }
  return min / 1000;
}

const activations = 19_200;
const text = syntheticLog(activations, 204);
const nLines = text.split('\n').length;
let sink = 0;
const baseline = best(() => {
  const re = /containerStart/;
  for (const l of text.split('\n')) if (re.test(l)) sink++;
}, 5);
let spans = 0;
const parse = best(() => {
  spans = parseInvokerLog(text).containerSpans().length;
}, 5);
console.log(
  `invoker log: ${activations} activations, ${nLines} lines, ${(text.length / 1e6).toFixed(1)} MB, ${spans} containers`,
);
console.log(
  `baseline (split + one regex):  ${(baseline * 1000).toFixed(1)} ms  (${Math.round(nLines / baseline).toLocaleString('en')} lines/s)`,
);
console.log(
  `parseInvokerLog:               ${(parse * 1000).toFixed(1)} ms  (${Math.round(nLines / parse).toLocaleString('en')} lines/s)`,
);
console.log(`ratio parse / baseline:        ${(parse / baseline).toFixed(1)}×  (best of 5)`);
if (sink < 0) console.log(sink);

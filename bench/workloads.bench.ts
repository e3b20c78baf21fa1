/**
 * `npm run bench -- workloads`: the service-time profile of every built workload (native
 * cold / warm, wasm fresh instance), with the Wasm slowdown against the native warm
 * baseline measured in the same run, beside thesis Table 4.1. Figures only, no assertions.
 * FAASMARK_BENCH_RUNS (default 10) and FAASMARK_BENCH_WARMUP (default 5) set the sizes.
 */
import { profileWorkload } from '../platforms/direct/profiler.js';
import { getWorkload } from '../workloads/registry.js';
import { WORKLOAD_NAMES } from '../workloads/types.js';

const runs = Number(process.env.FAASMARK_BENCH_RUNS ?? 10);
const warmup = Number(process.env.FAASMARK_BENCH_WARMUP ?? 5);
const ms = (s: number) => (s * 1000).toFixed(2).padStart(9);

console.log(`runs ${runs}, warm-up ${warmup}; ms (mean), slowdown = wasm / native warm`);
console.log('workload   cold       warm       wasm   wasm 1st  slowdown | thesis cold  warm  wasm  slowdown');
for (const name of WORKLOAD_NAMES) {
  const artifacts = getWorkload(name).artifacts();
  if (!artifacts.native || !artifacts.wasm) {
    console.log(`${name.padEnd(9)} not built (npm run build:workloads)`);
    continue;
  }
  const p = await profileWorkload(name, { runs, warmup });
  console.log(
    `${name.padEnd(9)}${ms(p.nativeCold.mean)}${ms(p.nativeWarm.mean)}${ms(p.wasm.mean)}${ms(p.wasm.first ?? 0)}  ${p.wasmSlowdown.toFixed(2).padStart(7)}× | ${ms(p.thesis.cold)}${ms(p.thesis.warm)}${ms(p.thesis.wasm)} ${p.thesis.slowdown.toFixed(2)}×`,
  );
}

/**
 * `npm run bench -- workloads`: the service-time profile of every built workload (the Table 4.1
 * analog): native cold / warm and each Wasm engine (v8 in-process, wasmtime serve), a fresh
 * instance per request, with the Wasm slowdown per engine against the native warm baseline
 * measured in the same run, beside thesis Table 4.1. Figures only, no assertions.
 * FAASMARK_BENCH_RUNS (10), FAASMARK_BENCH_WARMUP (5); FAASMARK_BENCH_INPUT=thesis uses each
 * workload's thesis-sized input where it has one; FAASMARK_BENCH_COMPONENTS=<dir> takes
 * <dir>/<w>.wasm as the wasi:http components (e.g. before the component build exists).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { profileTable } from '../harness/cli/commands/profile/render.js';
import { profileWorkload, type WorkloadProfile } from '../platforms/direct/profiler.js';
import { getWorkload } from '../workloads/registry.js';
import { WORKLOAD_NAMES } from '../workloads/types.js';

const runs = Number(process.env.FAASMARK_BENCH_RUNS ?? 10);
const warmup = Number(process.env.FAASMARK_BENCH_WARMUP ?? 5);
const componentDir = process.env.FAASMARK_BENCH_COMPONENTS;
const only = process.env.FAASMARK_BENCH_WORKLOADS?.split(',');

const profiles: WorkloadProfile[] = [];
for (const name of WORKLOAD_NAMES.filter((w) => !only || only.includes(w))) {
  const def = getWorkload(name);
  const artifacts = def.artifacts();
  if (!artifacts.native || !artifacts.wasm) {
    console.log(`${name}: not built (npm run build:workloads)`);
    continue;
  }
  const presets = (def as { inputPresets?: Record<string, unknown> }).inputPresets;
  const input = process.env.FAASMARK_BENCH_INPUT === 'thesis' ? presets?.thesis : undefined;
  const component = componentDir ? join(componentDir, `${name}.wasm`) : undefined;
  profiles.push(
    await profileWorkload(name, {
      runs,
      warmup,
      ...(input ? { input } : {}),
      ...(component && existsSync(component) ? { component } : {}),
      onProgress: (t) => process.stderr.write(`\r${t}\x1b[K`),
    }),
  );
  process.stderr.write('\n');
}
console.log(profileTable(profiles, runs, warmup));

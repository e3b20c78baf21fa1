/** `faasmark profile`: profile each workload (platforms/direct/profiler.ts), progress on stderr, print. */
import { profileWorkload, type WorkloadProfile } from '../../../../platforms/direct/profiler.js';
import { getWorkload } from '../../../../workloads/registry.js';
import { WORKLOAD_NAMES } from '../../../../workloads/types.js';
import { log, out, outJson, progress, progressDone } from '../../io.js';
import type { ProfileOptions } from './index.js';
import { ms, profileTable } from './render.js';

export async function profileAction(o: ProfileOptions): Promise<void> {
  const defs = (o.workloads.length > 0 ? o.workloads : [...WORKLOAD_NAMES]).map((n) => getWorkload(n));
  for (const def of defs) def.validateInput(def === defs[0] ? o.input : undefined);
  const profiles: WorkloadProfile[] = [];
  for (const def of defs) {
    profiles.push(
      await profileWorkload(def.name, {
        runs: o.runs,
        warmup: o.warmup,
        input: o.input,
        onProgress: progress,
      }),
    );
  }
  progressDone();
  if (o.json) {
    outJson(profiles);
    return;
  }
  out(profileTable(profiles, o.runs, o.warmup));
  log(
    `wasm compile (once): ${profiles.map((p) => `${p.workload} ${ms(p.wasmCompileSeconds)} ms`).join(', ')}`,
  );
}

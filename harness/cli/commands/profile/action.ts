/** `faasmark profile`: profile each workload (platforms/direct/profiler.ts), progress on stderr, print. */
import { BuildError } from '../../../../core/errors.js';
import {
  profileWorkload,
  type WorkloadProfile,
  wasmtimeAvailability,
} from '../../../../platforms/direct/profiler.js';
import { resolveWasmtime } from '../../../../platforms/external/wasmtime-cli.js';
import { getWorkload } from '../../../../workloads/registry.js';
import { WORKLOAD_NAMES } from '../../../../workloads/types.js';
import { log, out, outJson, progress, progressDone } from '../../io.js';
import type { ProfileOptions } from './index.js';
import { ms, profileTable } from './render.js';

export async function profileAction(o: ProfileOptions): Promise<void> {
  const defs = (o.workloads.length > 0 ? o.workloads : [...WORKLOAD_NAMES]).map((n) => getWorkload(n));
  for (const def of defs) def.validateInput(def === defs[0] ? o.input : undefined);
  if (o.enginesExplicit && o.engines.includes('wasmtime')) {
    resolveWasmtime(undefined); // MissingToolError (exit 2) before anything starts
    for (const def of defs) {
      const a = wasmtimeAvailability(def.name, {});
      if ('reason' in a)
        throw new BuildError(a.reason, { hint: 'build the workloads, or leave wasmtime out of --engines' });
    }
  }
  const profiles: WorkloadProfile[] = [];
  for (const def of defs) {
    profiles.push(
      await profileWorkload(def.name, {
        runs: o.runs,
        warmup: o.warmup,
        input: o.input,
        engines: o.engines,
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
  const compile = profiles.flatMap((p) =>
    Object.values(p.engines).map(
      (e) =>
        `${p.workload} ${e.engine} ${e.compileSeconds === null ? 'cached' : `${ms(e.compileSeconds)} ms`}`,
    ),
  );
  if (compile.length) log(`compile (once): ${compile.join(', ')}`);
}

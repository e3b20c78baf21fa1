/**
 * The four workloads, one folder each (workloads/<name>/: sources, spin.toml, inputs.ts,
 * index.ts). Platforms code against this module and workloads/types.ts only; the build
 * layout is in workloads/shared/artifacts.ts and docs/workloads.md.
 */
import { InputError } from '../core/errors.js';
import { aes } from './aes/index.js';
import { float } from './float/index.js';
import { matmul } from './matmul/index.js';
import { type InputPresetName, WORKLOAD_NAMES, type WorkloadDefinition, type WorkloadName } from './types.js';
import { whatlang } from './whatlang/index.js';

export { type ArtifactPaths, artifactPaths, DEFAULT_BUILD_DIR } from './shared/artifacts.js';
export { MAX_BODY_BYTES } from './shared/inputs.js';

export const WORKLOADS: Record<WorkloadName, WorkloadDefinition> = { aes, matmul, whatlang, float };

/** The definition of `name`; throws InputError listing the known names. */
export function getWorkload(name: string): WorkloadDefinition {
  if ((WORKLOAD_NAMES as readonly string[]).includes(name)) return WORKLOADS[name as WorkloadName];
  throw new InputError(`unknown workload ${JSON.stringify(name)}`, {
    hint: `known workloads: ${WORKLOAD_NAMES.join(', ')}`,
  });
}

/** The validated input of `name` under `preset`, with `override` merged over it. */
export function presetInput(
  name: string,
  preset: InputPresetName = 'default',
  override: Record<string, unknown> = {},
): Record<string, unknown> {
  const def = getWorkload(name);
  return def.validateInput({ ...def.inputPresets[preset], ...override });
}

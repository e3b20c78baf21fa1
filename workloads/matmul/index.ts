/** The matmul workload's registry entry (docs/workloads.md "matmul"). */
import { rustArtifacts } from '../shared/artifacts.js';
import type { WorkloadDefinition } from '../types.js';
import { validateMatmulInput } from './inputs.js';

const defaultInput = { n: 50, seed: 42 };

export const matmul: WorkloadDefinition = {
  name: 'matmul',
  description: 'multiply two n×n matrices of seeded N(0,1) values (n = 50 by default)',
  language: {
    thesis: 'Go (gonum)',
    faasmark: 'Rust (no crates; native server, WASI command, wasi:http component)',
  },
  defaultInput,
  // n = 500 ≈ 32 ms warm natively on a 2-core Xeon (docs/workloads.md "Input presets")
  inputPresets: { default: defaultInput, thesis: { ...defaultInput, n: 500 } },
  containerBase: 'action',
  validateInput: validateMatmulInput,
  artifacts: rustArtifacts('matmul'),
};

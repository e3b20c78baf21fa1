/** The aes workload's registry entry (docs/workloads.md "aes"). */
import { rustArtifacts } from '../shared/artifacts.js';
import type { WorkloadDefinition } from '../types.js';
import { DEFAULT_AES_MESSAGE, validateAesInput } from './inputs.js';

const defaultInput = { message: DEFAULT_AES_MESSAGE, iterations: 2500 };

export const aes: WorkloadDefinition = {
  name: 'aes',
  description:
    'AES-128-CFB (CFB128) with a fixed 16-byte key and a random (seedable) IV: encrypt then decrypt a 20-character message 2500 times',
  language: { thesis: 'Go', faasmark: 'Rust (no crates; native server, WASI command, wasi:http component)' },
  defaultInput,
  // 40,000 iterations ≈ 22 ms warm natively on a 2-core Xeon (docs/workloads.md "Input presets")
  inputPresets: { default: defaultInput, thesis: { ...defaultInput, iterations: 40_000 } },
  containerBase: 'action',
  validateInput: validateAesInput,
  artifacts: rustArtifacts('aes'),
};

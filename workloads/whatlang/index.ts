/** The whatlang workload's registry entry (docs/workloads.md "whatlang"). */
import { rustArtifacts } from '../shared/artifacts.js';
import type { WorkloadDefinition } from '../types.js';
import { DEFAULT_WHATLANG_TEXT, validateWhatlangInput } from './inputs.js';

const defaultInput = { text: DEFAULT_WHATLANG_TEXT };

/** The paragraph the thesis preset repeats (written for faasmark). */
export const WHATLANG_THESIS_TEXT =
  'Every morning the baker opens the shop before sunrise, sweeps the floor, and lights the old ' +
  'oven that her grandfather built. By seven o’clock the street smells of fresh bread, and the ' +
  'first customers wait patiently at the door while the radio plays quietly in the kitchen. ' +
  'Most of them are neighbours who have bought the same loaf for years, yet they still ask ' +
  'about the cakes in the window and the weather for the weekend.';

/** ~2.5 MB of text (paragraph × repeat, space-joined): ≈ 25-35 ms warm natively on 2 cores. */
const THESIS_REPEAT = Math.floor(2_500_000 / (Buffer.byteLength(WHATLANG_THESIS_TEXT, 'utf8') + 1));

export const whatlang: WorkloadDefinition = {
  name: 'whatlang',
  description:
    'detect the natural language of a text with the whatlang crate (ISO 639-3 code, script, confidence)',
  language: {
    thesis: 'Rust (whatlang crate)',
    faasmark: 'Rust (whatlang =0.18.0; native server, WASI command, wasi:http component)',
  },
  defaultInput,
  inputPresets: {
    default: defaultInput,
    thesis: { text: WHATLANG_THESIS_TEXT, repeat: THESIS_REPEAT },
  },
  containerBase: 'action',
  validateInput: validateWhatlangInput,
  artifacts: rustArtifacts('whatlang'),
};

/**
 * The float workload's registry entry (docs/workloads.md "float"): one Python kernel, natively
 * a CPython 3.11 action server (Debian's python3.11 -I -S), in Wasm a componentize-py component
 * (CPython 3.14 inside): the thesis's interpreted workload on both sides.
 */
import { existsSync } from 'node:fs';
import { artifactPaths, DEFAULT_BUILD_DIR, filesUnder, nativePython } from '../shared/artifacts.js';
import type { WorkloadArtifacts, WorkloadDefinition } from '../types.js';
import { DEFAULT_FLOAT_POINTS, validateFloatInput } from './inputs.js';

const defaultInput = { n: DEFAULT_FLOAT_POINTS };

function floatArtifacts(buildDir: string = DEFAULT_BUILD_DIR): WorkloadArtifacts {
  const paths = artifactPaths('float', buildDir);
  const result: WorkloadArtifacts = {};
  if (existsSync(paths.native)) {
    result.native = {
      command: nativePython(),
      args: ['-I', '-S', paths.native],
      files: filesUnder(paths.nativeDir),
    };
  }
  if (existsSync(paths.component)) {
    // componentize-py's runtime imports wasi:cli/environment, filesystem… beyond the proxy world
    result.component = { path: paths.component, serveArgs: ['-S', 'cli=y'] };
    if (paths.transpiledEntry && existsSync(paths.transpiledEntry)) {
      result.wasm = {
        kind: 'js-component',
        componentPath: paths.component,
        transpiledDir: paths.transpiledDir as string,
        transpiledEntry: paths.transpiledEntry,
      };
    }
  }
  return result;
}

export const float: WorkloadDefinition = {
  name: 'float',
  description:
    'pyperformance "float": n points (x = sin i, y = 3 cos i, z = x²/2), normalise each, component-wise max (n = 100,000 by default)',
  language: {
    thesis: 'Python',
    faasmark: 'Python (native: CPython 3.11 action server; Wasm: componentize-py 0.25.1, CPython 3.14)',
  },
  defaultInput,
  // n = 1,250,000 ≈ 1 s warm natively with Debian's CPython 3.11 (docs/workloads.md "Input presets")
  inputPresets: { default: defaultInput, thesis: { n: 1_250_000 } },
  containerBase: 'python',
  validateInput: validateFloatInput,
  artifacts: floatArtifacts,
};

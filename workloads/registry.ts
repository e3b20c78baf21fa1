/**
 * The four workloads: what they are, their inputs and where their built artifacts
 * live. Platforms code against this module and workloads/types.ts only.
 *
 * Build layout (written by `npm run build:workloads`, workloads/build.ts):
 *   <buildDir>/<name>/native/<name>-server        Rust action server (aes, matmul, whatlang)
 *   <buildDir>/<name>/wasm/<name>.wasm            WASI preview-1 module, stdin → stdout
 *   <buildDir>/float/native/float-server.mjs      Node action server (run with `node`)
 *   <buildDir>/float/wasm/float-http.wasm         Spin JS HTTP component (j2w)
 *   <buildDir>/float/wasm/transpiled/float-fn.js  jco transpile of the function-export component
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../core/errors.js';
import { rootPath } from '../core/paths.js';
import {
  DEFAULT_AES_MESSAGE,
  DEFAULT_WHATLANG_TEXT,
  validateAesInput,
  validateFloatInput,
  validateMatmulInput,
  validateWhatlangInput,
} from './inputs.js';
import {
  type WasmArtifact,
  WORKLOAD_NAMES,
  type WorkloadArtifacts,
  type WorkloadDefinition,
  type WorkloadName,
} from './types.js';

/** Where `npm run build:workloads` writes artifacts. */
export const DEFAULT_BUILD_DIR = rootPath('workloads', 'build');

/** File names inside `<buildDir>/<name>/…`, shared by build.ts and the artifact lookups. */
export function artifactPaths(name: WorkloadName, buildDir: string = DEFAULT_BUILD_DIR) {
  const dir = join(buildDir, name);
  if (name === 'float') {
    return {
      dir,
      nativeDir: join(dir, 'native'),
      wasmDir: join(dir, 'wasm'),
      native: join(dir, 'native', 'float-server.mjs'),
      wasm: join(dir, 'wasm', 'float-http.wasm'),
      functionComponent: join(dir, 'wasm', 'float-fn.wasm'),
      transpiledDir: join(dir, 'wasm', 'transpiled'),
      transpiledEntry: join(dir, 'wasm', 'transpiled', 'float-fn.js'),
      /** The core module the transpiled glue instantiates. */
      transpiledCore: join(dir, 'wasm', 'transpiled', 'float-fn.core.wasm'),
    };
  }
  return {
    dir,
    nativeDir: join(dir, 'native'),
    wasmDir: join(dir, 'wasm'),
    native: join(dir, 'native', `${name}-server`),
    wasm: join(dir, 'wasm', `${name}.wasm`),
  };
}

function rustArtifacts(name: WorkloadName) {
  return (buildDir: string = DEFAULT_BUILD_DIR): WorkloadArtifacts => {
    const paths = artifactPaths(name, buildDir);
    const result: WorkloadArtifacts = {};
    if (existsSync(paths.native)) result.native = { command: paths.native, args: [], files: [paths.native] };
    if (existsSync(paths.wasm)) result.wasm = { kind: 'wasi-module', path: paths.wasm };
    return result;
  };
}

function floatArtifacts(buildDir: string = DEFAULT_BUILD_DIR): WorkloadArtifacts {
  const paths = artifactPaths('float', buildDir);
  const result: WorkloadArtifacts = {};
  if (existsSync(paths.native)) {
    result.native = { command: process.execPath, args: [paths.native], files: [paths.native] };
  }
  if (existsSync(paths.wasm) && paths.transpiledEntry && existsSync(paths.transpiledEntry)) {
    const wasm: WasmArtifact = {
      kind: 'js-component',
      componentPath: paths.wasm,
      transpiledDir: paths.transpiledDir as string,
      transpiledEntry: paths.transpiledEntry,
    };
    result.wasm = wasm;
  }
  return result;
}

export const WORKLOADS: Record<WorkloadName, WorkloadDefinition> = {
  aes: {
    name: 'aes',
    description:
      'AES-128-CFB (CFB128) with a fixed 16-byte key and a random (seedable) IV: encrypt then decrypt a 20-character message 2500 times',
    language: { thesis: 'Go', faasmark: 'Rust (zero crates; native + wasm32-wasi)' },
    defaultInput: { message: DEFAULT_AES_MESSAGE, iterations: 2500 },
    validateInput: validateAesInput,
    artifacts: rustArtifacts('aes'),
  },
  matmul: {
    name: 'matmul',
    description: 'multiply two n×n matrices of seeded N(0,1) values (n = 50 by default)',
    language: { thesis: 'Go (gonum)', faasmark: 'Rust (zero crates; native + wasm32-wasi)' },
    defaultInput: { n: 50, seed: 42 },
    validateInput: validateMatmulInput,
    artifacts: rustArtifacts('matmul'),
  },
  whatlang: {
    name: 'whatlang',
    description: 'detect the natural language of a text with trigram profiles (ISO 639-3 code + confidence)',
    language: {
      thesis: 'Rust (whatlang crate)',
      faasmark: 'Rust (own trigram detector; native + wasm32-wasi)',
    },
    defaultInput: { text: DEFAULT_WHATLANG_TEXT },
    validateInput: validateWhatlangInput,
    artifacts: rustArtifacts('whatlang'),
  },
  float: {
    name: 'float',
    description:
      'pyperformance "float": n points (x = sin i, y = 3 cos i, z = x²/2), normalise each, component-wise max (n = 100,000 by default)',
    language: {
      thesis: 'Python',
      faasmark: 'TypeScript (native: Node; Wasm: Spin JS component, StarlingMonkey)',
    },
    defaultInput: { n: 100_000 },
    validateInput: validateFloatInput,
    artifacts: floatArtifacts,
  },
};

/** The definition of `name`; throws InputError listing the known names. */
export function getWorkload(name: string): WorkloadDefinition {
  if ((WORKLOAD_NAMES as readonly string[]).includes(name)) return WORKLOADS[name as WorkloadName];
  throw new InputError(`unknown workload ${JSON.stringify(name)}`, {
    hint: `known workloads: ${WORKLOAD_NAMES.join(', ')}`,
  });
}

/**
 * Where the built artifacts of a workload live, shared by workloads/build.ts and the artifact
 * lookups of each workload's index.ts. Layout (docs/workloads.md "Build layout"):
 *   <buildDir>/<w>/native/<w>-server        Rust action server (aes, matmul, whatlang)
 *   <buildDir>/<w>/wasm/<w>.wasm            WASI preview-1 command module (V8 engine, WAGI)
 *   <buildDir>/<w>/component/<w>.wasm       wasi:http proxy component (spin up, wasmtime serve)
 *   <buildDir>/float/native/                action_server.py + float_kernel.py + __pycache__/
 *   <buildDir>/float/wasm/float-fn.wasm     function component; transpiled/ = its jco output
 *   <buildDir>/cargo/, <buildDir>/float/wit/  the builds' working areas (vendored crates, target)
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { rootPath } from '../../core/paths.js';
import type { WorkloadArtifacts, WorkloadName } from '../types.js';

/** Where `npm run build:workloads` writes artifacts. */
export const DEFAULT_BUILD_DIR = rootPath('workloads', 'build');

/** The CPython that runs float's native server: Debian's 3.11 (env FAASMARK_PYTHON overrides). */
export function nativePython(): string {
  return process.env.FAASMARK_PYTHON ?? '/usr/bin/python3.11';
}

export interface ArtifactPaths {
  dir: string;
  nativeDir: string;
  /** The native entry: the Rust server, or float's action_server.py. */
  native: string;
  wasmDir: string;
  /** The V8 engine's artifact: the command module, or float's function component. */
  wasm: string;
  componentDir: string;
  /** The wasi:http proxy component. */
  component: string;
  /** float only: jco's output for the function component. */
  transpiledDir?: string;
  transpiledEntry?: string;
}

/** File names inside `<buildDir>/<name>/…`. */
export function artifactPaths(name: WorkloadName, buildDir: string = DEFAULT_BUILD_DIR): ArtifactPaths {
  const dir = join(buildDir, name);
  const base = {
    dir,
    nativeDir: join(dir, 'native'),
    wasmDir: join(dir, 'wasm'),
    componentDir: join(dir, 'component'),
    component: join(dir, 'component', `${name}.wasm`),
  };
  if (name === 'float') {
    return {
      ...base,
      native: join(dir, 'native', 'action_server.py'),
      wasm: join(dir, 'wasm', 'float-fn.wasm'),
      transpiledDir: join(dir, 'wasm', 'transpiled'),
      transpiledEntry: join(dir, 'wasm', 'transpiled', 'float-fn.js'),
    };
  }
  return { ...base, native: join(dir, 'native', `${name}-server`), wasm: join(dir, 'wasm', `${name}.wasm`) };
}

/** The artifacts of a Rust workload that exist under `buildDir`. */
export function rustArtifacts(name: WorkloadName) {
  return (buildDir: string = DEFAULT_BUILD_DIR): WorkloadArtifacts => {
    const paths = artifactPaths(name, buildDir);
    const result: WorkloadArtifacts = {};
    if (existsSync(paths.native)) result.native = { command: paths.native, args: [], files: [paths.native] };
    if (existsSync(paths.wasm)) result.wasm = { kind: 'wasi-module', path: paths.wasm };
    if (existsSync(paths.component)) result.component = { path: paths.component, serveArgs: [] };
    return result;
  };
}

/** Every file under `dir` (absolute paths), for a container image's file list. */
export function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && !e.name.endsWith('.build.json'))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

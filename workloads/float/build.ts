/**
 * float's build steps (docs/workloads.md "float"): the native server is the Python sources with
 * their .pyc (compiled by Debian's python3.11, so a read-only mount starts fast); the wasi:http
 * component and the function component come from componentize-py (pinned, in its venv); jco
 * transpiles the function component for the V8 engine. Nothing here touches the network.
 */
import { copyFile, mkdir, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { rootPath } from '../../core/paths.js';
import { artifactPaths } from '../shared/artifacts.js';
import { componentizePy, JCO_NODE_FLAGS, jco, python, run, Unavailable } from '../shared/toolchains.js';

export const FLOAT_DIR = rootPath('workloads', 'float');
const SRC = join(FLOAT_DIR, 'src');
const BIG = { maxBuffer: 64 * 1024 * 1024, timeout: 600_000 };
/** The WASI 0.2.12 packages float-http's world includes, from jco's builtin WIT. */
const WASI_WIT = rootPath('node_modules', '@bytecodealliance', 'jco', 'lib', 'wit', 'builtin', '0.2.12');
const WASI_PACKAGES = ['http', 'cli', 'clocks', 'io', 'random', 'filesystem', 'sockets'];

export const NATIVE_SOURCES = [join(SRC, 'action_server.py'), join(SRC, 'float_kernel.py')];
export const COMPONENT_SOURCES = [
  join(SRC, 'float_app.py'),
  join(SRC, 'float_kernel.py'),
  join(FLOAT_DIR, 'wit', 'world.wit'),
];
export const FUNCTION_SOURCES = [
  join(SRC, 'float_fn.py'),
  join(SRC, 'float_kernel.py'),
  join(FLOAT_DIR, 'function.wit'),
];

export function witDeps(): string[] {
  return WASI_PACKAGES.map((p) => join(WASI_WIT, `wasi-${p}`, 'package.wit'));
}

/** native/: action_server.py + float_kernel.py and their __pycache__ (python3.11 -m compileall). */
export async function buildFloatNative(buildDir: string): Promise<void> {
  const { bin } = await python();
  const dir = artifactPaths('float', buildDir).nativeDir;
  const partial = `${dir}.partial`;
  await rm(partial, { recursive: true, force: true });
  await mkdir(partial, { recursive: true });
  for (const file of NATIVE_SOURCES) await copyFile(file, join(partial, file.slice(SRC.length + 1)));
  await run(bin, ['-I', '-m', 'compileall', '-q', partial]);
  await rm(dir, { recursive: true, force: true });
  await rename(partial, dir);
}

/** component/float.wasm: world float-http (wasi:http/proxy@0.2.12) from float_app.py. */
export async function buildFloatComponent(buildDir: string): Promise<void> {
  const { bin } = await componentizePy();
  const wit = join(buildDir, 'float', 'wit');
  await rm(wit, { recursive: true, force: true });
  await mkdir(join(wit, 'deps'), { recursive: true });
  await copyFile(join(FLOAT_DIR, 'wit', 'world.wit'), join(wit, 'world.wit'));
  for (const [i, file] of witDeps().entries()) {
    try {
      await copyFile(file, join(wit, 'deps', `${WASI_PACKAGES[i]}.wit`));
    } catch {
      throw new Unavailable(`jco's builtin WASI 0.2.12 WIT is missing (${file})`, 'npm ci');
    }
  }
  const out = artifactPaths('float', buildDir).component;
  await mkdir(dirname(out), { recursive: true });
  await run(bin, ['-d', wit, '-w', 'float-http', 'componentize', '-p', SRC, 'float_app', '-o', out], BIG);
}

/** wasm/float-fn.wasm (world faasmark:workload/function, --stub-wasi) and its jco transpile. */
export async function buildFloatFunction(buildDir: string): Promise<void> {
  const { bin } = await componentizePy();
  const { script } = await jco();
  const paths = artifactPaths('float', buildDir);
  await mkdir(paths.wasmDir, { recursive: true });
  const fnWit = join(FLOAT_DIR, 'function.wit');
  await run(
    bin,
    ['-d', fnWit, '-w', 'function', 'componentize', '-p', SRC, 'float_fn', '--stub-wasi', '-o', paths.wasm],
    BIG,
  );
  const transpiled = paths.transpiledDir as string;
  await rm(transpiled, { recursive: true, force: true });
  const args = [
    'transpile',
    paths.wasm,
    '-o',
    transpiled,
    '--name',
    'float-fn',
    '--instantiation',
    'sync',
    '--quiet',
  ];
  await run(process.execPath, [...JCO_NODE_FLAGS, script, ...args], BIG);
}

/**
 * The toolchains the workload build uses, found and versioned once per build
 * (docs/workloads.md "Toolchains"): rustup's cargo (native Rust), Debian's rustc-web/cargo-web
 * unpacked by scripts/install-wasm-toolchain.sh (wasm32-wasip1 with -Zbuild-std), lld-22's
 * wasm-ld, componentize-py in its venv, Debian's python3.11, and jco from node_modules.
 * A missing one is an {@link Unavailable} naming the fix.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { faasmarkCacheDir, rootPath } from '../../core/paths.js';
import { nativePython } from './artifacts.js';

export const run = promisify(execFile);

/** A toolchain is missing: the build step reports `unavailable` with this fix. */
export class Unavailable extends Error {
  constructor(
    message: string,
    readonly fix: string,
  ) {
    super(message);
  }
}

export const INSTALL_FIX = 'bash scripts/install-system-deps.sh  (it runs scripts/install-wasm-toolchain.sh)';
export const COMPONENTIZE_PY_VERSION = '0.25.1';

/** The private toolchain cache: <faasmark's cache dir>/toolchains. */
export function toolchainDir(...parts: string[]): string {
  return join(faasmarkCacheDir(), 'toolchains', ...parts);
}

async function versionOf(cmd: string, args: string[], env?: NodeJS.ProcessEnv): Promise<string> {
  const { stdout, stderr } = await run(cmd, args, { env: env ?? process.env });
  return (stdout.trim() || stderr.trim()).split('\n')[0] ?? '';
}

export interface RustWeb {
  /** Root of the unpacked packages (holds usr/bin/rustc). */
  root: string;
  cargo: string;
  rustc: string;
  /** rustc-web, rust-web-src and wasi-libc package versions (the VERSION file). */
  packages: string;
  linker: string;
  env: NodeJS.ProcessEnv;
}

const memo = new Map<string, Promise<unknown>>();

/** Run `find` once per build (see {@link resetToolchains}). */
function once<T>(key: string, find: () => Promise<T>): Promise<T> {
  let p = memo.get(key) as Promise<T> | undefined;
  if (!p) {
    p = find();
    memo.set(key, p);
  }
  return p;
}

/** Forget what was found (a toolchain installed since the last build is seen). */
export function resetToolchains(): void {
  memo.clear();
}

/** rustup's cargo + rustc for the native builds. */
export function nativeCargo(): Promise<{ cargo: string; version: string }> {
  return once('native', async () => {
    const cargo = process.env.FAASMARK_NATIVE_CARGO ?? 'cargo';
    try {
      const version = `${await versionOf(cargo, ['--version'])}; ${await versionOf('rustc', ['--version'])}`;
      return { cargo, version };
    } catch {
      throw new Unavailable(
        `${cargo} (Rust ≥ 1.85) not found or not runnable`,
        'install Rust with rustup (cargo on PATH)',
      );
    }
  });
}

/** Debian's rustc-web in the private prefix, with lld-22's wasm-ld. */
export function rustWeb(): Promise<RustWeb> {
  return once('rust-web', async () => {
    const dir = process.env.FAASMARK_RUST_WEB ?? toolchainDir('rust-web');
    const root = join(dir, 'root');
    const rustc = join(root, 'usr', 'bin', 'rustc');
    if (!existsSync(join(dir, 'VERSION')) || !existsSync(rustc)) {
      throw new Unavailable(`Debian rustc-web is not unpacked in ${dir}`, INSTALL_FIX);
    }
    const linker = process.env.FAASMARK_WASM_LD ?? '/usr/lib/llvm-22/bin/wasm-ld';
    if (!existsSync(linker))
      throw new Unavailable(`no wasm linker at ${linker}`, 'apt-get install -y lld-22');
    const lib = join(root, 'usr', 'lib', 'x86_64-linux-gnu');
    const env = {
      ...process.env,
      LD_LIBRARY_PATH: [lib, process.env.LD_LIBRARY_PATH].filter(Boolean).join(':'),
      RUSTC: rustc,
      RUSTC_BOOTSTRAP: '1',
      CARGO_TARGET_WASM32_WASIP1_LINKER: linker,
      // wasi-libc (Debian) for -lc; +simd128 (Wasm SIMD, fixed width): matmul's loop vectorises
      CARGO_TARGET_WASM32_WASIP1_RUSTFLAGS: `-L ${join(root, 'usr', 'lib', 'wasm32-wasi')} -C target-feature=+simd128`,
    };
    try {
      await versionOf(rustc, ['--version'], env);
    } catch (err) {
      throw new Unavailable(`${rustc} does not run: ${(err as Error).message.split('\n')[0]}`, INSTALL_FIX);
    }
    const packages = readFileSync(join(dir, 'VERSION'), 'utf8').trim().replaceAll('\n', '; ');
    return { root, rustc, cargo: join(root, 'usr', 'bin', 'cargo'), packages, linker, env };
  });
}

/** componentize-py in its venv, and the CPython it bundles. */
export function componentizePy(): Promise<{ bin: string; version: string }> {
  return once('componentize-py', async () => {
    const venv =
      process.env.FAASMARK_COMPONENTIZE_PY ?? toolchainDir(`componentize-py-${COMPONENTIZE_PY_VERSION}`);
    const bin = join(venv, 'bin', 'componentize-py');
    if (!existsSync(bin)) throw new Unavailable(`componentize-py is not installed in ${venv}`, INSTALL_FIX);
    const version = await versionOf(bin, ['--version']);
    if (!version.includes(COMPONENTIZE_PY_VERSION)) {
      throw new Unavailable(`${bin} is ${version}, not ${COMPONENTIZE_PY_VERSION}`, INSTALL_FIX);
    }
    // the CPython inside: the embedded libpython's name (the wheel bundles CPython 3.14.0)
    let cpython = 'CPython (version unknown)';
    try {
      const { stdout } = await run('grep', ['-a', '-o', '-m1', 'libpython3\\.[0-9]*\\.so', ...soFiles(venv)]);
      const m = /libpython(3\.\d+)\.so/.exec(stdout);
      if (m) cpython = `CPython ${m[1]}`;
    } catch {
      // keep "unknown"
    }
    return { bin, version: `${version} (bundles ${cpython})` };
  });
}

function soFiles(venv: string): string[] {
  const site = join(venv, 'lib', 'python3.11', 'site-packages', 'componentize_py', 'componentize_py.abi3.so');
  return existsSync(site) ? [site] : [];
}

/** Debian's python3.11 (float's native server and its .pyc). */
export function python(): Promise<{ bin: string; version: string }> {
  return once('python', async () => {
    const bin = nativePython();
    try {
      return { bin, version: await versionOf(bin, ['--version']) };
    } catch {
      throw new Unavailable(
        `${bin} not found or not runnable`,
        'apt-get install -y python3.11 libpython3.11-stdlib',
      );
    }
  });
}

/**
 * Node flags for jco's runs: Node 20 crashed now and then (SIGSEGV) running Wasm with parallel
 * GC on these machines (docs/workloads.md "Tests"); a single-threaded GC never did.
 */
export const JCO_NODE_FLAGS = ['--single-threaded-gc'];

/** jco's CLI (an npm dependency). */
export function jco(): Promise<{ script: string; version: string }> {
  return once('jco', async () => {
    const script = rootPath('node_modules', '@bytecodealliance', 'jco', 'dist', 'jco.js');
    if (!existsSync(script)) throw new Unavailable('@bytecodealliance/jco is not installed', 'npm ci');
    return { script, version: `jco ${await versionOf(process.execPath, [script, '--version'])}` };
  });
}

/**
 * The `wasmtime` CLI: finding it, reading its version, and precompiling a component to a
 * `.cwasm` cached by content hash under faasmark's cache directory (docs/embedded-platforms.md
 * "Wasmtime engine"). Lookup order: the platform config's `wasmtime.binary`, env
 * FAASMARK_WASMTIME, `wasmtime` on PATH, then the root scripts/install-wasmtime.sh installs to.
 * A path given in config or env that is not an executable is an error, never skipped.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { BuildError, MissingToolError, PlatformError } from '../../core/errors.js';
import { faasmarkCacheDir } from '../../core/paths.js';
import { isExecutableFile, whichSync } from './executables.js';

/** The Wasmtime release faasmark pins (scripts/install-wasmtime.sh builds it). */
export const PINNED_WASMTIME_VERSION = '48.0.8';

/** Codegen flags `wasmtime compile` and `wasmtime serve` must agree on (`-W timeout` uses epochs). */
export const CODEGEN_ARGS = ['-W', 'epoch-interruption=y'];

export const WASMTIME_INSTALL_HINT =
  `install it: bash scripts/install-wasmtime.sh (cargo install wasmtime-cli ${PINNED_WASMTIME_VERSION}, ` +
  "~15-20 min on 2 cores), or point faasmark at a binary with the platform config's " +
  "wasmtime.binary or env FAASMARK_WASMTIME; or use local-wasm's other engine: engine: v8";

export { faasmarkCacheDir } from '../../core/paths.js';

/**
 * Where scripts/install-wasmtime.sh puts the CLI (the workload toolchains' place, so one build
 * serves both): env FAASMARK_WASMTIME_ROOT, else <cache>/toolchains/wasmtime-<version>.
 */
export function wasmtimeInstallRoot(env: NodeJS.ProcessEnv = process.env): string {
  if (env.FAASMARK_WASMTIME_ROOT) return resolve(env.FAASMARK_WASMTIME_ROOT);
  return join(faasmarkCacheDir(env), 'toolchains', `wasmtime-${PINNED_WASMTIME_VERSION}`);
}

export interface ResolvedWasmtime {
  path: string;
  /** Where it was found, recorded in describe(). */
  source: 'config' | 'FAASMARK_WASMTIME' | 'PATH' | 'install root';
}

/**
 * The wasmtime binary, or undefined when none is installed.
 * @throws MissingToolError when the config or FAASMARK_WASMTIME names something that is not an executable
 */
export function findWasmtime(
  configured: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): ResolvedWasmtime | undefined {
  const given = (value: string, source: 'config' | 'FAASMARK_WASMTIME'): ResolvedWasmtime => {
    const path = value.includes('/') ? resolve(value) : whichSync(value, env.PATH);
    if (path && isExecutableFile(path)) return { path, source };
    const where = source === 'config' ? "the platform config's wasmtime.binary" : 'env FAASMARK_WASMTIME';
    throw new MissingToolError(
      'wasmtime',
      `${where} is ${JSON.stringify(value)}, which is not an executable file; ${WASMTIME_INSTALL_HINT}`,
    );
  };
  if (configured) return given(configured, 'config');
  if (env.FAASMARK_WASMTIME) return given(env.FAASMARK_WASMTIME, 'FAASMARK_WASMTIME');
  const fromPath = whichSync('wasmtime', env.PATH);
  if (fromPath) return { path: fromPath, source: 'PATH' };
  const installed = join(wasmtimeInstallRoot(env), 'bin', 'wasmtime');
  return isExecutableFile(installed) ? { path: installed, source: 'install root' } : undefined;
}

/** {@link findWasmtime}, or a MissingToolError naming where it looked and how to install. */
export function resolveWasmtime(
  configured: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): ResolvedWasmtime {
  const found = findWasmtime(configured, env);
  if (found) return found;
  const root = join(wasmtimeInstallRoot(env), 'bin', 'wasmtime');
  throw new MissingToolError(
    'wasmtime',
    `no wasmtime on PATH nor at ${root} (nor env FAASMARK_WASMTIME); ${WASMTIME_INSTALL_HINT}`,
  );
}

export interface WasmtimeVersion {
  /** e.g. "48.0.8". */
  text: string;
  /** The whole line `wasmtime --version` printed. */
  raw: string;
}

/** Parse `wasmtime --version` ("wasmtime 48.0.8" or "wasmtime 48.0.8 (abc1234 2026-…)"). */
export function parseWasmtimeVersion(output: string): WasmtimeVersion | undefined {
  const line =
    output
      .split(/\r?\n/)
      .find((l) => l.trim() !== '')
      ?.trim() ?? '';
  const m = /^wasmtime(?:-cli)?\s+v?(\d+\.\d+\.\d+\S*)/.exec(line);
  return m ? { text: m[1] as string, raw: line } : undefined;
}

/**
 * Run `<binary> --version` (bounded) and parse it.
 * @throws PlatformError when it fails or does not print a Wasmtime version
 */
export async function readWasmtimeVersion(binary: string, timeoutSeconds = 15): Promise<WasmtimeVersion> {
  const { execa } = await import('execa'); // lazily: local-wasm's config imports this module
  const r = await execa(binary, ['--version'], {
    reject: false,
    timeout: timeoutSeconds * 1000,
    stdin: 'ignore',
    env: { ...process.env, LC_ALL: 'C' },
  });
  const version = parseWasmtimeVersion(String(r.stdout ?? ''));
  if (r.exitCode !== 0 || !version) {
    const detail = String(r.stderr || r.stdout || r.message || '')
      .trim()
      .slice(0, 500);
    throw new PlatformError(
      `\`${binary} --version\` did not print a Wasmtime version (exit ${r.exitCode ?? 'none'}): ${detail}`,
      { hint: `is ${binary} the Wasmtime CLI? ${WASMTIME_INSTALL_HINT}` },
    );
  }
  return version;
}

export function sha256(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export interface Precompiled {
  /** The `.cwasm` to serve with `--allow-precompiled`. */
  path: string;
  componentSha256: string;
  cwasmSha256: string;
  /** Seconds `wasmtime compile` took; null when the cache had it. */
  compileSeconds: number | null;
}

export interface PrecompileOptions {
  /** faasmark's cache directory ({@link faasmarkCacheDir}); `.cwasm` files go to `<cacheDir>/cwasm/`. */
  cacheDir: string;
  /** Flags that change the compiled code (e.g. `-W epoch-interruption=y`); serve must agree. */
  codegenArgs: string[];
  timeoutSeconds?: number;
}

/**
 * `wasmtime compile` the component once per (component bytes, Wasmtime version, codegen flags,
 * CPU model): later calls find the `.cwasm` by that key. Written to a temporary name, then renamed.
 * @throws BuildError when wasmtime cannot compile it (with its stderr)
 */
export async function precompile(
  binary: string,
  version: WasmtimeVersion,
  componentPath: string,
  options: PrecompileOptions,
): Promise<Precompiled> {
  const bytes = readFileSync(componentPath);
  const componentSha256 = sha256(bytes);
  const key = sha256(
    [componentSha256, version.raw, options.codegenArgs.join(' '), cpus()[0]?.model ?? ''].join('\n'),
  );
  const dir = join(options.cacheDir, 'cwasm');
  const path = join(dir, `${componentSha256.slice(0, 16)}-${key.slice(0, 16)}.cwasm`);
  if (existsSync(path)) {
    return { path, componentSha256, cwasmSha256: sha256(readFileSync(path)), compileSeconds: null };
  }
  mkdirSync(dir, { recursive: true });
  const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
  const { execa } = await import('execa');
  const t0 = performance.now();
  const r = await execa(
    binary,
    ['compile', '-C', 'cache=n', ...options.codegenArgs, componentPath, '-o', tmp],
    {
      reject: false,
      timeout: (options.timeoutSeconds ?? 600) * 1000,
      stdin: 'ignore',
      env: { ...process.env, LC_ALL: 'C' },
    },
  );
  const compileSeconds = (performance.now() - t0) / 1000;
  if (r.exitCode !== 0 || !existsSync(tmp)) {
    rmSync(tmp, { force: true });
    const detail = String(r.stderr || r.message || '')
      .trim()
      .slice(0, 2000);
    throw new BuildError(
      `wasmtime compile ${componentPath} failed (exit ${r.exitCode ?? 'none'}): ${detail}`,
      {
        hint: 'is it a wasi:http proxy component? rebuild the workloads (npm run build:workloads) or check the path',
      },
    );
  }
  renameSync(tmp, path);
  return { path, componentSha256, cwasmSha256: sha256(readFileSync(path)), compileSeconds };
}

/** Interfaces outside wasi:http/proxy that `wasmtime serve` links only with `-S cli=y`. */
const NON_PROXY_IMPORTS = [
  'wasi:cli/environment@',
  'wasi:cli/exit@',
  'wasi:filesystem/',
  'wasi:sockets/',
  'wasi:cli/terminal-',
];

/**
 * The `wasmtime serve` flags a component needs beyond the proxy world: `-S cli=y` when its bytes
 * name an interface outside it (componentize-py's runtime imports wasi:cli and wasi:filesystem).
 * Import names are plain UTF-8 in a component, so a byte search finds them.
 */
export function serveArgsFor(component: Uint8Array): string[] {
  const bytes = Buffer.from(component.buffer, component.byteOffset, component.byteLength);
  return NON_PROXY_IMPORTS.some((name) => bytes.includes(name)) ? ['-S', 'cli=y'] : [];
}

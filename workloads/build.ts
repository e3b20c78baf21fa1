/**
 * The workload build behind `faasmark build` (harness/cli/commands/build/; `npm run
 * build:workloads` runs it from source): builds every workload artifact it can
 * (workloads/registry.ts documents the layout), incrementally: each artifact records a
 * SHA-256 of its inputs (sources, compiler version, flags) in `<artifact>.hash` and is
 * skipped when unchanged (`dryRun`: only report what is outdated). One outcome per artifact:
 * built / skipped / outdated / failed or unavailable, with the reason and the fix (the Debian
 * package to install). Whether the outcomes pass is the command's decision.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { BuildError } from '../core/errors.js';
import { rootPath } from '../core/paths.js';
import { artifactPaths, DEFAULT_BUILD_DIR } from './registry.js';
import { WORKLOAD_NAMES, type WorkloadName } from './types.js';

const run = promisify(execFile);

export type BuildKind = 'native' | 'wasm';
/** `outdated` only with `dryRun`: the artifact is missing or its inputs changed. */
export type BuildStatus = 'built' | 'skipped' | 'outdated' | 'failed' | 'unavailable';

export interface BuildOutcome {
  workload: WorkloadName;
  build: BuildKind;
  status: BuildStatus;
  /** Path of the main artifact. */
  artifact: string;
  /** Why it failed / is unavailable, and the fix. */
  reason?: string;
  fix?: string;
  seconds: number;
}

export interface BuildOptions {
  buildDir?: string;
  workloads?: readonly WorkloadName[];
  force?: boolean;
  /** Only compare input hashes: report skipped / outdated, build nothing. */
  dryRun?: boolean;
  log?: (line: string) => void;
}

const RUST_DIR = rootPath('workloads', 'rust');
const FLOAT_DIR = rootPath('workloads', 'float');
const RUST_WORKLOADS: WorkloadName[] = ['aes', 'matmul', 'whatlang'];
/** Debian's rustc drives the wasm32-wasi target (rustup here has only x86_64). */
const WASM_RUSTC = process.env.FAASMARK_WASM_RUSTC ?? '/usr/bin/rustc';
const NATIVE_RUSTC = process.env.FAASMARK_NATIVE_RUSTC ?? 'rustc';
const RUST_FLAGS = ['--edition', '2021', '-O', '-C', 'strip=symbols'];
const RUST_WASM_FIX =
  'apt-get install -y rustc libstd-rust-dev-wasm32 lld  (or: bash scripts/install-system-deps.sh)';
const RUST_NATIVE_FIX = 'install Rust (rustup), or apt-get install -y rustc';

class Unavailable extends Error {
  constructor(
    message: string,
    readonly fix: string,
  ) {
    super(message);
  }
}

async function sha256Files(files: string[], extra: string[]): Promise<string> {
  const hash = createHash('sha256');
  for (const file of [...files].sort()) {
    hash.update(file);
    hash.update(await readFile(file));
  }
  for (const e of extra) hash.update(`\0${e}`);
  return hash.digest('hex');
}

async function listFiles(dir: string, ext: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await listFiles(full, ext)));
    else if (ext.some((e) => entry.name.endsWith(e))) out.push(full);
  }
  return out;
}

const toolVersions = new Map<string, Promise<string>>();

/** `cmd --version`, run once per {@link buildWorkloads} call (every Rust workload asks for the same compiler). */
function toolVersion(cmd: string, fix: string): Promise<string> {
  let version = toolVersions.get(cmd);
  if (!version) {
    version = run(cmd, ['--version']).then(
      ({ stdout }) => stdout.trim(),
      () => {
        throw new Unavailable(`${cmd} not found or not runnable`, fix);
      },
    );
    toolVersions.set(cmd, version);
  }
  return version;
}

function errorText(err: unknown): string {
  const e = err as { stderr?: string; message?: string };
  const text = (e.stderr && e.stderr.trim() !== '' ? e.stderr : (e.message ?? String(err))).trim();
  return text.length > 4000 ? `${text.slice(0, 4000)}…` : text;
}

/** Build one artifact unless its input hash matches; writes `<artifact>.hash` last. */
async function step(
  workload: WorkloadName,
  build: BuildKind,
  artifact: string,
  inputs: () => Promise<{ files: string[]; extra: string[] }>,
  make: () => Promise<void>,
  force: boolean,
  dryRun = false,
  /** Every file the step produces (default: the artifact); all must exist to skip. */
  outputs: string[] = [artifact],
): Promise<BuildOutcome> {
  const started = performance.now();
  const done = (status: BuildStatus, more: Partial<BuildOutcome> = {}): BuildOutcome => ({
    workload,
    build,
    status,
    artifact,
    seconds: (performance.now() - started) / 1000,
    ...more,
  });
  try {
    const { files, extra } = await inputs();
    const digest = await sha256Files(files, extra);
    const hashFile = `${artifact}.hash`;
    if (
      !force &&
      outputs.every((o) => existsSync(o)) &&
      existsSync(hashFile) &&
      (await readFile(hashFile, 'utf8')).trim() === digest
    ) {
      return done('skipped', { reason: 'up to date' });
    }
    if (dryRun)
      return done('outdated', { reason: 'missing or inputs changed', fix: 'npm run build:workloads' });
    await rm(hashFile, { force: true });
    await mkdir(dirname(artifact), { recursive: true });
    await make();
    const absent = outputs.filter((o) => !existsSync(o));
    if (absent.length > 0) throw new BuildError(`the build finished but ${absent.join(', ')} is missing`);
    await writeFile(hashFile, `${digest}\n`);
    return done('built');
  } catch (err) {
    if (err instanceof Unavailable) return done('unavailable', { reason: err.message, fix: err.fix });
    return done('failed', { reason: errorText(err) });
  }
}

// ------------------------------------------------------------------------------- Rust

async function rustInputs(workload: WorkloadName, rustc: string, fix: string, target: string[]) {
  const version = await toolVersion(rustc, fix);
  const files = [
    ...(await listFiles(join(RUST_DIR, 'faas-core'), ['.rs'])),
    ...(await listFiles(join(RUST_DIR, workload), ['.rs', '.txt'])),
  ];
  return { files, extra: [version, ...RUST_FLAGS, ...target] };
}

/** faas_core rlib, then the workload binary linked against it (no cargo: see docs/workloads.md). */
async function rustBuild(
  workload: WorkloadName,
  rustc: string,
  target: string[],
  out: string,
): Promise<void> {
  const dir = dirname(out);
  const lib = join(dir, 'libfaas_core.rlib');
  const common = [...RUST_FLAGS, ...target];
  await run(rustc, [
    ...common,
    '--crate-type',
    'rlib',
    '--crate-name',
    'faas_core',
    join(RUST_DIR, 'faas-core', 'src', 'lib.rs'),
    '-o',
    lib,
  ]);
  await run(
    rustc,
    [
      ...common,
      '--crate-name',
      workload,
      '--extern',
      `faas_core=${lib}`,
      join(RUST_DIR, workload, 'main.rs'),
      '-o',
      out,
    ],
    {
      maxBuffer: 16 * 1024 * 1024,
    },
  );
  await rm(lib, { force: true });
}

async function checkWasmTarget(): Promise<void> {
  if (!existsSync(WASM_RUSTC)) throw new Unavailable(`${WASM_RUSTC} (Debian rustc) not found`, RUST_WASM_FIX);
  if (!existsSync('/usr/lib/rustlib/wasm32-wasi/lib') && !process.env.FAASMARK_WASM_RUSTC) {
    throw new Unavailable('the wasm32-wasi standard library is not installed', RUST_WASM_FIX);
  }
  if (
    !existsSync('/usr/bin/rust-lld') &&
    !existsSync('/usr/bin/wasm-ld') &&
    !process.env.FAASMARK_WASM_RUSTC
  ) {
    throw new Unavailable('no wasm linker (rust-lld / wasm-ld)', RUST_WASM_FIX);
  }
}

// ------------------------------------------------------------------------------ float

/** Inputs of one float build: the native server does not depend on the component sources and vice versa. */
async function floatSources(build: BuildKind): Promise<string[]> {
  const all = await listFiles(FLOAT_DIR, ['.ts', '.wit', '.mjs']);
  const nativeOnly = join(FLOAT_DIR, 'action-server.ts');
  const files =
    build === 'native' ? [join(FLOAT_DIR, 'kernel.ts'), nativeOnly] : all.filter((f) => f !== nativeOnly);
  return [...files, rootPath('package-lock.json')];
}

async function bundle(entry: string, outfile: string, platform: 'node' | 'neutral'): Promise<void> {
  let esbuild: typeof import('esbuild');
  try {
    esbuild = await import('esbuild');
  } catch {
    throw new Unavailable('esbuild (a dependency of tsx) is not installed', 'npm ci');
  }
  await esbuild.build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    format: 'esm',
    platform,
    target: 'es2022',
    logLevel: 'silent',
    legalComments: 'none',
  });
}

/** Runs workloads/float/componentize.mjs under the preopen loader (docs/workloads.md). */
async function componentize(args: string[]): Promise<void> {
  await run(
    process.execPath,
    ['--import', join(FLOAT_DIR, 'preopen.mjs'), join(FLOAT_DIR, 'componentize.mjs'), ...args],
    {
      cwd: rootPath(),
      maxBuffer: 16 * 1024 * 1024,
      timeout: 300_000,
    },
  );
}

async function floatWasmBuild(buildDir: string): Promise<void> {
  const paths = artifactPaths('float', buildDir);
  const stage = join(paths.wasmDir, 'stage');
  await rm(stage, { recursive: true, force: true });
  await mkdir(stage, { recursive: true });
  // j2w reads its target world from package.json config.witDependencies
  const pkg = {
    name: 'faasmark-float',
    private: true,
    type: 'module',
    config: {
      witDependencies: [
        { witPath: join(FLOAT_DIR, 'spin-wit'), package: 'faasmark:float-http@0.1.0', world: 'spin-http' },
      ],
    },
  };
  await writeFile(join(stage, 'package.json'), `${JSON.stringify(pkg)}\n`);
  await bundle(join(FLOAT_DIR, 'spin-component.ts'), join(stage, 'spin-component.js'), 'neutral');
  await bundle(join(FLOAT_DIR, 'function-component.ts'), join(stage, 'function-component.js'), 'neutral');
  const fnWasm = paths.functionComponent as string;
  await componentize(['spin', join(stage, 'spin-component.js'), paths.wasm, stage]);
  await componentize([
    'function',
    join(stage, 'function-component.js'),
    fnWasm,
    join(FLOAT_DIR, 'function.wit'),
  ]);
  const transpiled = paths.transpiledDir as string;
  await rm(transpiled, { recursive: true, force: true });
  const jco = rootPath('node_modules', '@bytecodealliance', 'jco', 'dist', 'jco.js');
  if (!existsSync(jco)) throw new Unavailable('@bytecodealliance/jco is not installed', 'npm ci');
  await run(
    process.execPath,
    [jco, 'transpile', fnWasm, '-o', transpiled, '--name', 'float-fn', '--instantiation', 'sync', '--quiet'],
    {
      cwd: rootPath(),
      maxBuffer: 16 * 1024 * 1024,
    },
  );
  await rm(stage, { recursive: true, force: true });
}

// ------------------------------------------------------------------------------- main

export async function buildWorkloads(options: BuildOptions = {}): Promise<BuildOutcome[]> {
  const buildDir = options.buildDir ?? DEFAULT_BUILD_DIR;
  const wanted = options.workloads ?? WORKLOAD_NAMES;
  const force = options.force ?? false;
  const dryRun = options.dryRun ?? false;
  const outcomes: BuildOutcome[] = [];
  toolVersions.clear(); // a toolchain installed since the last call is seen
  const report = (o: BuildOutcome) => {
    outcomes.push(o);
    options.log?.(formatOutcome(o));
  };
  for (const workload of wanted) {
    const paths = artifactPaths(workload, buildDir);
    const run = async (
      build: BuildKind,
      artifact: string,
      inputs: () => Promise<{ files: string[]; extra: string[] }>,
      make: () => Promise<void>,
      outputs?: string[],
    ) => report(await step(workload, build, artifact, inputs, make, force, dryRun, outputs));
    if (RUST_WORKLOADS.includes(workload)) {
      await run(
        'native',
        paths.native,
        () => rustInputs(workload, NATIVE_RUSTC, RUST_NATIVE_FIX, []),
        () => rustBuild(workload, NATIVE_RUSTC, [], paths.native),
      );
      await run(
        'wasm',
        paths.wasm,
        async () => {
          await checkWasmTarget();
          return rustInputs(workload, WASM_RUSTC, RUST_WASM_FIX, ['--target', 'wasm32-wasi']);
        },
        () => rustBuild(workload, WASM_RUSTC, ['--target', 'wasm32-wasi'], paths.wasm),
      );
    } else {
      await run(
        'native',
        paths.native,
        async () => ({ files: await floatSources('native'), extra: ['native', process.version] }),
        () => bundle(join(FLOAT_DIR, 'action-server.ts'), paths.native, 'node'),
      );
      await run(
        'wasm',
        paths.wasm,
        async () => ({ files: await floatSources('wasm'), extra: ['wasm'] }),
        () => floatWasmBuild(buildDir),
        [
          paths.wasm,
          paths.functionComponent as string,
          paths.transpiledEntry as string,
          paths.transpiledCore as string,
        ],
      );
    }
  }
  return outcomes;
}

export function formatOutcome(o: BuildOutcome): string {
  const head = `${o.status.padEnd(11)} ${`${o.workload}/${o.build}`.padEnd(16)} ${o.artifact.replace(`${rootPath()}/`, '')}`;
  if (o.status === 'built') return `${head} (${o.seconds.toFixed(1)} s)`;
  if (o.status === 'skipped' || o.status === 'outdated') return `${head} (${o.reason})`;
  return `${head}\n  reason: ${o.reason}${o.fix ? `\n  fix: ${o.fix}` : ''}`;
}

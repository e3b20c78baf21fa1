/**
 * The workload build behind `faasmark build` (harness/cli/commands/build/; `npm run
 * build:workloads` runs it from source): every artifact of docs/workloads.md "Build layout",
 * incrementally. Each artifact's record `<artifact>.build.json` holds the SHA-256 of its inputs
 * (sources, toolchain versions, flags) and how it was built; an unchanged hash skips the step
 * (`dryRun`: only report what is outdated). One outcome per artifact: built / skipped / outdated
 * / failed or unavailable (missing toolchain, with the fix). The command decides what passes.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { BuildError } from '../core/errors.js';
import { rootPath } from '../core/paths.js';
import {
  buildFloatComponent,
  buildFloatFunction,
  buildFloatNative,
  COMPONENT_SOURCES,
  FUNCTION_SOURCES,
  NATIVE_SOURCES,
  witDeps,
} from './float/build.js';
import { artifactPaths, DEFAULT_BUILD_DIR } from './shared/artifacts.js';
import { buildCommand, buildComponent, buildNative, rustSources } from './shared/build-rust.js';
import {
  componentizePy,
  jco,
  nativeCargo,
  python,
  resetToolchains,
  rustWeb,
  Unavailable,
} from './shared/toolchains.js';
import { WORKLOAD_NAMES, type WorkloadName } from './types.js';

/** native: the action server; wasm: the V8 engine's artifact; component: the wasi:http proxy component. */
export type BuildKind = 'native' | 'wasm' | 'component';
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

/** What one artifact is made from: files, tool versions and flags (hashed), and how to make it. */
interface Recipe {
  build: BuildKind;
  artifact: string;
  inputs: () => Promise<{ files: string[]; tools: Record<string, string>; flags: string[] }>;
  make: () => Promise<void>;
}

/** The record written beside an artifact: `<artifact>.build.json`. */
export function buildRecordPath(artifact: string): string {
  return `${artifact}.build.json`;
}

async function sha256(files: string[], extra: string[]): Promise<string> {
  const hash = createHash('sha256');
  for (const file of [...files].sort()) {
    hash.update(file.replace(`${rootPath()}/`, ''));
    hash.update(await readFile(file));
  }
  for (const e of extra) hash.update(`\0${e}`);
  return hash.digest('hex');
}

async function recordedHash(artifact: string): Promise<string | undefined> {
  try {
    return (JSON.parse(await readFile(buildRecordPath(artifact), 'utf8')) as { inputsSha256?: string })
      .inputsSha256;
  } catch {
    return undefined;
  }
}

function errorText(err: unknown): string {
  const e = err as { stderr?: string; message?: string; signal?: string | null };
  const killed = e.signal ? `killed by ${e.signal}: ` : '';
  const text = killed + (e.stderr && e.stderr.trim() !== '' ? e.stderr : (e.message ?? String(err))).trim();
  return text.length > 4000 ? `…${text.slice(-4000)}` : text;
}

/** Build one artifact unless its input hash matches; writes the record last. */
async function step(
  workload: WorkloadName,
  r: Recipe,
  force: boolean,
  dryRun: boolean,
): Promise<BuildOutcome> {
  const started = performance.now();
  const done = (status: BuildStatus, more: Partial<BuildOutcome> = {}): BuildOutcome => ({
    workload,
    build: r.build,
    status,
    artifact: r.artifact,
    seconds: (performance.now() - started) / 1000,
    ...more,
  });
  try {
    const { files, tools, flags } = await r.inputs();
    const digest = await sha256(files, [...Object.entries(tools).map(([k, v]) => `${k}=${v}`), ...flags]);
    if (!force && existsSync(r.artifact) && (await recordedHash(r.artifact)) === digest) {
      return done('skipped', { reason: 'up to date' });
    }
    if (dryRun)
      return done('outdated', { reason: 'missing or inputs changed', fix: 'npm run build:workloads' });
    await rm(buildRecordPath(r.artifact), { force: true });
    await mkdir(dirname(r.artifact), { recursive: true });
    await r.make();
    if (!existsSync(r.artifact)) throw new BuildError(`the build finished but ${r.artifact} is missing`);
    const record = {
      artifact: r.artifact.replace(`${rootPath()}/`, ''),
      kind: r.build,
      inputsSha256: digest,
      inputs: files.map((f) => f.replace(`${rootPath()}/`, '')),
      tools,
      flags,
      builtAt: new Date().toISOString(),
    };
    await writeFile(`${buildRecordPath(r.artifact)}.tmp`, `${JSON.stringify(record, null, 2)}\n`);
    await rename(`${buildRecordPath(r.artifact)}.tmp`, buildRecordPath(r.artifact));
    return done('built');
  } catch (err) {
    if (err instanceof Unavailable) return done('unavailable', { reason: err.message, fix: err.fix });
    return done('failed', { reason: errorText(err) });
  }
}

const WASM_FLAGS = [
  '--release',
  'wasm32-wasip1',
  '-Zbuild-std=std,panic_abort',
  '+simd128',
  'lto',
  'opt-level=3',
];

function rustRecipes(w: WorkloadName, buildDir: string): Recipe[] {
  const paths = artifactPaths(w, buildDir);
  const wasmTools = async () => {
    const [cargo, web] = await Promise.all([nativeCargo(), rustWeb()]);
    return { 'native cargo': cargo.version, 'rust-web': web.packages, 'wasm-ld': web.linker };
  };
  return [
    {
      build: 'native',
      artifact: paths.native,
      inputs: async () => ({
        files: await rustSources(w),
        tools: { cargo: (await nativeCargo()).version },
        flags: ['--release', 'lto'],
      }),
      make: () => buildNative(w, buildDir),
    },
    {
      build: 'wasm',
      artifact: paths.wasm,
      inputs: async () => ({
        files: await rustSources(w),
        tools: await wasmTools(),
        flags: [...WASM_FLAGS, `--bin ${w}`],
      }),
      make: () => buildCommand(w, buildDir),
    },
    {
      build: 'component',
      artifact: paths.component,
      inputs: async () => ({
        files: await rustSources(w, true),
        tools: { ...(await wasmTools()), jco: (await jco()).version },
        flags: [...WASM_FLAGS, '--lib --features component --crate-type cdylib', 'jco new --adapt proxy'],
      }),
      make: () => buildComponent(w, buildDir),
    },
  ];
}

function floatRecipes(buildDir: string): Recipe[] {
  const paths = artifactPaths('float', buildDir);
  return [
    {
      build: 'native',
      artifact: paths.native,
      inputs: async () => ({
        files: NATIVE_SOURCES,
        tools: { python: (await python()).version },
        flags: ['compileall'],
      }),
      make: () => buildFloatNative(buildDir),
    },
    {
      build: 'component',
      artifact: paths.component,
      inputs: async () => ({
        files: [...COMPONENT_SOURCES, ...witDeps()],
        tools: { 'componentize-py': (await componentizePy()).version },
        flags: ['-w float-http'],
      }),
      make: () => buildFloatComponent(buildDir),
    },
    {
      build: 'wasm',
      artifact: paths.transpiledEntry as string,
      inputs: async () => ({
        files: FUNCTION_SOURCES,
        tools: { 'componentize-py': (await componentizePy()).version, jco: (await jco()).version },
        flags: ['-w function --stub-wasi', 'jco transpile --instantiation sync'],
      }),
      make: () => buildFloatFunction(buildDir),
    },
  ];
}

export async function buildWorkloads(options: BuildOptions = {}): Promise<BuildOutcome[]> {
  const buildDir = options.buildDir ?? DEFAULT_BUILD_DIR;
  const outcomes: BuildOutcome[] = [];
  resetToolchains();
  for (const workload of options.workloads ?? WORKLOAD_NAMES) {
    const recipes = workload === 'float' ? floatRecipes(buildDir) : rustRecipes(workload, buildDir);
    for (const recipe of recipes) {
      const outcome = await step(workload, recipe, options.force ?? false, options.dryRun ?? false);
      outcomes.push(outcome);
      options.log?.(formatOutcome(outcome));
    }
  }
  return outcomes;
}

export function formatOutcome(o: BuildOutcome): string {
  const head = `${o.status.padEnd(11)} ${`${o.workload}/${o.build}`.padEnd(18)} ${o.artifact.replace(`${rootPath()}/`, '')}`;
  if (o.status === 'built') return `${head} (${o.seconds.toFixed(1)} s)`;
  if (o.status === 'skipped' || o.status === 'outdated') return `${head} (${o.reason})`;
  return `${head}\n  reason: ${o.reason}${o.fix ? `\n  fix: ${o.fix}` : ''}`;
}

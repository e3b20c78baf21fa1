/**
 * The Rust workloads' build steps (docs/workloads.md "Build"): the crates of workloads/Cargo.lock
 * are vendored once into <buildDir>/cargo/vendor (the only step that needs crates.io), then
 * every cargo call runs offline against it: rustup's cargo for the native action server,
 * Debian's cargo-web with -Zbuild-std for the wasm32-wasip1 command module and the cdylib that
 * jco's `new` wraps with the pinned wasi:http proxy adapter into a component.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readdir, readFile, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { rootPath } from '../../core/paths.js';
import type { WorkloadName } from '../types.js';
import { artifactPaths } from './artifacts.js';
import { JCO_NODE_FLAGS, jco, nativeCargo, type RustWeb, run, rustWeb, Unavailable } from './toolchains.js';

export const WORKSPACE = rootPath('workloads');
const MANIFEST = join(WORKSPACE, 'Cargo.toml');
const BUILD_STD = ['--target', 'wasm32-wasip1', '-Zbuild-std=std,panic_abort'];
const BIG = { maxBuffer: 64 * 1024 * 1024 };

/**
 * The files a Rust workload's artifacts depend on; `withAdapter`: also the crate that writes the
 * proxy adapter (the component build's).
 */
export async function rustSources(workload: WorkloadName, withAdapter = false): Promise<string[]> {
  const files = [MANIFEST, join(WORKSPACE, 'Cargo.lock')];
  const crates = [join(WORKSPACE, 'shared', 'faas-core'), join(WORKSPACE, workload)];
  if (withAdapter) crates.push(join(WORKSPACE, 'shared', 'wasi-adapter'));
  for (const dir of crates) {
    files.push(join(dir, 'Cargo.toml'), ...(await listFiles(join(dir, 'src'), ['.rs'])));
  }
  return files;
}

export async function listFiles(dir: string, ext: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await listFiles(full, ext)));
    else if (ext.some((e) => entry.name.endsWith(e))) out.push(full);
  }
  return out.sort();
}

function vendorConfig(dir: string): string[] {
  return [
    '--config',
    'source.crates-io.replace-with="vendored-sources"',
    '--config',
    `source.vendored-sources.directory=${JSON.stringify(dir)}`,
    '--config',
    'net.offline=true',
  ];
}

/** `cargo vendor` once per Cargo.lock (stamped with its hash); offline afterwards. */
export async function ensureVendor(buildDir: string): Promise<string> {
  const dir = join(buildDir, 'cargo', 'vendor');
  const lock = createHash('sha256')
    .update(await readFile(join(WORKSPACE, 'Cargo.lock')))
    .digest('hex');
  const stamp = join(dir, '.faasmark-cargo-lock-sha256');
  if (existsSync(stamp) && (await readFile(stamp, 'utf8')).trim() === lock) return dir;
  const { cargo } = await nativeCargo();
  const partial = `${dir}.partial`;
  await rm(partial, { recursive: true, force: true });
  try {
    await run(cargo, ['vendor', '--locked', '--versioned-dirs', '--manifest-path', MANIFEST, partial], BIG);
  } catch (err) {
    throw new Unavailable(
      `cannot vendor the crates of workloads/Cargo.lock: ${(err as { stderr?: string }).stderr?.trim().split('\n').pop() ?? err}`,
      'the first build needs crates.io once (later builds are offline): npm run build:workloads',
    );
  }
  await writeFile(join(partial, '.faasmark-cargo-lock-sha256'), `${lock}\n`);
  await rm(dir, { recursive: true, force: true });
  await rename(partial, dir);
  return dir;
}

/** One directory source for -Zbuild-std: our vendored crates + std's own (rust-web-src's library/vendor). */
async function wasmVendor(buildDir: string, toolchain: RustWeb): Promise<string> {
  const ours = await ensureVendor(buildDir);
  const std = join(toolchain.root, 'usr', 'lib', 'rustlib', 'src', 'rust', 'library', 'vendor');
  const dir = join(buildDir, 'cargo', 'vendor-wasm');
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  for (const base of [std, ours]) {
    for (const name of await readdir(base)) {
      if (name.startsWith('.')) continue;
      await rm(join(dir, name), { force: true });
      await symlink(join(base, name), join(dir, name));
    }
  }
  return dir;
}

/** The native action server: `cargo build` with rustup's toolchain. */
export async function buildNative(workload: WorkloadName, buildDir: string): Promise<void> {
  const { cargo } = await nativeCargo();
  const vendor = await ensureVendor(buildDir);
  const target = join(buildDir, 'cargo', 'target', 'native');
  const args = ['build', '--release', '--locked', '--manifest-path', MANIFEST, '--target-dir', target];
  await run(cargo, [...args, ...vendorConfig(vendor), '-p', `faasmark-${workload}`, '--bin', workload], BIG);
  await install(join(target, 'release', workload), artifactPaths(workload, buildDir).native);
}

/** The WASI preview-1 command module (bin target on wasm32-wasip1). */
export async function buildCommand(workload: WorkloadName, buildDir: string): Promise<void> {
  const toolchain = await rustWeb();
  const vendor = await wasmVendor(buildDir, toolchain);
  const target = join(buildDir, 'cargo', 'target', 'wasm');
  const args = ['build', '--release', '--locked', '--manifest-path', MANIFEST, '--target-dir', target];
  await run(
    toolchain.cargo,
    [...args, ...vendorConfig(vendor), '-p', `faasmark-${workload}`, '--bin', workload, ...BUILD_STD],
    {
      ...BIG,
      env: toolchain.env,
    },
  );
  await install(
    join(target, 'wasm32-wasip1', 'release', `${workload}.wasm`),
    artifactPaths(workload, buildDir).wasm,
  );
}

/** The pinned proxy adapter, written by the wasi-adapter crate (workloads/shared/wasi-adapter). */
export async function proxyAdapter(buildDir: string): Promise<string> {
  const { cargo } = await nativeCargo();
  const vendor = await ensureVendor(buildDir);
  const target = join(buildDir, 'cargo', 'target', 'native');
  const args = ['build', '--release', '--locked', '--manifest-path', MANIFEST, '--target-dir', target];
  await run(cargo, [...args, ...vendorConfig(vendor), '-p', 'wasi-adapter'], BIG);
  const out = join(buildDir, 'cargo', 'wasi_snapshot_preview1.proxy.wasm');
  await run(join(target, 'release', 'wasi-adapter'), [out]);
  return out;
}

/** The wasi:http proxy component: the lib as a cdylib with feature `component`, then `jco new --adapt`. */
export async function buildComponent(workload: WorkloadName, buildDir: string): Promise<void> {
  const toolchain = await rustWeb();
  const { script } = await jco();
  const adapter = await proxyAdapter(buildDir);
  const vendor = await wasmVendor(buildDir, toolchain);
  const target = join(buildDir, 'cargo', 'target', 'wasm');
  const args = ['rustc', '--release', '--locked', '--manifest-path', MANIFEST, '--target-dir', target];
  const lib = ['-p', `faasmark-${workload}`, '--lib', '--features', 'component', '--crate-type', 'cdylib'];
  await run(toolchain.cargo, [...args, ...vendorConfig(vendor), ...lib, ...BUILD_STD], {
    ...BIG,
    env: toolchain.env,
  });
  const core = join(target, 'wasm32-wasip1', 'release', `faasmark_${workload}.wasm`);
  const out = artifactPaths(workload, buildDir).component;
  await mkdir(dirname(out), { recursive: true });
  await run(
    process.execPath,
    [...JCO_NODE_FLAGS, script, 'new', core, '--adapt', `wasi_snapshot_preview1=${adapter}`, '-o', out],
    BIG,
  );
}

async function install(from: string, to: string): Promise<void> {
  await mkdir(dirname(to), { recursive: true });
  await copyFile(from, `${to}.tmp`);
  await rename(`${to}.tmp`, to);
}

/**
 * Locations inside the faasmark package, valid from source (tsx) and from dist/. Package
 * assets (results/schema/*.json, harness/suites/, platforms/spin/spinkube/*.json, thesis data)
 * are read from the package root through `rootPath`, never relative to a module's own file:
 * dist/ holds compiled modules only (docs/architecture.md "Assets").
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'harness'))) return dir;
    dir = dirname(dir);
  }
  throw new Error('faasmark package root not found');
}

/** The package root (holds package.json, harness/, workloads/, results/ ...), found on first use. */
export function packageRoot(): string {
  root ??= findRoot();
  return root;
}

/** Absolute path inside the package root. */
export function rootPath(...parts: string[]): string {
  return resolve(packageRoot(), ...parts);
}

/** faasmark's cache directory (toolchains, wasmtime, compiled components): env FAASMARK_CACHE, else ~/.cache/faasmark. */
export function faasmarkCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.FAASMARK_CACHE ? resolve(env.FAASMARK_CACHE) : join(env.HOME || homedir(), '.cache', 'faasmark');
}

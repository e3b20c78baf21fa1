/**
 * Shared by the wasmtime-engine tests (not a test file): the wasmtime CLI (tests that need it
 * FAIL in CI — env CI=true, `.ci/run` installs it — and skip with the reason locally), the
 * fixture component built from test/fixtures/components/handler.wat with npm packages only
 * (cached by content hash), a private .cwasm cache, and the wasmtime processes a pid owns.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { findWasmtime } from '../../../platforms/external/wasmtime-cli.js';
import { OWNER_ENV } from '../../../platforms/external/wasmtime-serve.js';

const IN_CI = process.env.CI === 'true' || process.env.CI === '1';
const FIXTURE_DIR = fileURLToPath(new URL('../../fixtures/components/', import.meta.url));

/** The wasmtime CLI faasmark would use, or undefined. */
export const WASMTIME = findWasmtime(undefined)?.path;

const MISSING =
  'no wasmtime CLI: bash scripts/install-wasmtime.sh (or env FAASMARK_WASMTIME=/path/to/wasmtime)';

/** `{skip}` for test(): a reason locally when wasmtime is missing; never in CI (the test fails there). */
export const skipWithoutWasmtime: { skip: string | false } = { skip: WASMTIME || IN_CI ? false : MISSING };

/** The binary, or a failed assertion (in CI, where nothing may be skipped). */
export function needWasmtime(): string {
  if (!WASMTIME) assert.fail(`wasmtime is required here (CI=true): ${MISSING}`);
  return WASMTIME;
}

/** True when `path` exists; else fails in CI or skips the test with the reason locally. */
export function needFile(t: TestContext, path: string, what: string): boolean {
  if (existsSync(path)) return true;
  const reason = `${what} not built (${path}): npm run build:workloads`;
  if (IN_CI) assert.fail(reason);
  t.skip(reason);
  return false;
}

let fixture: string | undefined;

/** The fixture component (built once per content hash of its sources and jco's version). */
export function fixtureComponent(): string {
  if (fixture) return fixture;
  const jco = readFileSync(
    fileURLToPath(new URL('../../../node_modules/@bytecodealliance/jco/package.json', import.meta.url)),
  );
  const hash = createHash('sha256')
    .update(readFileSync(join(FIXTURE_DIR, 'handler.wat')))
    .update(readFileSync(join(FIXTURE_DIR, 'world.wit')))
    .update(readFileSync(join(FIXTURE_DIR, 'build.mjs')))
    .update(jco)
    .digest('hex')
    .slice(0, 16);
  const out = join(tmpdir(), `faasmark-fixture-component-${hash}.wasm`);
  if (!existsSync(out))
    execFileSync(process.execPath, [join(FIXTURE_DIR, 'build.mjs'), out], { stdio: 'inherit' });
  fixture = out;
  return out;
}

/** A private temporary directory (a .cwasm cache, never the shared ~/.cache; a work dir), removed at exit. */
const caches: string[] = [];
export function privateCache(prefix = 'faasmark-local-wasm-cwasm-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  if (caches.length === 0) {
    process.once('exit', () => {
      for (const d of caches) rmSync(d, { recursive: true, force: true });
    });
  }
  caches.push(dir);
  return dir;
}

/** Live processes started with OWNER_ENV naming `ownerPid` (any owner when undefined). */
export function wasmtimePids(ownerPid?: number): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const env = readFileSync(`/proc/${name}/environ`, 'utf8');
      const m = new RegExp(`(?:^|\\0)${OWNER_ENV}=(\\d+):`).exec(env);
      if (!m || (ownerPid !== undefined && Number(m[1]) !== ownerPid)) continue;
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z') pids.push(Number(name));
    } catch {
      // gone while we looked
    }
  }
  return pids;
}

/**
 * Shared by the workload tests: artifact and tool checks, and a `wasmtime serve` child per
 * component. Without a build or a tool, tests that need one fail with a clear message in CI
 * (env CI=true: `.ci/run` installs and builds first) and are skipped with the reason locally.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { type IncomingHttpHeaders, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { onShutdown } from '../../core/lifecycle.js';
import { wasmtimeInstallRoot } from '../../platforms/external/wasmtime-cli.js';
import { getWorkload } from '../../workloads/registry.js';
import type { WorkloadName } from '../../workloads/types.js';

export const IN_CI = process.env.CI === 'true' || process.env.CI === '1';
export type Build = 'native' | 'wasm' | 'component';

/** Fail (CI) or skip (locally) with `reason`; returns false so callers can `return`. */
export function unavailable(t: TestContext, reason: string): false {
  if (IN_CI) assert.fail(reason);
  t.skip(reason);
  return false;
}

/** True when every named build exists; otherwise fails (CI) or skips (locally) the test. */
export function needBuilds(t: TestContext, builds: readonly [WorkloadName, Build][]): boolean {
  const missing = builds
    .filter(([name, kind]) => getWorkload(name).artifacts()[kind] === undefined)
    .map(([n, k]) => `${n}/${k}`);
  if (missing.length === 0) return true;
  return unavailable(
    t,
    `workload builds missing: ${missing.join(', ')} — run \`npm run build:workloads\` first`,
  );
}

export const BOTH = (name: WorkloadName): [WorkloadName, Build][] => [
  [name, 'native'],
  [name, 'wasm'],
];

export const ALL_BUILDS = (name: WorkloadName): [WorkloadName, Build][] => [
  ...BOTH(name),
  [name, 'component'],
];

export const WASMTIME_MISSING =
  'wasmtime not found: bash scripts/install-wasm-toolchain.sh (or env FAASMARK_WASMTIME)';

/** Every build of `name` exists and its component is being served; otherwise fails (CI) or skips the test. */
export function allBuildsServed(t: TestContext, name: WorkloadName, served: Served | undefined): boolean {
  if (!needBuilds(t, ALL_BUILDS(name))) return false;
  if (!served) return unavailable(t, WASMTIME_MISSING);
  return true;
}

/** The wasmtime CLI the tests run components with: env FAASMARK_WASMTIME, the toolchain cache, else PATH. */
export function wasmtimeBinary(): string | undefined {
  const candidates = [
    process.env.FAASMARK_WASMTIME,
    join(wasmtimeInstallRoot(), 'bin', 'wasmtime'),
    'wasmtime',
  ];
  for (const c of candidates) {
    if (!c) continue;
    if (c.includes('/') && !existsSync(c)) continue;
    if (spawnSync(c, ['--version'], { encoding: 'utf8' }).status === 0) return c;
  }
  return undefined;
}

export interface Served {
  url: string;
  /** POST `body` to the component; status, body and the headers. */
  post(body: string | Buffer): Promise<{ status: number; body: string; headers: IncomingHttpHeaders }>;
  stop(): Promise<void>;
}

/**
 * `wasmtime serve` on 127.0.0.1 (a free port) with a private compile cache, until the
 * "Serving HTTP on" line; stopped by `stop()`, by the test's `after`, and on shutdown.
 */
export async function serveComponent(wasmtime: string, path: string, serveArgs: string[]): Promise<Served> {
  const cacheDir = mkdtempSync(join(tmpdir(), 'faasmark-wasmtime-cache-'));
  const cacheConfig = join(cacheDir, 'cache.toml');
  writeFileSync(cacheConfig, `[cache]\ndirectory = ${JSON.stringify(join(cacheDir, 'entries'))}\n`);
  const args = ['serve', '--addr', '127.0.0.1:0', '-C', `cache-config=${cacheConfig}`, ...serveArgs, path];
  const child: ChildProcess = spawn(wasmtime, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  const stop = async () => {
    if (!exited) {
      const gone = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await gone;
      clearTimeout(timer);
    }
    rmSync(cacheDir, { recursive: true, force: true });
  };
  const unregister = onShutdown(`wasmtime serve ${path} (pid ${child.pid})`, stop);
  const url = await new Promise<string>((resolve, reject) => {
    let stderr = '';
    const timer = setTimeout(
      () => reject(new Error(`wasmtime serve did not start in 120 s: ${stderr}`)),
      120_000,
    );
    child.stderr?.on('data', (c: Buffer) => {
      stderr += c.toString('utf8');
      const m = /Serving HTTP on (http:\/\/[0-9.]+:\d+)/.exec(stderr);
      if (m) {
        clearTimeout(timer);
        resolve(`${m[1]}/`);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`wasmtime serve exited (${code}): ${stderr}`));
    });
  }).catch(async (err) => {
    await stop();
    unregister();
    throw err;
  });
  child.stderr?.resume();
  return {
    url,
    post(body) {
      return new Promise((resolve, reject) => {
        const headers = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) };
        const req = request(url, { method: 'POST', agent: false, headers }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              body: Buffer.concat(chunks).toString('utf8'),
              headers: res.headers,
            }),
          );
          res.on('error', reject);
        });
        req.on('error', reject);
        req.end(body);
      });
    },
    async stop() {
      await stop();
      unregister();
    },
  };
}

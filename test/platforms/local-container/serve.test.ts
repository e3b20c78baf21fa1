/**
 * `faasmark serve`: strict flag parsing (unspawned), and a spawned server that
 * prints its URL, serves, and on SIGINT stops every executor process it started (no orphans).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { UsageError } from '../../../core/errors.js';
import { parseServeFlags } from '../../../harness/cli/commands/serve/index.js';
import { runCli } from '../../helpers/cli.js';
import { FIXTURES, fixtureWorkload, pidsWith } from './helpers.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

describe('faasmark serve flags', () => {
  test('builds the platform entry from flags', () => {
    const plan = parseServeFlags('local-container', {
      workload: 'aes',
      keepAlive: '10s',
      routing: 'newest',
      port: '0',
      executor: 'process',
      maxConcurrency: '4',
      overflow: 'queue',
    });
    assert.deepEqual(plan, {
      platform: 'local-container',
      workload: 'aes',
      config: {
        name: 'local-container',
        port: 0,
        keepAlive: 10,
        routing: 'newest',
        executor: 'process',
        maxConcurrency: 4,
        overflow: 'queue',
      },
    });
  });
  const bad: Array<[string, string, Record<string, string>, RegExp]> = [
    ['unknown platform', 'spin', { workload: 'aes' }, /platform must be one of local-wasm, local-container/],
    ['missing workload', 'local-wasm', {}, /--workload is required/],
    [
      'bad keep-alive',
      'local-container',
      { workload: 'aes', keepAlive: '10x' },
      /--keep-alive must be a duration/,
    ],
    [
      'bad routing',
      'local-container',
      { workload: 'aes', routing: 'lru' },
      /--routing must be one of mru, newest, random/,
    ],
    [
      'port out of range',
      'local-wasm',
      { workload: 'aes', port: '70000' },
      /--port must be an integer >= 0 <= 65535/,
    ],
    [
      'keep-alive on wasm',
      'local-wasm',
      { workload: 'aes', keepAlive: '10' },
      /--keep-alive does not apply to local-wasm/,
    ],
    [
      'workers on container',
      'local-container',
      { workload: 'aes', workers: '2' },
      /--workers does not apply to local-container/,
    ],
    [
      'bad executor',
      'local-container',
      { workload: 'aes', executor: 'vm' },
      /--executor must be one of auto, process, docker/,
    ],
  ];
  for (const [name, platform, flags, re] of bad) {
    test(`rejects ${name}`, () => {
      assert.throws(
        () => parseServeFlags(platform, flags),
        (err: unknown) => err instanceof UsageError && re.test(err.message),
      );
    });
  }
  test('--executor docker without a reachable engine exits 2 naming the fix, before anything starts', async () => {
    const saved = process.env.DOCKER_HOST;
    process.env.DOCKER_HOST = `unix://${join(tmpdir(), `fm-no-engine-${randomUUID()}.sock`)}`;
    try {
      const r = await runCli(['serve', 'local-container', '--workload', 'aes', '--executor', 'docker']);
      assert.equal(r.code, 2);
      assert.match(
        r.stderr,
        /error\[FM_MISSING_TOOL\]: required tool not found: a Docker engine \(nothing answers on unix:\/\//,
      );
      assert.match(r.stderr, /hint: .*bash scripts\/setup-docker\.sh/);
      assert.equal(r.stdout, '', 'no URL printed');
    } finally {
      if (saved === undefined) delete process.env.DOCKER_HOST;
      else process.env.DOCKER_HOST = saved;
    }
  });

  test('bad input exits 2 before starting anything', async () => {
    const r = await runCli(['serve', 'local-container', '--workload', 'aes', '--routing', 'lru']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--routing must be one of/);
    assert.equal(r.stdout, '');
  });
});

/** Spawn `faasmark serve`, wait for its URL line. */
async function spawnServe(args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'harness/bin.ts'), 'serve', ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.once('line', (line) => resolve(line.trim()));
    void exited.then((code) => reject(new Error(`serve exited early (${code}): ${stderr}`)));
  });
  return { child, url, exited, stderr: () => stderr };
}

describe('faasmark serve (spawned)', () => {
  test('local-container: prints its URL, serves, and SIGINT leaves no executor process behind', async () => {
    const tag = randomUUID();
    const dir = mkdtempSync(join(tmpdir(), 'faasmark-serve-'));
    const config = join(dir, 'platform.json');
    writeFileSync(
      config,
      JSON.stringify({
        name: 'local-container',
        executor: 'process',
        workloads: { fx: fixtureWorkload(tag) },
      }),
    );
    const { child, url, exited } = await spawnServe([
      'local-container',
      '--workload',
      'fx',
      '--keep-alive',
      '60',
      '--config',
      config,
    ]);
    try {
      assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/fx$/);
      const answers = await Promise.all(
        [1, 2, 3].map(async () => (await fetch(url, { method: 'POST', body: '{"sleepMs":100}' })).status),
      );
      assert.deepEqual(answers, [200, 200, 200]);
      assert.equal(pidsWith(tag).length, 3, 'three executors (one per concurrent request)');
      child.kill('SIGINT');
      assert.equal(await exited, 130);
      assert.deepEqual(pidsWith(tag), [], 'no orphans');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      for (const pid of pidsWith(tag)) process.kill(pid, 'SIGKILL');
    }
  });

  test('local-wasm: serves a module and stops on SIGINT', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'faasmark-serve-'));
    const config = join(dir, 'platform.yaml');
    writeFileSync(config, `name: local-wasm\nworkloads:\n  echo:\n    wasm: ${FIXTURES}wasi/echo.wasm\n`);
    const { child, url, exited } = await spawnServe([
      'local-wasm',
      '--workload',
      'echo',
      '--workers',
      '1',
      '--config',
      config,
    ]);
    try {
      const res = await fetch(url, { method: 'POST', body: '{"x":1}' });
      assert.equal(res.status, 200);
      assert.deepEqual(await res.json(), { x: 1 });
      assert.ok(res.headers.get('x-faasmark-activation'));
      child.kill('SIGINT');
      assert.equal(await exited, 130);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});

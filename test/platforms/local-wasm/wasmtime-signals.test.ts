/**
 * What faasmark leaves when it ends mid-point with engine wasmtime: after SIGINT (the cleanups
 * of core/lifecycle.ts run) or an uncaught error (the exit hook) no wasmtime process of it is
 * left; after SIGKILL (nothing runs) its
 * wasmtime processes outlive it, and the next faasmark sweeps them as it starts its own
 * (core/ownership.ts sweepOrphans).
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  fixtureComponent,
  needWasmtime,
  privateCache,
  skipWithoutWasmtime,
  wasmtimePids,
} from './wasmtime-helpers.js';

const SCRIPT = fileURLToPath(new URL('./wasmtime-child.ts', import.meta.url));

/** Running (a zombie is not: it holds no resources, only an exit status nobody collected). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** Start the stand-in; resolves with it and the wasmtime pids it printed once ready. */
async function startChild(
  cacheDir: string,
  mode?: 'crash',
): Promise<{ child: ChildProcess; pids: number[]; stderr: () => string }> {
  const workDir = privateCache('faasmark-local-wasm-child-');
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      SCRIPT,
      needWasmtime(),
      fixtureComponent(),
      cacheDir,
      workDir,
      ...(mode ? [mode] : []),
    ],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  let stdout = '';
  for await (const chunk of child.stdout as NodeJS.ReadableStream) {
    stdout += String(chunk);
    if (stdout.includes('\n')) break;
  }
  const m = /^ready ([\d ]+)\n/.exec(stdout);
  assert.ok(m, `the child did not get ready: ${stdout}${stderr}`);
  return { child, pids: (m[1] as string).split(' ').map(Number), stderr: () => stderr };
}

describe('local-wasm engine wasmtime: signals and crashes of faasmark', () => {
  test('SIGINT mid-point: exit 130 and no wasmtime process of it left', skipWithoutWasmtime, async () => {
    const { child, pids, stderr } = await startChild(privateCache());
    try {
      assert.equal(pids.length, 2, 'one wasmtime serve per workload');
      await new Promise((resolve) => setTimeout(resolve, 200)); // requests in flight
      child.kill('SIGINT');
      const [code] = await once(child, 'exit');
      assert.equal(code, 130, stderr());
      assert.deepEqual(pids.filter(alive), [], 'every wasmtime serve is gone');
      assert.deepEqual(wasmtimePids(child.pid), []);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      for (const pid of pids.filter(alive)) process.kill(pid, 'SIGKILL');
    }
  });

  test(
    'an uncaught error mid-point: the exit hook kills every wasmtime serve of it',
    skipWithoutWasmtime,
    async () => {
      const { child, pids, stderr } = await startChild(privateCache(), 'crash');
      try {
        const [code] = await once(child, 'exit');
        assert.notEqual(code, 0);
        assert.match(stderr(), /deliberate crash mid-point/);
        assert.deepEqual(pids.filter(alive), [], 'no wasmtime serve outlives the crash');
      } finally {
        if (child.exitCode === null) child.kill('SIGKILL');
        for (const pid of pids.filter(alive)) process.kill(pid, 'SIGKILL');
      }
    },
  );

  test(
    'SIGKILL mid-point: its wasmtime processes outlive it, and the next start sweeps them',
    skipWithoutWasmtime,
    async () => {
      const cacheDir = privateCache();
      const first = await startChild(cacheDir);
      let second: Awaited<ReturnType<typeof startChild>> | undefined;
      try {
        await new Promise((resolve) => setTimeout(resolve, 200));
        first.child.kill('SIGKILL');
        await once(first.child, 'exit');
        assert.deepEqual(first.pids.filter(alive), first.pids, 'nothing ran: they are orphans now');
        second = await startChild(cacheDir);
        assert.deepEqual(first.pids.filter(alive), [], 'the next start swept them');
        assert.match(second.stderr(), new RegExp(`left by faasmark pid ${first.child.pid}`));
        second.child.kill('SIGINT');
        await once(second.child, 'exit');
        assert.deepEqual(second.pids.filter(alive), []);
      } finally {
        for (const c of [first.child, second?.child])
          if (c && c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
        for (const pid of [...first.pids, ...(second?.pids ?? [])].filter(alive))
          process.kill(pid, 'SIGKILL');
      }
    },
  );
});

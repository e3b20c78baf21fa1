/**
 * Who cleans up Docker executors (docs/embedded-platforms.md "Ownership"), with real faasmark
 * child processes: SIGINT or SIGTERM of `faasmark serve` leaves 0 of its containers; a SIGKILL of
 * `faasmark run` mid-point leaves them (no cleanup can run) and the next start sweeps them; the
 * sweep spares a live owner's containers; a user without access to the socket gets one bad-input
 * error (exit 2). Engine-dependent (docker-helpers.ts: fails when CI=true and there is none).
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runCleanups } from '../../../core/lifecycle.js';
import { DEFAULT_IMAGE } from '../../../platforms/local-container/config.js';
import { engineSocket } from '../../../platforms/local-container/docker/engine.js';
import {
  LABEL_OWNER_PID,
  LABEL_OWNER_PIDNS,
  LABEL_OWNER_START,
  pidNamespace,
  processStartTime,
} from '../../../platforms/local-container/docker/ownership.js';
import { create } from '../../../platforms/local-container/index.js';
import {
  containersOfPid,
  engineIfReady,
  removeContainersOfPid,
  requireDocker,
  until,
} from './docker-helpers.js';
import { context, fixtureWorkload } from './helpers.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'fm-docker-own-'));
const children: ChildProcess[] = [];

after(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await runCleanups();
  const engine = await engineIfReady();
  if (engine)
    for (const pid of [process.pid, ...children.map((c) => c.pid as number)])
      await removeContainersOfPid(engine, pid);
  rmSync(dir, { recursive: true, force: true });
});

/** `faasmark <args>` from source, as a child process; its stderr collected. */
function faasmark(args: string[], options: { uid?: number; gid?: number } = {}) {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'harness/bin.ts'), ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, HOME: options.uid === undefined ? process.env.HOME : tmpdir() },
    ...options,
  });
  children.push(child);
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exited, stderr: () => stderr };
}

describe('Docker executors are owned: nothing outlives faasmark', () => {
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    test(`${signal} of \`faasmark serve\` with live containers leaves 0 of its containers`, async (t) => {
      const engine = await requireDocker(t);
      if (!engine) return;
      const config = join(dir, `serve-${signal}.json`);
      writeFileSync(
        config,
        JSON.stringify({
          name: 'local-container',
          executor: 'docker',
          workloads: { fx: fixtureWorkload(randomUUID()) },
        }),
      );
      const serve = faasmark([
        'serve',
        'local-container',
        '--workload',
        'fx',
        '--keep-alive',
        '60',
        '--config',
        config,
      ]);
      const url = await new Promise<string>((resolve, reject) => {
        createInterface({ input: serve.child.stdout as NodeJS.ReadableStream }).once('line', (l) =>
          resolve(l.trim()),
        );
        void serve.exited.then((c) => reject(new Error(`serve exited early (${c}): ${serve.stderr()}`)));
      });
      const pid = serve.child.pid as number;
      const answers = await Promise.all(
        [1, 2, 3].map(async () => (await fetch(url, { method: 'POST', body: '{"sleepMs":300}' })).status),
      );
      assert.deepEqual(answers, [200, 200, 200]);
      assert.equal((await containersOfPid(engine, pid)).length, 3, 'one container per concurrent request');
      serve.child.kill(signal);
      assert.equal(await serve.exited, code);
      assert.deepEqual(await containersOfPid(engine, pid), [], 'every container removed before the exit');
    });
  }

  test('a SIGKILL of `faasmark run` mid-point leaves its containers; the next start sweeps them', async (t) => {
    const engine = await requireDocker(t);
    if (!engine) return;
    const aesBuilt = existsSync(join(context.buildDir, 'aes', 'native', 'aes-server'));
    const suite = join(dir, 'kill.yaml');
    writeFileSync(
      suite,
      [
        'name: kill-docker',
        'seed: 5',
        'warmup: 500ms',
        'duration: 60s',
        'drainTimeout: 5s',
        'requestTimeout: 10s',
        'arrivalRate: 4',
        'keepAlive: 30',
        'workloads: [aes]',
        'modelInputs: {source: given, given: {aes: {warm: 0.002, cold: 0.3}}}',
        'platforms:',
        '  - name: local-container',
        '    executor: docker',
        // the fixture server stands in for aes when aes is not built
        ...(aesBuilt ? [] : [`    workloads: {aes: ${JSON.stringify(fixtureWorkload('kill'))}}`]),
        '',
      ].join('\n'),
    );
    const run = faasmark(['run', suite, '--out', join(dir, 'kill-run'), '--no-report']);
    const pid = run.child.pid as number;
    await until(
      async () =>
        /\[1\/1\] local-container/.test(run.stderr()) && (await containersOfPid(engine, pid)).length > 0,
      60_000,
      `a container of faasmark run (pid ${pid}) mid-point; stderr: ${run.stderr()}`,
    );
    const before = await containersOfPid(engine, pid);
    run.child.kill('SIGKILL');
    await run.exited;
    // a SIGKILL runs no cleanup: they stay until a start sweeps them — this one's, or that of a
    // test file running in parallel (any platform start with Docker executors sweeps)
    const left = await containersOfPid(engine, pid);
    if (left.length === 0) t.diagnostic('swept by a concurrent start before this one');
    assert.ok(left.every((id) => before.includes(id)));
    const next = await create({ name: 'local-container', executor: 'docker' }, context);
    assert.deepEqual(await containersOfPid(engine, pid), [], 'the next start removed them');
    await next.teardown();
  });

  test("the sweep spares a live owner's containers and those of another pid namespace", async (t) => {
    const engine = await requireDocker(t);
    if (!engine) return;
    const sleeper = spawn('sleep', ['60'], { stdio: 'ignore' });
    children.push(sleeper);
    const live = sleeper.pid as number;
    const labelled = async (labels: Record<string, string>) =>
      (await engine.create({ Image: DEFAULT_IMAGE, Cmd: ['/nothing'], Labels: labels })).Id;
    const alive = await labelled({
      [LABEL_OWNER_PID]: String(live),
      [LABEL_OWNER_START]: processStartTime(live) as string,
      [LABEL_OWNER_PIDNS]: pidNamespace(),
    });
    const foreign = await labelled({
      [LABEL_OWNER_PID]: '1',
      [LABEL_OWNER_START]: '0',
      [LABEL_OWNER_PIDNS]: 'pid:[1]',
    });
    const dead = await labelled({
      [LABEL_OWNER_PID]: String(live),
      [LABEL_OWNER_START]: '1',
      [LABEL_OWNER_PIDNS]: pidNamespace(),
    });
    try {
      const p = await create({ name: 'local-container', executor: 'docker' }, context);
      const ids = (await engine.list([LABEL_OWNER_PID])).map((c) => c.Id);
      assert.ok(ids.includes(alive), 'a live owner keeps its container');
      assert.ok(ids.includes(foreign), 'another pid namespace is not judged');
      assert.ok(!ids.includes(dead), 'the same pid with another start time is a dead owner');
      await p.teardown();
    } finally {
      sleeper.kill('SIGKILL');
      await Promise.all([alive, foreign, dead].map((id) => engine.remove(id)));
    }
  });

  test('a user who may not use the socket gets one bad-input error (exit 2) naming the fix; nothing starts', async (t) => {
    const engine = await requireDocker(t);
    if (!engine) return;
    const socket = engineSocket(undefined);
    if (process.getuid?.() !== 0 || (statSync(socket).mode & 0o002) !== 0) {
      t.skip('needs root (to run a child as nobody) and a socket not open to everyone');
      return;
    }
    // the child runs faasmark from this checkout as nobody: a checkout under a private directory
    // (e.g. /root, or mktemp -d's 0700) cannot be read by it, which is not what this test is about
    const readable = spawnSync(
      process.execPath,
      ['-e', `require('fs').accessSync(${JSON.stringify(join(ROOT, 'package.json'))})`],
      {
        uid: 65534,
        gid: 65534,
      },
    );
    if (readable.status !== 0) {
      t.skip(
        `the checkout at ${ROOT} is not readable by nobody (a parent directory lacks o+x); clone it where others may read it to run this test`,
      );
      return;
    }
    const serve = faasmark(['serve', 'local-container', '--workload', 'aes', '--executor', 'docker'], {
      uid: 65534,
      gid: 65534,
    });
    assert.equal(await serve.exited, 2, serve.stderr());
    assert.match(
      serve.stderr(),
      new RegExp(
        `error\\[FM_CONFIG\\]: permission denied on ${socket}: using the Docker engine needs root or the socket's group`,
      ),
    );
    assert.match(serve.stderr(), /hint: run faasmark as root, or add the user to the socket's group/);
    assert.deepEqual(await containersOfPid(engine, serve.child.pid as number), []);
  });
});

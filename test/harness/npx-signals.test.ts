/**
 * Signals reach faasmark however it was started, including `npx faasmark` (docs/architecture.md
 * "Owned processes"): `npx faasmark serve …` runs the built CLI as a child of `npm exec`;
 * SIGINT or SIGTERM sent to the npm process alone, or npm killed outright, must leave no
 * faasmark, no server and no executor running. The repository's .npmrc makes npm run the bin
 * through bash, which execs it (npm's signal forwarding then reaches faasmark); with sh as the
 * script shell the sh dies of a SIGTERM and faasmark's launcher watchdog ends it.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { rootPath } from '../../core/paths.js';
import { ensureDist } from '../helpers/dist.js';
import { descendants as liveDescendants } from '../helpers/processes.js';
import { fixtureWorkload, pidsWith } from '../platforms/local-container/helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'fm-npx-'));
const started: ChildProcess[] = [];
const tags: string[] = [];
/** Every process a test saw under npm: killed in `after` when a failing test left them. */
const seen: number[] = [];
before(async () => {
  await ensureDist();
});
after(() => {
  for (const c of started) {
    if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    c.stdout?.destroy();
    c.stderr?.destroy();
  }
  for (const pid of [...seen, ...tags.flatMap(pidsWith)]) if (alive(pid)) process.kill(pid, 'SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/** Live (non-zombie) descendants of `pid`, remembered for the final cleanup. */
function descendants(pid: number): number[] {
  const out = liveDescendants(pid);
  seen.push(...out);
  return out;
}

const alive = (pid: number) => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
};

/** `npx faasmark serve local-container` on the fixture action server; resolves once it serves. */
async function npxServe(tag: string, env: Record<string, string> = {}) {
  const config = join(dir, `platform-${tags.length}.json`);
  writeFileSync(
    config,
    JSON.stringify({
      name: 'local-container',
      executor: 'process', // process groups are what this test follows (Docker: docker-ownership.test.ts)
      workloads: { fx: fixtureWorkload(tag) },
    }),
  );
  const npm = spawn(
    'npx',
    ['faasmark', 'serve', 'local-container', '--workload', 'fx', '--keep-alive', '60', '--config', config],
    { cwd: rootPath(), env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  started.push(npm);
  let output = '';
  npm.stderr?.on('data', (d: Buffer) => {
    output += d.toString();
  });
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
    npm.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const url = await new Promise<string>((resolve, reject) => {
    npm.stdout?.once('data', (d: Buffer) => resolve(d.toString().trim().split('\n')[0] as string));
    void exited.then((e) => reject(new Error(`npx exited early (${e.code}): ${output}`)));
  });
  return { npm, url, exited, output: () => output };
}

/** npm's exit, or a failure naming what was left running after `ms`. */
async function exitWithin(s: Awaited<ReturnType<typeof npxServe>>, ms: number, what: string) {
  const timeout = sleep(ms).then(() => null);
  const exit = await Promise.race([s.exited, timeout]);
  if (exit === null) assert.fail(`npm did not exit within ${ms / 1000} s of ${what}:\n${s.output()}`);
  return exit;
}

async function serveTwo(url: string): Promise<void> {
  const answers = await Promise.all(
    [1, 2].map(async () => (await fetch(url, { method: 'POST', body: '{"sleepMs":200}' })).status),
  );
  assert.deepEqual(answers, [200, 200]);
}

async function assertAllGone(pids: number[], url: string, output: () => string): Promise<void> {
  const end = Date.now() + 10_000;
  while (pids.some(alive) && Date.now() < end) await sleep(50);
  assert.deepEqual(pids.filter(alive), [], `left running:\n${output()}`);
  await assert.rejects(fetch(url, { method: 'POST', body: '{}' }), 'the server is closed');
}

describe('signals through npx', () => {
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    it(`${signal} to the npm process stops faasmark serve and every executor`, async () => {
      const tag = randomUUID();
      tags.push(tag);
      const s = await npxServe(tag);
      await serveTwo(s.url);
      const tree = descendants(s.npm.pid as number);
      assert.equal(pidsWith(tag).length, 2, 'two executors');
      assert.ok(pidsWith(tag).every((p) => tree.includes(p)));
      s.npm.kill(signal);
      const exit = await exitWithin(s, 20_000, signal);
      assert.equal(exit.code, code, s.output());
      assert.match(s.output(), new RegExp(`${signal}: stopping and cleaning up`));
      await assertAllGone(tree, s.url, s.output);
    });
  }

  it('npm killed outright: faasmark sees its launcher gone and cleans up', async () => {
    const tag = randomUUID();
    tags.push(tag);
    const s = await npxServe(tag);
    await serveTwo(s.url);
    const tree = descendants(s.npm.pid as number);
    s.npm.kill('SIGKILL');
    await exitWithin(s, 20_000, 'SIGKILL');
    await assertAllGone(tree, s.url, s.output);
    assert.match(s.output(), /the npm process that launched faasmark \(pid \d+\) is gone/);
  });

  it('with sh as the script shell, SIGTERM to npm still stops everything (the sh dies, faasmark notices)', async () => {
    const tag = randomUUID();
    tags.push(tag);
    const s = await npxServe(tag, { npm_config_script_shell: '/bin/sh' });
    await serveTwo(s.url);
    const tree = descendants(s.npm.pid as number);
    assert.ok(
      tree.some((p) => readFileSync(`/proc/${p}/cmdline`, 'utf8').startsWith('/bin/sh\0')),
      'an sh between npm and faasmark',
    );
    s.npm.kill('SIGTERM');
    await exitWithin(s, 20_000, 'SIGTERM');
    await assertAllGone(tree, s.url, s.output);
  });
});

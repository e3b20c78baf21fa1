/** The production command runner (execa) and the log sources, on real processes and files. */
import assert from 'node:assert/strict';
import { appendFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCleanups } from '../../../core/lifecycle.js';
import { CommandLogSource, FileLogSource } from '../../../platforms/openwhisk/log-source.js';
import { execaRunner, requireTool } from '../../../platforms/openwhisk/runner.js';

const line = (tid: string, id: string, act: string) =>
  `[2026-03-05T10:00:00.000Z] [INFO] [${tid}] [ContainerPool] containerStart containerState: warmed container: Some(ContainerId(${id})) activations: 1 of max 1 action: a namespace: guest activationId: ${act}`;

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fm-owr-'));
});
after(async () => {
  await runCleanups();
  await rm(dir, { recursive: true, force: true });
});

describe('execa runner', () => {
  const runner = execaRunner();

  it('a missing binary is MissingToolError with an install hint', async () => {
    await assert.rejects(requireTool(runner, 'helm-not-installed-here', ['version']), {
      code: 'FM_MISSING_TOOL',
    });
    await assert.rejects(
      runner.run('kind-not-installed-here', ['version'], { timeout: 5 }),
      (e: Error & { hint?: string }) => {
        assert.match(e.message, /required tool not found: kind-not-installed-here/);
        return true;
      },
    );
  });

  it('returns non-zero exits, and a bounded wait ends in TimeoutError', async () => {
    const r = await runner.run('sh', ['-c', 'echo out; echo err >&2; exit 3'], { timeout: 10 });
    assert.deepEqual(r, { exitCode: 3, stdout: 'out', stderr: 'err' });
    await assert.rejects(runner.run('sleep', ['5'], { timeout: 0.2 }), { code: 'FM_TIMEOUT' });
  });

  it('follow feeds stdout line by line and stops the child', async () => {
    const lines: string[] = [];
    const h = runner.follow('sh', ['-c', 'printf "a\\nb\\nc"; sleep 30'], (l) => lines.push(l));
    for (let i = 0; i < 100 && lines.length < 2; i++) await new Promise((r) => setTimeout(r, 20));
    await h.stop();
    assert.deepEqual(lines, ['a', 'b', 'c']);
  });
});

describe('log sources', () => {
  it('file: follows appends by offset, completes partial lines, restarts after truncation', async () => {
    const f = join(dir, 'inv.log');
    await writeFile(f, `${line('#tid_1', 'c1', 'x1')}\n${line('#tid_2', 'c1', 'x2').slice(0, 40)}`);
    const src = new FileLogSource(f, 60);
    await src.refresh();
    assert.equal(src.parser.activation('x1')?.container, 'c1');
    assert.equal(src.parser.activation('x2'), undefined);
    await appendFile(f, `${line('#tid_2', 'c1', 'x2').slice(40)}\n`);
    await src.refresh();
    assert.equal(src.parser.activation('x2')?.container, 'c1');
    await writeFile(f, `${line('#tid_3', 'c2', 'x3')}\n`);
    await src.refresh();
    assert.equal(src.parser.activation('x3')?.container, 'c2');
    await src.stop();
  });

  it('command: runs the shell command on refresh; a failing command is a PlatformError', async () => {
    const f = join(dir, 'cmd.log');
    await writeFile(f, `${line('#tid_1', 'c9', 'y1')}\n`);
    const src = new CommandLogSource(execaRunner(), `cat ${f}`);
    await src.refresh();
    assert.equal(src.parser.activation('y1')?.container, 'c9');
    const bad = new CommandLogSource(execaRunner(), 'exit 4');
    await assert.rejects(bad.refresh(), { code: 'FM_PLATFORM' });
  });
});

/**
 * The built package is what gets tested: dist/ is built when missing or stale
 * (test/helpers/dist.ts), then every command of the README's tour and the `--help` of every
 * command of the program (enumerated from commander, so a new command is covered by itself)
 * run against dist/harness/bin.js — what `npx faasmark` runs after `npm ci` — from a
 * directory outside the repository. No command may end in FM_INTERNAL. Tour commands run as
 * written except where TOUR_ADJUSTMENTS gives a placeholder or a shorter form; `serve` is
 * spawned, used and stopped with SIGINT.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { Command } from 'commander';
import { rootPath } from '../../core/paths.js';
import { DIST_BIN, ensureDist } from '../helpers/dist.js';
import { captureOutput } from '../helpers/processes.js';

const work = mkdtempSync(join(tmpdir(), 'fm-dist-'));
const RUN = join(work, 'run');
const children: ChildProcess[] = [];
after(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  rmSync(work, { recursive: true, force: true });
});

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cli(args: string[], cwd = work): Promise<Result> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [DIST_BIN, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    const output = captureOutput(child);
    child.once('close', (code) => resolve({ code, stdout: output.stdout(), stderr: output.stderr() }));
  });
}

/** The tour: every `npx faasmark …` line of the README's "A short tour of the CLI". */
function tourLines(): string[] {
  const readme = readFileSync(rootPath('README.md'), 'utf8');
  const section = readme.split('## A short tour of the CLI')[1]?.split('\n## ')[0] ?? '';
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
  return block
    .split('\n')
    .map((l) => l.replace(/\s+#.*$/, '').trim())
    .filter((l) => l.startsWith('npx faasmark'));
}

/**
 * How the test runs a tour line, by its start: placeholders filled in, and shorter forms of
 * the long ones (a rehearsal run of one point, fewer profile runs, a 2 s probe). `ok` lists the
 * exit codes the README allows it (1: invalid points at a tiny scale, outdated artifacts).
 */
const TOUR_ADJUSTMENTS: { start: string; args: (words: string[]) => string[]; ok?: number[] }[] = [
  {
    start: 'run quick --scale',
    args: (w) => [...w, '--scale', '0.1', '--only', 'local-wasm', '--out', RUN, '--no-report'],
    ok: [0, 1],
  },
  { start: 'report', args: () => ['report', RUN] },
  // the rehearsal ran Wasm points only: the container's times are given beside the run
  {
    start: 'advise results/runs/',
    args: () => ['advise', RUN, '--warm', '0.02', '--cold', '0.4', '--keep-alive', '60'],
  },
  { start: 'compare', args: () => ['compare', RUN, RUN], ok: [0, 1] },
  { start: 'reproduce thesis', args: () => ['reproduce', 'thesis', '--out', join(work, 'thesis')] },
  { start: 'profile', args: (w) => [...w, '--runs', '2', '--warmup', '1', 'aes'] },
  { start: 'probe capacity', args: (w) => [...w, '--duration', '2s'] },
  {
    start: 'openwhisk parse-log',
    args: (w) =>
      w.map((x) =>
        x === 'invoker.log' ? rootPath('test/platforms/openwhisk/fixtures/invoker-kube.log') : x,
      ),
  },
  { start: 'build --check', args: (w) => w, ok: [0, 1] },
];

function planFor(line: string): { args: string[]; ok: number[] } {
  const words = line.split(/\s+/).slice(2);
  const adj = TOUR_ADJUSTMENTS.find((a) => words.join(' ').startsWith(a.start));
  const args = adj ? adj.args(words) : words;
  const placeholder = args.find((a) => /<[^>]+>/.test(a));
  assert.equal(
    placeholder,
    undefined,
    `README tour line "${line}" has a placeholder: add it to TOUR_ADJUSTMENTS`,
  );
  return { args, ok: adj?.ok ?? [0] };
}

function assertNoInternal(what: string, r: Result): void {
  assert.doesNotMatch(
    `${r.stdout}${r.stderr}`,
    /FM_INTERNAL|This is a bug in faasmark/,
    `${what}:\n${r.stderr}`,
  );
}

/** Every command path of the built program (`['openwhisk', 'probe', 'routing']`, ...). */
async function commandPaths(): Promise<string[][]> {
  const mod = (await import(pathToFileURL(rootPath('dist/harness/cli/main.js')).href)) as {
    buildProgram: () => Command;
  };
  const paths: string[][] = [];
  const walk = (cmd: Command, prefix: string[]) => {
    for (const c of cmd.commands) {
      paths.push([...prefix, c.name()]);
      walk(c, [...prefix, c.name()]);
    }
  };
  walk(mod.buildProgram(), []);
  return paths;
}

before(async () => {
  await ensureDist();
});

describe('the built CLI (dist/)', () => {
  it('--help of every command, enumerated from the program', async () => {
    const paths = await commandPaths();
    assert.ok(paths.length >= 15, `only ${paths.length} commands found`);
    const all = [[], ...paths];
    for (let i = 0; i < all.length; i += 4) {
      const batch = all.slice(i, i + 4);
      const results = await Promise.all(batch.map((p) => cli([...p, '--help'])));
      results.forEach((r, j) => {
        const p = (batch[j] as string[]).join(' ');
        assert.equal(r.code, 0, `faasmark ${p} --help: ${r.stderr}`);
        assert.match(r.stdout, new RegExp(`^Usage: faasmark ${p}`.replace(/ $/, '')), p);
        assertNoInternal(`${p} --help`, r);
      });
    }
  });

  const lines = tourLines();
  it('finds the README tour', () => {
    assert.ok(lines.length >= 15, `${lines.length} tour lines`);
    assert.ok(lines.some((l) => l.includes('spin manifest aes')));
  });

  for (const line of lines.filter((l) => !/^npx faasmark serve\b/.test(l))) {
    it(line, async () => {
      const { args, ok } = planFor(line);
      const r = await cli(args);
      assertNoInternal(line, r);
      assert.ok(ok.includes(r.code ?? -1), `${line} exited ${r.code}:\n${r.stderr}`);
      assert.notEqual(r.stdout.trim(), '', `${line} printed no answer:\n${r.stderr}`);
    });
  }

  for (const line of lines.filter((l) => /^npx faasmark serve\b/.test(l))) {
    it(`${line} (spawned, one request, SIGINT)`, async () => {
      const child = spawn(process.execPath, [DIST_BIN, ...planFor(line).args], {
        cwd: work,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      children.push(child);
      let stderr = '';
      child.stderr?.on('data', (d: Buffer) => {
        stderr += d.toString();
      });
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout?.once('data', (d: Buffer) => resolve(d.toString().split('\n')[0]?.trim() ?? ''));
        void exited.then((code) => reject(new Error(`serve exited ${code}: ${stderr}`)));
      });
      const res = await fetch(url, { method: 'POST', body: '{}' });
      assert.equal(res.status, 200, await res.text());
      child.kill('SIGINT');
      assert.equal(await exited, 130, stderr);
      assertNoInternal(line, { code: 130, stdout: '', stderr });
    });
  }

  it('no module reads an asset beside itself (dist/ holds compiled modules only: use core/paths.ts)', () => {
    const problems: string[] = [];
    const walk = (dir: string) => {
      for (const e of readdirSync(rootPath(dir), { withFileTypes: true })) {
        const rel = join(dir, e.name);
        if (e.isDirectory() && !['build', 'target', 'node_modules'].includes(e.name)) walk(rel);
        else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts')) {
          const text = readFileSync(rootPath(rel), 'utf8');
          for (const m of text.matchAll(/new URL\(\s*['"]([^'"]+)['"]\s*,\s*import\.meta\.url/g)) {
            const target = m[1] as string;
            if (!/\.(ts|js|mjs)$/.test(target) && !target.endsWith('package.json'))
              problems.push(`${rel}: ${target}`);
          }
        }
      }
    };
    for (const d of ['core', 'harness', 'platforms', 'workloads', 'analysis', 'results', 'ci']) walk(d);
    assert.deepEqual(problems, []);
  });

  it('npx faasmark runs this package', async () => {
    const r = await new Promise<Result>((resolve) => {
      const c = spawn('npx', ['faasmark', '--version'], {
        cwd: rootPath(),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      c.stdout?.on('data', (d: Buffer) => {
        stdout += d.toString();
      });
      c.once('close', (code) => resolve({ code, stdout, stderr: '' }));
    });
    const pkg = JSON.parse(readFileSync(rootPath('package.json'), 'utf8')) as { version: string };
    assert.equal(r.code, 0);
    assert.equal(r.stdout.trim(), pkg.version);
  });
});

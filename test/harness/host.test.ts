import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { gitCommit, hostFingerprint } from '../../harness/host.js';

const dir = mkdtempSync(join(tmpdir(), 'fm-host-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('host fingerprint', () => {
  it('names CPU, cores, kernel and Node', () => {
    const h = hostFingerprint();
    assert.ok(h.cpuModel.length > 0);
    assert.ok(Number.isInteger(h.cores) && h.cores >= 1);
    assert.ok(h.kernel.length > 0);
    assert.equal(h.node, process.version);
  });
});

describe('gitCommit', () => {
  it('is the HEAD of the repository rooted exactly at the given directory, else null', async () => {
    const repo = join(dir, 'repo');
    mkdirSync(join(repo, 'sub'), { recursive: true });
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'user.email=t@example.invalid', '-c', 'user.name=t', ...args], {
        cwd: repo,
        encoding: 'utf8',
      }).trim();
    git('init', '-q');
    writeFileSync(join(repo, 'f'), 'x');
    git('add', 'f');
    git('commit', '-q', '-m', 'c');
    const head = git('rev-parse', 'HEAD');
    assert.equal(await gitCommit(repo), head);
    // a package installed inside someone else's repository must not record their commit
    assert.equal(await gitCommit(join(repo, 'sub')), null);
    assert.equal(await gitCommit(join(dir)), null);
  });
});

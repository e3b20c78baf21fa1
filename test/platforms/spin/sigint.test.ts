/**
 * SIGINT while `spin up` runs: core/lifecycle.ts runs the platform's registered cleanup, so
 * the stand-in and the helper it spawned are gone when faasmark exits (code 130).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { alive, fakeSpinBinary, fixtureApp, readRecords, tempDir } from './helpers.js';

it('SIGINT stops spin up and everything it started', async () => {
  const bin = fakeSpinBinary();
  const app = fixtureApp('aes');
  const record = join(tempDir('faasmark-spin-rec-'), 'record.jsonl');
  const script = fileURLToPath(new URL('./sigint-child.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', script, bin.path, app.manifest, record], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  try {
    let stdout = '';
    for await (const chunk of child.stdout) {
      stdout += String(chunk);
      if (stdout.includes('ready')) break;
    }
    assert.match(stdout, /ready/, `child did not get ready: ${stderr}`);
    const [rec] = readRecords(record);
    assert.ok(rec && alive(rec.pid) && rec.childPid && alive(rec.childPid), 'spin and its helper run');
    child.kill('SIGINT');
    const [code] = await once(child, 'exit');
    assert.equal(code, 130, stderr);
    assert.equal(alive(rec.pid), false, 'spin up is gone');
    assert.equal(alive(rec.childPid), false, 'its helper is gone');
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
});

/**
 * `faasmark spin image`: the build context of a workload's app image (FROM scratch, /spin.toml
 * naming the .wasm at the root, the app's route and executor) and a real `docker build` whose
 * image holds exactly those files; bad flags exit 2. The context needs the aes Wasm build and
 * the build a Docker engine: both fail in CI when missing and skip locally.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it, type TestContext } from 'node:test';
import { parse as parseToml } from 'smol-toml';
import { writeAppImageContext } from '../../../platforms/spin/spinkube/app-image.js';
import { getWorkload } from '../../../workloads/registry.js';
import { runCli } from '../../helpers/cli.js';
import { needBuilds } from '../../workloads/helpers.js';
import { tempDir } from './helpers.js';

const IN_CI = process.env.CI === 'true' || process.env.CI === '1';
const TAG = `faasmark-test/spin-aes:t${process.pid}`;
let built = false;

after(() => {
  if (built) spawnSync('docker', ['rmi', '-f', TAG]);
});

function engine(t: TestContext): boolean {
  const r = spawnSync('docker', ['version', '--format', '{{.Server.Version}}'], { encoding: 'utf8' });
  if (r.status === 0) return true;
  const reason = 'no Docker engine: start dockerd';
  if (IN_CI) assert.fail(reason);
  t.skip(reason);
  return false;
}

describe('spin app image', () => {
  it('writes a FROM-scratch context: /spin.toml naming the .wasm at the root, the route and executor', (t) => {
    if (!needBuilds(t, [['aes', 'component']])) return;
    const dir = tempDir('faasmark-spinctx-');
    const c = writeAppImageContext('aes', dir);
    assert.deepEqual(readdirSync(dir).sort(), ['Dockerfile', 'aes.wasm', 'spin.toml']);
    assert.equal(
      readFileSync(join(dir, 'Dockerfile'), 'utf8'),
      'FROM scratch\nCOPY spin.toml /spin.toml\nCOPY aes.wasm /aes.wasm\n',
    );
    const toml = parseToml(readFileSync(join(dir, 'spin.toml'), 'utf8')) as {
      spin_manifest_version: number;
      trigger: { http: Array<{ route: string; component: string; executor?: { type: string } }> };
      component: Record<string, { source: string }>;
    };
    assert.equal(toml.spin_manifest_version, 2);
    // the wasi:http proxy component (Spin's own executor), the file `spin up` runs on bare metal
    assert.deepEqual(JSON.parse(JSON.stringify(toml.trigger.http)), [{ route: '/aes', component: 'aes' }]);
    assert.equal(toml.component.aes?.source, 'aes.wasm');
    const wasmPath = getWorkload('aes').artifacts().component?.path;
    assert.ok(wasmPath);
    assert.ok(
      readFileSync(join(dir, 'aes.wasm')).equals(readFileSync(wasmPath)),
      'the very build bare metal runs',
    );
    assert.deepEqual(c, { dir, route: '/aes', wasm: 'aes.wasm', executor: 'http' });
  });

  it('builds with docker: the image holds /spin.toml and /aes.wasm, nothing to pull', async (t) => {
    if (!needBuilds(t, [['aes', 'component']]) || !engine(t)) return;
    const r = await runCli(['spin', 'image', 'aes', '--tag', TAG, '--json']);
    assert.equal(r.code, 0, r.stderr);
    built = true;
    const doc = JSON.parse(r.stdout) as { image: string; imageId: string; route: string };
    assert.equal(doc.image, TAG);
    assert.match(doc.imageId, /^sha256:[a-f0-9]{64}$/);
    const created = spawnSync('docker', ['create', TAG, '/'], { encoding: 'utf8' });
    assert.equal(created.status, 0, created.stderr);
    const id = created.stdout.trim();
    try {
      const out = tempDir('faasmark-spinimg-');
      for (const f of ['spin.toml', 'aes.wasm']) {
        const cp = spawnSync('docker', ['cp', `${id}:/${f}`, join(out, f)], { encoding: 'utf8' });
        assert.equal(cp.status, 0, cp.stderr);
      }
      assert.match(readFileSync(join(out, 'spin.toml'), 'utf8'), /source = "aes\.wasm"/);
    } finally {
      spawnSync('docker', ['rm', '-f', id]);
    }
  });

  it('bad input exits 2 with one message and nothing on stdout (table)', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['spin', 'image', 'nope'], /unknown workload|nope/],
      [['spin', 'image', 'aes', '--tag', 'x/y:latest'], /--tag needs a tag other than latest/],
      [
        ['spin', 'image', 'aes', '--tag', `x/y@sha256:${'a'.repeat(64)}`],
        /--tag must be an image name with a tag/,
      ],
      [['spin', 'image', 'aes', '--tag', 'Bad Name'], /--tag must be an image name/],
    ];
    for (const [args, re] of cases) {
      const r = await runCli(args);
      assert.equal(r.code, 2, args.join(' '));
      assert.match(r.stderr, re);
      assert.equal(r.stdout, '');
    }
  });
});

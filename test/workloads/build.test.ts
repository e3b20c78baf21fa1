/**
 * workloads/build.ts: incremental (the built tree is up to date: a dry run skips all twelve
 * artifacts), offline (a fresh build directory built with no network: `unshare -n`, the
 * vendored crates copied in), its records and messages, and the packaging that points at the
 * artifacts (spin.toml, the OpenWhisk image context). FAASMARK_LONG=1 also builds the Rust
 * wasm artifacts offline (std from source: ~1 min more).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { rootPath } from '../../core/paths.js';
import { buildRecordPath, buildWorkloads, formatOutcome } from '../../workloads/build.js';
import { artifactPaths, DEFAULT_BUILD_DIR } from '../../workloads/registry.js';
import { WORKLOAD_NAMES } from '../../workloads/types.js';
import { ALL_BUILDS, needBuilds, unavailable } from './helpers.js';

describe('build:workloads', () => {
  it('finds every built artifact up to date (dry run: nothing would be rebuilt), each with its record', async (t) => {
    if (
      !needBuilds(
        t,
        WORKLOAD_NAMES.flatMap((w) => ALL_BUILDS(w)),
      )
    )
      return;
    const outcomes = await buildWorkloads({ dryRun: true });
    assert.equal(outcomes.length, 12);
    assert.deepEqual(
      outcomes.filter((o) => o.status !== 'skipped').map((o) => `${o.workload}/${o.build}:${o.status}`),
      [],
    );
    const record = JSON.parse(readFileSync(buildRecordPath(artifactPaths('aes').component), 'utf8'));
    assert.match(record.inputsSha256, /^[0-9a-f]{64}$/);
    assert.match(record.tools['rust-web'], /rustc-web \S+; rust-web-src \S+; wasi-libc/);
    const float = JSON.parse(readFileSync(buildRecordPath(artifactPaths('float').component), 'utf8'));
    assert.match(float.tools['componentize-py'], /componentize-py 0\.25\.1 \(bundles CPython 3\.\d+\)/);
  });

  it('builds into a fresh directory with no network once the crates are vendored, then skips', async (t) => {
    const vendor = join(DEFAULT_BUILD_DIR, 'cargo', 'vendor');
    if (!existsSync(vendor)) {
      unavailable(t, 'no vendored crates yet: run `npm run build:workloads` once');
      return;
    }
    if (spawnSync('unshare', ['-n', 'true']).status !== 0) {
      unavailable(t, 'unshare -n (a network namespace) needs root; run the tests as root');
      return;
    }
    const long = process.env.FAASMARK_LONG === '1';
    const dir = mkdtempSync(join(tmpdir(), 'faasmark-build-offline-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    cpSync(vendor, join(dir, 'cargo', 'vendor'), { recursive: true });
    const script = `
      const { buildWorkloads } = await import(${JSON.stringify(rootPath('workloads', 'build.ts'))});
      const dir = ${JSON.stringify(dir)};
      const first = await buildWorkloads({ buildDir: dir, workloads: ${long ? "['aes', 'float']" : "['float']"} });
      const native = await buildWorkloads({ buildDir: dir, workloads: ['aes'] });
      const again = await buildWorkloads({ buildDir: dir, workloads: ['aes', 'float'], dryRun: true });
      console.log(JSON.stringify({ first, native, again }));`;
    const env = { ...process.env, ...(long ? {} : { FAASMARK_RUST_WEB: join(dir, 'no-rust-web') }) };
    const r = spawnSync(
      'unshare',
      ['-n', process.execPath, '--import', 'tsx', '--input-type=module', '-e', script],
      {
        cwd: rootPath(),
        encoding: 'utf8',
        env,
        timeout: 600_000,
      },
    );
    assert.equal(r.status, 0, r.stderr);
    const { first, native, again } = JSON.parse(r.stdout.trim().split('\n').pop() as string) as Record<
      string,
      Array<{ workload: string; build: string; status: string; reason?: string }>
    >;
    const show = (os: typeof first) =>
      (os ?? []).map(
        (o) => `${o.workload}/${o.build}:${o.status}${o.reason ? ` (${o.reason.slice(0, 200)})` : ''}`,
      );
    assert.ok(
      first?.every((o) => o.status === 'built'),
      show(first).join('\n'),
    );
    // without rust-web (short form) aes's wasm steps are unavailable, its native server builds
    assert.equal(
      native?.find((o) => o.build === 'native')?.status,
      long ? 'skipped' : 'built',
      show(native).join('\n'),
    );
    const expected = long ? 'skipped' : undefined;
    for (const o of again ?? []) {
      if (o.workload === 'float' || o.build === 'native')
        assert.equal(o.status, 'skipped', show(again).join('\n'));
      else if (expected) assert.equal(o.status, expected);
    }
  });

  it('names the reason and the fix when a toolchain is missing', () => {
    const text = formatOutcome({
      workload: 'aes',
      build: 'component',
      status: 'unavailable',
      artifact: '/x/aes.wasm',
      reason: 'Debian rustc-web is not unpacked in /root/.cache/faasmark/toolchains/rust-web',
      fix: 'bash scripts/install-system-deps.sh',
      seconds: 0,
    });
    assert.match(text, /^unavailable aes\/component/);
    assert.match(text, /reason: Debian rustc-web is not unpacked/);
    assert.match(text, /fix: bash scripts\/install-system-deps\.sh/);
  });
});

describe('packaging', () => {
  it('each workloads/<w>/spin.toml (manifest v2) serves its wasi:http component on /<w>', () => {
    for (const name of WORKLOAD_NAMES) {
      const path = rootPath('workloads', name, 'spin.toml');
      const text = readFileSync(path, 'utf8');
      assert.match(text, /^spin_manifest_version = 2$/m);
      assert.match(text, new RegExp(`^route = "/${name}"$`, 'm'));
      assert.match(text, new RegExp(`^component = "${name}"$`, 'm'));
      const source = /^source = "([^"]+)"$/m.exec(text)?.[1] as string;
      assert.equal(resolve(dirname(path), source), artifactPaths(name).component, name);
      assert.doesNotMatch(text, /wagi/, `${name}: a component, not a WAGI module`);
    }
  });
});

describe('OpenWhisk blackbox image context', () => {
  for (const [name, base, cmd, file] of [
    ['aes', 'faasmark/action-base:bookworm', '/action/aes-server', 'aes-server'],
    [
      'float',
      'faasmark/python-base:3.11',
      '/usr/bin/python3.11 -I -S /action/action_server.py',
      '__pycache__/float_kernel.cpython-311.pyc',
    ],
  ] as const) {
    it(`workloads/docker/build-image.sh ${name} --context-only stages the Dockerfile and the native build`, (t) => {
      if (!needBuilds(t, [[name, 'native']])) return;
      const dir = mkdtempSync(join(tmpdir(), 'faasmark-ctx-'));
      t.after(() => rmSync(dir, { recursive: true, force: true }));
      const script = rootPath('workloads', 'docker', 'build-image.sh');
      const res = spawnSync('bash', [script, name, `faasmark/${name}:test`, '--context-only', dir], {
        encoding: 'utf8',
      });
      assert.equal(res.status, 0, res.stderr);
      assert.ok(res.stdout.includes(`BASE=${base} ACTION_CMD=${cmd}`), res.stdout);
      assert.ok(existsSync(join(dir, 'action', file)));
      const words = [...cmd.split(' '), '--port', '8080', '--host', '0.0.0.0'];
      assert.ok(
        readFileSync(join(dir, 'Dockerfile'), 'utf8').endsWith(
          `CMD ${JSON.stringify(words).replaceAll(',', ', ')}\n`,
        ),
      );
    });
  }

  it('rejects an unknown workload with exit 2 and the usage', () => {
    const bad = spawnSync('bash', [rootPath('workloads', 'docker', 'build-image.sh'), 'sha256'], {
      encoding: 'utf8',
    });
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /usage: .*<aes\|matmul\|whatlang\|float>/);
  });
});

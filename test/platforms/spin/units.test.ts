/**
 * Pure parts of the spin platform: config validation (case table), `spin --version` parsing,
 * Wasm kind detection, the instance-reuse rules, the `spin up` argument list, binary lookup,
 * and `faasmark spin version` against the stand-in.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, MissingToolError } from '../../../core/errors.js';
import {
  invocationPath,
  readSpinManifest,
  renderSpinToml,
  type SpinAppInfo,
} from '../../../platforms/spin/app.js';
import { reuseFacts, spinUpArgs } from '../../../platforms/spin/bare-metal.js';
import { resolveSpinBinary } from '../../../platforms/spin/binary.js';
import { configSchema, parseConfig } from '../../../platforms/spin/config.js';
import { parseSpinVersion, supportsInstanceReuse } from '../../../platforms/spin/version.js';
import { classifyWasm } from '../../../platforms/spin/wasm-kind.js';
import { runCli } from '../../helpers/cli.js';
import { fakeSpinBinary, fixtureApp, tempDir, wagiEchoModule } from './helpers.js';

describe('spin config', () => {
  it('fills defaults', () => {
    const c = parseConfig({ name: 'spin' });
    assert.equal(c.mode, 'bare-metal');
    assert.equal(c.pooling, true);
    assert.equal(c.startTimeout, 60);
    assert.equal(c.spinkube.executor, 'containerd-shim-spin');
    assert.equal(c.spinkube.installPrerequisites, false);
  });
  it('parses durations once, to seconds', () => {
    const c = parseConfig({
      name: 'spin',
      startTimeout: '2m',
      stopGrace: '500ms',
      instanceReuse: { idleTimeout: '1s' },
    });
    assert.equal(c.startTimeout, 120);
    assert.equal(c.stopGrace, 0.5);
    assert.equal(c.instanceReuse?.idleTimeout, 1);
  });
  it('has a schema whose name is const spin', () => {
    assert.deepEqual((configSchema.properties as Record<string, unknown>).name, { const: 'spin' });
  });
  for (const [label, raw, pattern] of [
    ['unknown key', { name: 'spin', bianry: 'x' }, /unknown key "bianry"/],
    ['bad mode', { name: 'spin', mode: 'k8s' }, /spin\.mode must be one of bare-metal, spinkube/],
    ['bad port', { name: 'spin', port: 70000 }, /spin\.port must be <= 65535/],
    ['zero instances', { name: 'spin', maxInstanceCount: 0 }, /spin\.maxInstanceCount must be >= 1/],
    ['bad duration', { name: 'spin', startTimeout: 'soon' }, /spin\.startTimeout must be a duration/],
    ['zero duration', { name: 'spin', startTimeout: 0 }, /spin\.startTimeout must be > 0/],
    [
      'bad reuse range',
      { name: 'spin', instanceReuse: { maxCount: '8..2' } },
      /instanceReuse\.maxCount must be a range lo\.\.hi/,
    ],
    ['reuse junk', { name: 'spin', instanceReuse: { maxCount: 'many' } }, /instanceReuse\.maxCount/],
    [
      'spinkube block without mode',
      { name: 'spin', spinkube: { replicas: 2 } },
      /only used with mode: spinkube/,
    ],
    [
      'replicas with autoscaling',
      { name: 'spin', mode: 'spinkube', spinkube: { replicas: 2, enableAutoscaling: true } },
      /replicas cannot be set with enableAutoscaling/,
    ],
    [
      'non-loopback endpoint',
      { name: 'spin', mode: 'spinkube', spinkube: { endpoint: 'http://10.0.0.1' } },
      /endpoint must match/,
    ],
    [
      'bad cluster type',
      { name: 'spin', mode: 'spinkube', spinkube: { cluster: { type: 'eks' } } },
      /cluster\.type must be one of/,
    ],
  ] as const) {
    it(`rejects ${label}`, () => {
      assert.throws(
        () => parseConfig(raw),
        (err: unknown) => err instanceof ConfigError && err.problems.some((p) => pattern.test(p)),
      );
    });
  }
  it('reports every problem at once', () => {
    assert.throws(
      () => parseConfig({ name: 'spin', port: 0, pooling: 'no' }),
      (err: unknown) => err instanceof ConfigError && err.problems.length === 2,
    );
  });
});

describe('spin --version', () => {
  for (const [text, expected] of [
    ['spin 3.6.2 (c0fc970 2026-02-25)\n', '3.6.2'],
    ['spin 2.4.2 (340378e 2024-04-03)', '2.4.2'],
    ['spin 1.1.0', '1.1.0'],
    ['spin 3.7.0-pre0 (abc 2026-05-01)', '3.7.0-pre0'],
  ] as const) {
    it(`parses ${JSON.stringify(text.trim())}`, () => assert.equal(parseSpinVersion(text)?.text, expected));
  }
  it('rejects other output', () => {
    assert.equal(parseSpinVersion('wasmtime 20.0.0'), undefined);
    assert.equal(parseSpinVersion(''), undefined);
  });
  it('knows where instance reuse starts (3.6.0, release notes)', () => {
    assert.equal(supportsInstanceReuse(parseSpinVersion('spin 3.5.1')!), false);
    assert.equal(supportsInstanceReuse(parseSpinVersion('spin 3.6.0')!), true);
    assert.equal(supportsInstanceReuse(parseSpinVersion('spin 4.0.2')!), true);
  });
});

/** A component preamble (version 0x0d, layer 1) followed by an import name. */
function fakeComponent(importName: string): Uint8Array {
  return Uint8Array.from([0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00, ...Buffer.from(importName)]);
}

describe('wasm kind', () => {
  it('classifies modules and components', () => {
    assert.equal(classifyWasm(wagiEchoModule()), 'core-module');
    assert.equal(classifyWasm(fakeComponent('wasi:http/incoming-handler@0.2.3')), 'component-p2');
    assert.equal(classifyWasm(fakeComponent('wasi:http/handler@0.3.0-rc-2025-09-16')), 'component-p3');
    assert.equal(classifyWasm(Uint8Array.from([1, 2, 3])), 'unknown');
  });
});

function appInfo(kind: SpinAppInfo['component']['kind'], workload = 'float'): SpinAppInfo {
  return {
    workload,
    manifestPath: '/x/spin.toml',
    origin: 'generated',
    route: `/${workload}`,
    component: { id: workload, source: '/x/a.wasm', executor: 'http', kind },
  };
}

describe('instance reuse rules', () => {
  const v = (t: string) => parseSpinVersion(`spin ${t}`)!;
  it('Spin < 3.6: no reuse, no warning', () => {
    const f = reuseFacts(v('2.4.2'), undefined, [appInfo('component-p3')]);
    assert.equal(f.settings.supported, false);
    assert.deepEqual(f.warnings, []);
  });
  it('3.6 defaults: WASIp2 and WAGI apps get a fresh instance per request, no warning', () => {
    const f = reuseFacts(v('3.6.3'), undefined, [appInfo('component-p2'), appInfo('core-module', 'aes')]);
    assert.deepEqual(f.warnings, []);
    assert.deepEqual(f.settings.freshInstancePerRequest, ['float', 'aes']);
  });
  it('3.6 defaults with a WASIp3 component: warns (128 requests per instance by default)', () => {
    const f = reuseFacts(v('3.6.3'), undefined, [appInfo('component-p3')]);
    assert.equal(f.warnings.length, 1);
    assert.match(f.warnings[0]!, /128 requests/);
  });
  it('maxCount 1 silences it; a count or range above 1 warns', () => {
    assert.deepEqual(reuseFacts(v('3.6.3'), { maxCount: 1 }, [appInfo('component-p3')]).warnings, []);
    assert.equal(reuseFacts(v('3.6.3'), { maxCount: '1..8' }, [appInfo('component-p2')]).warnings.length, 1);
    assert.equal(reuseFacts(v('3.6.3'), { maxConcurrent: 4 }, []).warnings.length, 1);
  });
});

describe('spin up arguments and routes', () => {
  it('builds the flag list', () => {
    assert.deepEqual(
      spinUpArgs({
        port: 3001,
        manifestPath: '/a/spin.toml',
        logDir: '/w/logs',
        runtimeConfigFile: '/a/rc.toml',
        pooling: false,
        instanceReuse: { maxCount: 1, maxConcurrent: '1..4', idleTimeout: 0.25 },
      }),
      [
        'up',
        '--listen',
        '127.0.0.1:3001',
        '-f',
        '/a/spin.toml',
        '--log-dir',
        '/w/logs',
        '--runtime-config-file',
        '/a/rc.toml',
        '--disable-pooling',
        '--max-instance-reuse-count',
        '1',
        '--max-instance-concurrent-reuse-count',
        '1..4',
        '--idle-instance-timeout',
        '250ms',
      ],
    );
  });
  for (const [route, path] of [
    ['/aes', '/aes'],
    ['/aes/...', '/aes'],
    ['/...', '/'],
    ['aes', '/aes'],
  ] as const) {
    it(`route ${route} is invoked at ${path}`, () => assert.equal(invocationPath(route), path));
  }
  it('generated manifests round-trip through the manifest reader', () => {
    const dir = tempDir('faasmark-spin-toml-');
    writeFileSync(join(dir, 'a.wasm'), wagiEchoModule());
    writeFileSync(join(dir, 'spin.toml'), renderSpinToml('aes', join(dir, 'a.wasm'), 'wagi', 'say "hi"'));
    const info = readSpinManifest(join(dir, 'spin.toml'), 'aes', 'generated');
    assert.equal(info.route, '/aes');
    assert.equal(info.component.executor, 'wagi');
    assert.equal(info.component.kind, 'core-module');
  });
  it('rejects manifest v1 and missing sources', () => {
    const dir = tempDir('faasmark-spin-toml-');
    writeFileSync(join(dir, 'v1.toml'), 'spin_manifest_version = "1"\nname = "x"\n');
    assert.throws(
      () => readSpinManifest(join(dir, 'v1.toml'), 'aes', 'config'),
      /spin_manifest_version must be 2/,
    );
    writeFileSync(join(dir, 'v2.toml'), renderSpinToml('aes', join(dir, 'missing.wasm'), 'wagi', 'x'));
    assert.throws(
      () => readSpinManifest(join(dir, 'v2.toml'), 'aes', 'config'),
      /missing\.wasm does not exist/,
    );
  });
});

describe('spin binary lookup', () => {
  const bin = fakeSpinBinary();
  it('config, then FAASMARK_SPIN_BIN, then PATH', () => {
    assert.deepEqual(resolveSpinBinary(bin.path, {}), { path: bin.path, source: 'config' });
    assert.deepEqual(resolveSpinBinary(undefined, { FAASMARK_SPIN_BIN: bin.path }), {
      path: bin.path,
      source: 'FAASMARK_SPIN_BIN',
    });
    assert.deepEqual(resolveSpinBinary(undefined, { PATH: `/nonexistent:${bin.dir}` }), {
      path: bin.path,
      source: 'PATH',
    });
  });
  it('missing everywhere: MissingToolError with install instructions', () => {
    assert.throws(
      () => resolveSpinBinary(undefined, { PATH: '/nonexistent' }),
      (err: unknown) =>
        err instanceof MissingToolError &&
        /no spin binary on PATH/.test(err.hint ?? '') &&
        /releases/.test(err.hint ?? ''),
    );
    assert.throws(
      () => resolveSpinBinary(fixtureApp().manifest, {}),
      (err: unknown) => err instanceof MissingToolError && /not an executable file/.test(err.hint ?? ''),
    );
  });
  it('faasmark spin version prints the version and reuse support', async () => {
    const r = await runCli(['spin', 'version', '--binary', bin.path, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.version, '3.6.3');
    assert.equal(doc.instanceReuse, true);
    const missing = await runCli(['spin', 'version', '--binary', '/nonexistent/spin']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /required tool not found: spin/);
  });
});

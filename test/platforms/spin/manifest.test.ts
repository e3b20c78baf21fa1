/**
 * SpinKube manifests against the SpinApp CRD subset (platforms/spin/spinkube/spinapp-crd-subset.json,
 * derived from spin-operator's config/crd/bases/core.spinkube.dev_spinapps.yaml) and the
 * operator's webhook rules, plus the `faasmark spin manifest` command.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import {
  renderYaml,
  runtimeClassObject,
  runtimeConfigSecretObject,
  shimExecutorObject,
  spinAppObject,
  validateSpinApp,
} from '../../../platforms/spin/spinkube/manifest.js';
import { runCli } from '../../helpers/cli.js';
import { tempDir } from './helpers.js';

const base = {
  workload: 'aes',
  image: 'registry.example/faasmark-aes:1',
  namespace: 'faasmark',
  executor: 'containerd-shim-spin',
  replicas: 1,
};

describe('SpinApp generation', () => {
  it('generates a SpinApp the CRD subset accepts, with the Spin health path as probes', () => {
    const app = spinAppObject({
      ...base,
      resources: { limits: { cpu: '500m', memory: '256Mi' } },
      runtimeConfigSecret: 's',
    });
    assert.deepEqual(validateSpinApp(app), []);
    assert.equal(app.apiVersion, 'core.spinkube.dev/v1alpha1');
    const spec = app.spec as {
      executor: string;
      replicas: number;
      runtimeConfig: unknown;
      checks: { readiness: { httpGet: { path: string } } };
    };
    assert.equal(spec.executor, 'containerd-shim-spin');
    assert.equal(spec.replicas, 1);
    assert.deepEqual(spec.runtimeConfig, { loadFromSecret: 's' });
    assert.equal(spec.checks.readiness.httpGet.path, '/.well-known/spin/health');
  });

  it('leaves replicas out with autoscaling (the HPA/KEDA owns them)', () => {
    const app = spinAppObject({ ...base, enableAutoscaling: true });
    assert.deepEqual(validateSpinApp(app), []);
    assert.equal((app.spec as Record<string, unknown>).replicas, undefined);
    assert.equal((app.spec as Record<string, unknown>).enableAutoscaling, true);
  });

  const good = spinAppObject(base);
  const withSpec = (patch: Record<string, unknown>) => ({
    ...good,
    spec: { ...(good.spec as object), ...patch },
  });
  for (const [label, object, pattern] of [
    [
      'missing image',
      { ...good, spec: { executor: 'containerd-shim-spin' } },
      /spec must have required property 'image'/,
    ],
    ['missing executor', { ...good, spec: { image: 'x' } }, /spec must have required property 'executor'/],
    [
      'replicas with autoscaling',
      withSpec({ enableAutoscaling: true }),
      /replicas cannot be set when autoscaling/,
    ],
    ['zero replicas', withSpec({ replicas: 0 }), /replicas must be > 0/],
    ['fractional replicas', withSpec({ replicas: 1.5 }), /spec\.replicas must be integer/],
    [
      'bad quantity',
      withSpec({ resources: { limits: { cpu: '5 cores' } } }),
      /limits\.cpu must be a Kubernetes quantity/,
    ],
    ['unknown spec key', withSpec({ replica: 2 }), /additional properties \(replica\)/],
    ['wrong kind', { ...good, kind: 'SpinApps' }, /kind must be equal to constant/],
    [
      'wrong group',
      { ...good, apiVersion: 'core.spinoperator.dev/v1alpha1' },
      /apiVersion must be equal to constant/,
    ],
    ['bad name', { ...good, metadata: { name: 'Faasmark_AES' } }, /metadata\.name must match pattern/],
  ] as const) {
    it(`rejects ${label}`, () => {
      const problems = validateSpinApp(object);
      assert.ok(
        problems.some((p) => pattern.test(p)),
        `${JSON.stringify(problems)} should match ${pattern}`,
      );
    });
  }

  it('renders parseable multi-document YAML (prerequisites included)', () => {
    const yaml = renderYaml(
      [
        runtimeClassObject(),
        shimExecutorObject('faasmark'),
        runtimeConfigSecretObject('rc', 'faasmark', 'x = 1\n'),
        good,
      ],
      ['header line'],
    );
    assert.ok(yaml.startsWith('# header line\n---\n'));
    const docs = parseAllDocuments(yaml).map((d) => d.toJS());
    assert.deepEqual(
      docs.map((d) => d.kind),
      ['RuntimeClass', 'SpinAppExecutor', 'Secret', 'SpinApp'],
    );
    assert.equal(docs[0].handler, 'spin');
    assert.equal(Buffer.from(docs[2].data['runtime-config.toml'], 'base64').toString(), 'x = 1\n');
    assert.doesNotMatch(yaml, /[&*]a\d/, 'no YAML anchors/aliases');
  });
});

describe('faasmark spin manifest', () => {
  it('prints a valid SpinApp YAML with the scaling note', async () => {
    const r = await runCli([
      'spin',
      'manifest',
      'whatlang',
      '--image',
      'reg.example/w:1',
      '--replicas',
      '3',
      '--cpu-limit',
      '250m',
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /HPA\/KEDA/);
    const [app] = parseAllDocuments(r.stdout).map((d) => d.toJS());
    assert.deepEqual(validateSpinApp(app), []);
    assert.equal(app.metadata.name, 'faasmark-whatlang');
    assert.equal(app.spec.replicas, 3);
    assert.equal(app.spec.resources.limits.cpu, '250m');
  });

  it('--json and --with-prerequisites and --runtime-config-file', async () => {
    const dir = tempDir('faasmark-spin-cli-');
    const rc = join(dir, 'runtime-config.toml');
    writeFileSync(rc, '[key_value_store.default]\ntype = "spin"\n');
    const r = await runCli([
      'spin',
      'manifest',
      'float',
      '--autoscaling',
      '--with-prerequisites',
      '--runtime-config-file',
      rc,
      '--json',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.schemaVersion, 1);
    assert.deepEqual(
      doc.objects.map((o: { kind: string }) => o.kind),
      ['Namespace', 'RuntimeClass', 'SpinAppExecutor', 'Secret', 'SpinApp'],
    );
    const app = doc.objects[4];
    assert.equal(app.spec.enableAutoscaling, true);
    assert.equal(app.spec.runtimeConfig.loadFromSecret, 'faasmark-float-runtime-config');
    assert.equal(app.spec.image, 'faasmark/spin-float:local');
  });

  for (const [argv, pattern] of [
    [['spin', 'manifest', 'nope'], /unknown workload "nope"/],
    [['spin', 'manifest', 'aes', '--replicas', '0'], /--replicas must be an integer >= 1/],
    [['spin', 'manifest', 'aes', '--replicas', '2x'], /--replicas must be/],
    [
      ['spin', 'manifest', 'aes', '--replicas', '2', '--autoscaling'],
      /cannot be combined with --autoscaling/,
    ],
    [['spin', 'manifest', 'aes', '--memory-limit', 'lots'], /--memory-limit must be a Kubernetes quantity/],
    [['spin', 'manifest', 'aes', '--namespace', 'Bad_NS'], /namespace must match \^.*, got "Bad_NS"/],
    [
      ['spin', 'manifest', 'aes', '--runtime-config-file', '/nonexistent.toml'],
      /--runtime-config-file: .* does not exist/,
    ],
  ] as const) {
    it(`exits 2 for ${argv.slice(2).join(' ')}`, async () => {
      const r = await runCli([...argv]);
      assert.equal(r.code, 2);
      assert.equal(r.stdout, '', 'nothing half-written on stdout');
      assert.match(r.stderr, pattern);
    });
  }
});

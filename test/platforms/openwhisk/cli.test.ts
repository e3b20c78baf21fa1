/** `faasmark openwhisk …` run unspawned: answers on stdout, bad input → exit 2 naming the flag. */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { parseProbeTarget, parseValuesFlags } from '../../../harness/cli/commands/openwhisk/index.js';
import { validateValues } from '../../../platforms/openwhisk/values.js';
import { runCli } from '../../helpers/cli.js';
import { FakeOpenWhisk } from './fake-openwhisk.js';

const kubeLog = fileURLToPath(new URL('./fixtures/invoker-kube.log', import.meta.url));
let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fm-owc-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('faasmark openwhisk values', () => {
  it('prints YAML valid against the chart-subset schema', async () => {
    const r = await runCli([
      'openwhisk',
      'values',
      '--keep-alive',
      '30',
      '--invoker-image',
      'faasmark/invoker-mru:ef725a6',
      '--single-node',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const values = parse(r.stdout) as Record<string, unknown>;
    assert.deepEqual(validateValues(values), []);
    assert.match(r.stdout, /idle-container=20000ms/);
    assert.match(r.stdout, /imageName: faasmark\/invoker-mru/);
  });

  it('--single-node turns the affinity off; an invoker image pinned by digest is accepted', async () => {
    const d = `sha256:${'f'.repeat(64)}`;
    const r = await runCli([
      'openwhisk',
      'values',
      '--keep-alive',
      '30',
      '--single-node',
      '--invoker-image',
      `ghcr.io/me/invoker@${d}`,
      '--json',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const { values } = JSON.parse(r.stdout) as { values: Record<string, Record<string, unknown>> };
    assert.deepEqual(validateValues(values), []);
    assert.match(
      values.invoker?.options as string,
      /-Dwhisk\.kubernetes\.user-pod-node-affinity\.enabled=false/,
    );
    assert.equal(values.affinity?.enabled, false);
    assert.equal(
      `${values.invoker?.imageName}:${values.invoker?.imageTag}`,
      `ghcr.io/me/invoker:pinned@${d}`,
    );
    const multi = await runCli(['openwhisk', 'values', '--keep-alive', '30']);
    assert.doesNotMatch(multi.stdout, /affinity/);
  });

  it('--json gives one document with the split', async () => {
    const r = await runCli(['openwhisk', 'values', '--keep-alive', '5', '--pause-grace', '1', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout) as { schemaVersion: number; keepAlive: unknown };
    assert.equal(doc.schemaVersion, 1);
    assert.deepEqual(doc.keepAlive, { pauseGrace: 1, idleContainer: 4 });
  });

  it('bad flags exit 2 naming the flag (table)', async () => {
    const cases: Array<[string[], RegExp]> = [
      [[], /--keep-alive is required/],
      [['--keep-alive', '0'], /--keep-alive must be a number > 0, got "0"/],
      [['--keep-alive', '30', '--pause-grace', '30'], /--pause-grace must be < --keep-alive/],
      [['--keep-alive', '30', '--user-memory', '12x'], /--user-memory must be an integer >= 256/],
      [
        ['--keep-alive', '30', '--invoker-image', 'img@sha256:abc'],
        /--invoker-image must be an image reference/,
      ],
    ];
    for (const [args, re] of cases) {
      const r = await runCli(['openwhisk', 'values', ...args]);
      assert.equal(r.code, 2, args.join(' '));
      assert.match(r.stderr, re);
      assert.equal(r.stdout, '');
    }
    assert.throws(() => parseValuesFlags({ keepAlive: '30', apiHostPort: '70000' }), /--api-host-port/);
  });
});

describe('faasmark openwhisk parse-log', () => {
  it('prints spans and per-activation states (table and --json)', async () => {
    const t = await runCli(['openwhisk', 'parse-log', kubeLog, '--action', 'faasmark-aes']);
    assert.equal(t.code, 0, t.stderr);
    assert.match(t.stdout, /wskowdev-invoker-00-3-guest-faasmarkaes .*open/);
    const j = await runCli(['openwhisk', 'parse-log', kubeLog, '--action', 'faasmark-aes', '--json']);
    const doc = JSON.parse(j.stdout) as {
      spans: Array<{ container: string; created: string; deleted: string | null; activations: string[] }>;
      activations: unknown[];
    };
    assert.equal(doc.spans.length, 2);
    assert.deepEqual(doc.spans[0], {
      container: 'wskowdev-invoker-00-2-guest-faasmarkaes',
      created: '2026-03-05T18:24:20.105Z',
      createdFromMarker: true,
      deleted: '2026-03-05T18:25:22.990Z',
      actions: ['faasmark-aes'],
      activations: ['act-aes-1', 'act-aes-2'],
      prewarmed: false,
    });
    assert.equal(doc.activations.length, 4);
  });

  it('a missing or foreign file is bad input (exit 2)', async () => {
    const missing = await runCli(['openwhisk', 'parse-log', join(dir, 'nope.log')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /cannot read invoker log .*ENOENT/);
    const foreign = join(dir, 'foreign.log');
    await writeFile(foreign, 'hello\nworld\n');
    const r = await runCli(['openwhisk', 'parse-log', foreign]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /no line has the invoker log format/);
  });
});

describe('faasmark openwhisk probe', () => {
  it('needs the key from env, never a flag, and the log for routing (table)', () => {
    const env = { FAASMARK_OW_AUTH: 'u:k' };
    const base = { apiHost: 'http://127.0.0.1:1', action: 'a' };
    assert.throws(() => parseProbeTarget(base, {}, false), /FAASMARK_OW_AUTH/);
    assert.throws(() => parseProbeTarget({ action: 'a' }, env, false), /--api-host is required/);
    assert.throws(() => parseProbeTarget({ apiHost: 'http://h:1' }, env, false), /--action is required/);
    assert.throws(() => parseProbeTarget(base, env, true), /needs the invoker log/);
    assert.throws(
      () => parseProbeTarget({ ...base, invokerLog: 'f', invokerLogCommand: 'c' }, env, true),
      /not both/,
    );
    assert.deepEqual(parseProbeTarget({ ...base, invokerLogCommand: 'cat x' }, env, true).invokerLog, {
      command: 'cat x',
    });
  });

  it('keep-alive probe end to end against the fake (--json)', async () => {
    const auth = 'cli-uuid:cli-key-0001';
    const fake = new FakeOpenWhisk({ auth, keepAlive: 0.2, coldStartMs: 5, runMs: 2, storeDelayMs: 2 });
    const apiHost = await fake.start();
    fake.actions.set('probe', { name: 'probe' });
    const prev = process.env.FAASMARK_OW_AUTH;
    process.env.FAASMARK_OW_AUTH = auth;
    try {
      const r = await runCli([
        'openwhisk',
        'probe',
        'keep-alive',
        '--api-host',
        apiHost,
        '--action',
        'probe',
        '--min-gap',
        '0.05',
        '--max-gap',
        '1',
        '--resolution',
        '0.05',
        '--json',
      ]);
      assert.equal(r.code, 0, r.stderr);
      const doc = JSON.parse(r.stdout) as { probe: string; keepAlive: number };
      assert.equal(doc.probe, 'keep-alive');
      // bracket is exact on the fake's clock (see probes.test.ts); the midpoint is within it
      assert.ok(doc.keepAlive > 0.1 && doc.keepAlive < 0.45, r.stdout);
      assert.ok(!(r.stdout + r.stderr).includes('cli-key-0001'));
    } finally {
      if (prev === undefined) delete process.env.FAASMARK_OW_AUTH;
      else process.env.FAASMARK_OW_AUTH = prev;
      await fake.stop();
    }
  });
});

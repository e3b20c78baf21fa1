/** The openwhisk suite entry: defaults, env auth, chart source, image references, a case table of bad entries. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkWorkloads, parseConfig } from '../../../platforms/openwhisk/config.js';
import { DEPLOY_KUBE_COMMIT } from '../../../platforms/openwhisk/pins.js';

const AUTH = 'uuid-1:key-SECRET-1234';

describe('openwhisk config', () => {
  it('fills defaults and takes auth from FAASMARK_OW_AUTH', () => {
    const c = parseConfig({ name: 'openwhisk', apiHost: 'http://127.0.0.1:3233/' }, 'openwhisk', {
      FAASMARK_OW_AUTH: AUTH,
    });
    assert.equal(c.mode, 'existing');
    assert.equal(c.auth, AUTH);
    assert.equal(c.apiHost, 'http://127.0.0.1:3233');
    assert.equal(c.namespace, '_');
    assert.equal(c.poll.concurrency, 16);
    assert.equal(c.helm.release, 'owdev');
    assert.equal(c.cluster.provider, 'kind');
  });

  it('rejects bad entries with dot paths, never echoing the key (table)', () => {
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ name: 'openwhisk' }, /openwhisk\.apiHost is required in mode existing/],
      [{ name: 'openwhisk', apiHost: 'http://h:1' }, /auth is required/],
      [{ name: 'openwhisk', apiHost: 'ftp://h', auth: AUTH }, /openwhisk\.apiHost must match/],
      [
        { name: 'openwhisk', apiHost: 'http://h:1', auth: 'no-colon-SECRET-1234' },
        /openwhisk\.auth must look like <uuid>:<key>/,
      ],
      [{ name: 'openwhisk', apiHost: 'http://h:1', auth: AUTH, invokerLog: { path: 'x' } }, /invokerLog/],
      [
        { name: 'openwhisk', apiHost: 'http://h:1', auth: AUTH, actions: { aes: { image: 'a', zip: 'b' } } },
        /actions\.aes/,
      ],
      [
        { name: 'openwhisk', mode: 'kubernetes', cluster: { provider: 'context' } },
        /cluster\.context is required/,
      ],
      [{ name: 'openwhisk', mode: 'kubernetes', loadInvokerImage: true }, /needs invokerImage/],
      [{ name: 'openwhisk', apiHost: 'http://h:1', auth: AUTH, bogus: 1 }, /openwhisk: unknown key "bogus"/],
      [
        { name: 'openwhisk', apiHost: 'http://h:1', auth: AUTH, poll: { initialDelay: 5, maxDelay: 1 } },
        /poll\.initialDelay must be <= poll\.maxDelay \(1\), got 5/,
      ],
      [
        { name: 'openwhisk', mode: 'kubernetes', cluster: { provider: 'k3s' }, loadActionImages: true },
        /loadActionImages applies to cluster\.provider kind/,
      ],
      [
        { name: 'openwhisk', mode: 'kubernetes', helm: { chartVersion: '1.0.1' } },
        /helm\.chartVersion applies to a repository chart/,
      ],
      [
        {
          name: 'openwhisk',
          mode: 'kubernetes',
          helm: { chart: 'openwhisk/openwhisk', git: { commit: DEPLOY_KUBE_COMMIT } },
        },
        /helm\.git cannot be combined with helm\.chart/,
      ],
      [
        { name: 'openwhisk', mode: 'kubernetes', helm: { git: { commit: 'master' } } },
        /helm\.git\.commit must be a full 40-hex commit id/,
      ],
      [
        { name: 'openwhisk', mode: 'kubernetes', invokerImage: 'Faasmark/Invoker' },
        /invokerImage must match/,
      ],
      [{ name: 'openwhisk', mode: 'kubernetes', invokerImage: 'x@sha256:123' }, /invokerImage must match/],
      [
        {
          name: 'openwhisk',
          mode: 'kubernetes',
          actions: { aes: { image: `x/aes@sha256:${'a'.repeat(64)}` } },
        },
        /actions\.aes\.image has a digest, which OpenWhisk drops from blackbox images/,
      ],
      [
        {
          name: 'openwhisk',
          mode: 'kubernetes',
          loadActionImages: true,
          actions: { aes: { image: 'faasmark/aes' } },
        },
        /actions\.aes\.image must have a tag other than latest when loaded into kind/,
      ],
    ];
    for (const [entry, re] of cases) {
      assert.throws(
        () => parseConfig(entry, 'openwhisk', {}),
        (e: Error & { code?: string }) => {
          assert.equal(e.code, 'FM_CONFIG');
          assert.match(e.message, re);
          assert.ok(!e.message.includes('SECRET'));
          return true;
        },
        JSON.stringify(entry),
      );
    }
  });

  it('accepts an invoker image pinned by digest, and digest action images that kind loads', () => {
    const d = `sha256:${'e'.repeat(64)}`;
    const c = parseConfig(
      {
        name: 'openwhisk',
        mode: 'kubernetes',
        invokerImage: `ghcr.io/me/openwhisk-invoker@${d}`,
        loadInvokerImage: true,
        loadActionImages: true,
        actions: { aes: { image: `ghcr.io/me/aes@${d}` } },
      },
      'openwhisk',
      {},
    );
    assert.equal(c.invokerImage, `ghcr.io/me/openwhisk-invoker@${d}`);
  });

  it('defaults the chart to the pinned openwhisk-deploy-kube commit', () => {
    const c = parseConfig({ name: 'openwhisk', mode: 'kubernetes' }, 'openwhisk', {});
    assert.deepEqual(c.helm.git, {
      url: 'https://github.com/apache/openwhisk-deploy-kube.git',
      commit: DEPLOY_KUBE_COMMIT,
      path: 'helm/openwhisk',
    });
    assert.equal(c.helm.chart, undefined);
    const repo = parseConfig(
      {
        name: 'openwhisk',
        mode: 'kubernetes',
        helm: { chart: 'openwhisk/openwhisk', chartVersion: '1.0.0' },
      },
      'openwhisk',
      {},
    );
    assert.equal(repo.helm.git, undefined);
  });

  it('checkWorkloads: every workload of the suite needs an action, named in the problem', () => {
    const c = parseConfig(
      { name: 'openwhisk', mode: 'kubernetes', actions: { aes: { image: 'faasmark/aes:n' } } },
      'openwhisk',
      {},
    );
    assert.deepEqual(checkWorkloads(c, ['aes'], 'x.yaml: platforms[0]'), []);
    const problems = checkWorkloads(c, ['aes', 'float'], 'x.yaml: platforms[0]');
    assert.equal(problems.length, 1);
    assert.match(
      problems[0] as string,
      /^x\.yaml: platforms\[0\]\.actions\.float is missing: the suite runs float/,
    );
  });
});

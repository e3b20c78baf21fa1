/** The openwhisk suite entry: defaults, env auth, and a case table of bad entries. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseConfig } from '../../../platforms/openwhisk/config.js';

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
});

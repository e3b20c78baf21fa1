/** The redaction mechanism (core/secrets.ts): declared keys, registered values, every form they travel in. */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import {
  clearSecrets,
  isSecretKey,
  REDACTED,
  redactConfig,
  registerConfigSecrets,
  registerEnvSecrets,
  registerKubeconfigSecrets,
  registerSecret,
  scrub,
  scrubValues,
  secretsOf,
} from '../../core/secrets.js';

afterEach(() => clearSecrets());

const AUTH =
  '23bc46b1-71f6-4ed5-8c54-816aa4f8c502:123zO3xZCLrMN6v2BKK1dXYFpXlPkccOFqm12CdAsMgRU4VrNZ9lyGVCGuMDGIwP';

describe('secret keys', () => {
  for (const [key, secret] of [
    ['auth', true],
    ['FAASMARK_OW_AUTH', true],
    ['apiKey', true],
    ['api_key', true],
    ['GITHUB_TOKEN', true],
    ['SPIN_VARIABLE_DB_PASSWORD', true],
    ['clientSecret', true],
    ['credentials', true],
    ['apiHost', false],
    ['XAUTHORITY', false],
    ['keepAlive', false],
    ['kubeconfig', false],
    ['insecure', false],
    ['authorTag', false],
  ] as const) {
    it(`${key} is ${secret ? '' : 'not '}a secret key`, () => assert.equal(isSecretKey(key), secret));
  }
});

describe('scrub', () => {
  it('replaces a registered value and its base64, URL-encoded and split forms', () => {
    registerSecret(AUTH);
    const [uuid, key] = AUTH.split(':') as [string, string];
    const text = [
      `auth ${AUTH}`,
      `Basic ${Buffer.from(AUTH).toString('base64')}`,
      `q=${encodeURIComponent(AUTH)}`,
      `uuid ${uuid}`,
      `key ${key}`,
    ].join('\n');
    const out = scrub(text);
    assert.ok(!out.includes(uuid) && !out.includes(key), out);
    assert.equal(out.split(REDACTED).length - 1, 5, out);
  });

  it('replaces URL credentials and Authorization headers without knowing them', () => {
    const out = scrub(
      'GET https://alice:s3cr3t-pw@registry.example/v2 failed; authorization: Bearer abc.def-ghi',
    );
    assert.equal(
      out,
      `GET https://${REDACTED}@registry.example/v2 failed; authorization: Bearer ${REDACTED}`,
    );
  });

  it('ignores values too short to be told from ordinary text', () => {
    registerSecret('true');
    registerSecret('abc:def');
    assert.equal(scrubValues('{"ok":true,"v":"abc:def"}'), '{"ok":true,"v":"abc:def"}');
  });

  it('registers secret-named environment variables, not others', () => {
    registerEnvSecrets({
      MY_API_TOKEN: 'tok-0123456789',
      AUTH_MODE: 'production',
      HOME: '/root/home-dir',
    });
    assert.equal(scrub('tok-0123456789 production /root/home-dir'), `${REDACTED} production /root/home-dir`);
  });

  it('registers the credentials of a kubeconfig', () => {
    registerKubeconfigSecrets(
      'users:\n- name: u\n  user:\n    token: kube-token-0123456789\n    client-key-data: LS0tLS1CRUdJTiBSU0E=\n',
    );
    assert.equal(scrub('kube-token-0123456789 LS0tLS1CRUdJTiBSU0E='), `${REDACTED} ${REDACTED}`);
  });
});

describe('configs', () => {
  const schema = {
    type: 'object',
    properties: {
      key: { type: 'string', writeOnly: true },
      env: { type: 'object', additionalProperties: { type: 'string' } },
      nested: { type: 'object', properties: { hidden: { type: 'string', writeOnly: true } } },
    },
  } as const;
  const config = {
    key: 'declared-writeonly-value',
    apiHost: 'https://user:url-password@api.example',
    env: { RUST_LOG: 'info', SERVICE_TOKEN: 'env-token-value-1' },
    nested: { hidden: 'nested-hidden-value' },
    keep: true,
    list: [{ password: 'list-password-1' }],
  };

  it('finds writeOnly values, secret-named keys and URL credentials', () => {
    const found = secretsOf(config, schema);
    for (const s of [
      'declared-writeonly-value',
      'env-token-value-1',
      'nested-hidden-value',
      'list-password-1',
      'url-password',
    ])
      assert.ok(found.includes(s), `${s} in ${found.join(', ')}`);
    assert.ok(!found.includes('info'));
  });

  it('redacts a copy for the results, leaving everything else as written', () => {
    const red = redactConfig(config, schema);
    assert.deepEqual(red, {
      key: REDACTED,
      apiHost: `https://${REDACTED}@api.example`,
      env: { RUST_LOG: 'info', SERVICE_TOKEN: REDACTED },
      nested: { hidden: REDACTED },
      keep: true,
      list: [{ password: REDACTED }],
    });
    assert.equal(config.key, 'declared-writeonly-value', 'the config itself is untouched');
  });

  it('registered config secrets are scrubbed from any text', () => {
    registerConfigSecrets(config, schema);
    const out = scrub(JSON.stringify(config));
    for (const s of ['declared-writeonly-value', 'env-token-value-1', 'nested-hidden-value', 'url-password'])
      assert.ok(!out.includes(s), out);
    JSON.parse(out);
  });
});

describe('secrets inside command lines', () => {
  it('finds and scrubs secret-named flags and assignments, leaving other flags alone', () => {
    const command =
      'LOG_TOKEN=tok-assign-123 kubectl logs -f pod --token=tok-flag-4567 --password pw-space-890 -n ow';
    const found = secretsOf({ invokerLog: { command } });
    assert.deepEqual(found.sort(), ['pw-space-890', 'tok-assign-123', 'tok-flag-4567']);
    assert.equal(
      scrub(command),
      `LOG_TOKEN=${REDACTED} kubectl logs -f pod --token=${REDACTED} --password ${REDACTED} -n ow`,
    );
    assert.deepEqual(redactConfig({ args: ['--token=tok-flag-4567', '--port', '8080'] }), {
      args: [`--token=${REDACTED}`, '--port', '8080'],
    });
  });
});

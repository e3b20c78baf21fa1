/**
 * The action protocol of the native builds (workloads/types.ts): /init, /run, errors as
 * 502 with {"error"}, 404/405, the body cap (413), and the server surviving bad requests.
 * Run against one Rust server (aes) and the CPython server (float).
 */
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, describe, it } from 'node:test';
import { type ActionServer, startActionServer } from '../../platforms/direct/native-runner.js';
import { MAX_BODY_BYTES } from '../../workloads/registry.js';
import { BOTH, needBuilds } from './helpers.js';

/** One raw HTTP/1.1 exchange on a fresh connection; resolves to status and body. */
function raw(port: number, head: string, body = ''): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let data = '';
    socket.on('data', (c) => {
      data += c.toString('utf8');
    });
    socket.on('end', () => {
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(data)?.[1] ?? 0);
      resolve({ status, body: data.slice(data.indexOf('\r\n\r\n') + 4) });
    });
    socket.on('error', reject);
    socket.write(`${head}\r\nhost: 127.0.0.1\r\nconnection: close\r\n\r\n${body}`);
  });
}

function post(path: string, body: string): string {
  return `POST ${path} HTTP/1.1\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}`;
}

for (const name of ['aes', 'float'] as const) {
  describe(`${name} action server`, () => {
    let server: ActionServer | undefined;
    after(async () => {
      await server?.stop();
    });

    it('speaks /init and /run, answers errors with 502 {"error"} and keeps serving', async (t) => {
      if (!needBuilds(t, BOTH(name))) return;
      server = await startActionServer(name);
      const port = server.port;
      assert.deepEqual(await raw(port, post('/init', '{}'), '{}'), { status: 200, body: '{"ok":true}' });
      const bad = name === 'aes' ? '{"value":{"iterations":0}}' : '{"value":{"n":0}}';
      const failed = await raw(port, post('/run', bad), bad);
      assert.equal(failed.status, 502);
      assert.match(JSON.parse(failed.body).error, /must be an integer in \[1, /);
      const junk = await raw(port, post('/run', '{"value":'), '{"value":');
      assert.equal(junk.status, 502);
      assert.match(JSON.parse(junk.body).error, /JSON/);
      assert.equal((await raw(port, 'GET /run HTTP/1.1')).status, 405);
      assert.equal((await raw(port, post('/elsewhere', '{}'), '{}')).status, 404);
      const tooBig = await raw(port, `POST /run HTTP/1.1\r\ncontent-length: ${MAX_BODY_BYTES + 1}`);
      assert.equal(tooBig.status, 413);
      // still alive, and defaults apply when value is absent
      const ok = await raw(port, post('/run', '{}'), '{}');
      assert.equal(ok.status, 200);
      assert.ok(JSON.parse(ok.body).x !== undefined || JSON.parse(ok.body).roundTrip === true);
    });
  });
}

describe('WASI modules under WAGI (REQUEST_METHOD set, as Spin runs them)', () => {
  it('write CGI headers first, with status 502 on error', async (t) => {
    if (!needBuilds(t, [['matmul', 'wasm']])) return;
    const { invokeWasmRaw } = await import('../../platforms/direct/wasm-runner.js');
    const env = { REQUEST_METHOD: 'POST' };
    const ok = await invokeWasmRaw('matmul', '{"n":2}', { env });
    assert.equal(ok.status, 200);
    assert.match(ok.body, /^content-type: application\/json\n\n\{"c00":/);
    const bad = await invokeWasmRaw('matmul', '{"n":0}', { env });
    assert.equal(bad.status, 502);
    assert.match(bad.body, /^content-type: application\/json\nstatus: 502\n\n\{"error":/);
    const plain = await invokeWasmRaw('matmul', '{"n":2}');
    assert.match(plain.body, /^\{"c00":/);
  });
});

/**
 * The float workload's native build: a Node action server speaking the OpenWhisk action
 * protocol (workloads/types.ts): `POST /init` → {"ok":true}; `POST /run` {"value": input}
 * → result JSON, or 502 {"error"}. Prints {"listening":port} when ready. Bundled by
 * workloads/build.ts into build/float/native/float-server.mjs (no imports left but node:*).
 * Usage: node float-server.mjs [--port P] [--host H]   (default 8080, 127.0.0.1)
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { handleFloat } from './kernel.js';

const MAX_BODY_BYTES = 2 * 1024 * 1024;

function parseArgs(argv: string[]): { port: number; host: string } {
  let port = 8080;
  let host = '127.0.0.1';
  for (let i = 0; i < argv.length; i += 2) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (flag === '--port' && value !== undefined && /^\d+$/.test(value) && Number(value) <= 65535)
      port = Number(value);
    else if (flag === '--host' && value !== undefined) host = value;
    else {
      process.stderr.write(
        `error: unknown or malformed argument ${JSON.stringify(flag)}; usage: float-server [--port P] [--host H]\n`,
      );
      process.exit(2);
    }
  }
  return { port, host };
}

function send(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/** The body, or null when it exceeds MAX_BODY_BYTES (the rest is drained, not stored). */
function readBody(req: IncomingMessage): Promise<string | null> {
  return new Promise((resolve, reject) => {
    if (Number(req.headers['content-length'] ?? 0) > MAX_BODY_BYTES) {
      resolve(null);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) tooLarge = true;
      if (!tooLarge) chunks.push(chunk);
    });
    req.on('end', () => resolve(tooLarge ? null : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** The `/run` body {"value": input} → the workload's input JSON text. */
function unwrapValue(body: string): { ok: true; input: string } | { ok: false; error: string } {
  if (body.trim() === '') return { ok: true, input: '' };
  try {
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      return { ok: false, error: '/run body must be a JSON object {"value": input}' };
    }
    const value = (parsed as { value?: unknown }).value;
    return { ok: true, input: value === undefined ? '' : JSON.stringify(value) };
  } catch (err) {
    return { ok: false, error: `invalid JSON: ${err instanceof Error ? err.message : String(err)}` };
  }
}

const { port, host } = parseArgs(process.argv.slice(2));
const server = createServer(async (req, res) => {
  try {
    const path = (req.url ?? '').split('?')[0];
    if (path !== '/init' && path !== '/run') {
      send(
        res,
        404,
        JSON.stringify({ error: 'not found: the action protocol serves POST /init and POST /run' }),
      );
      return;
    }
    if (req.method !== 'POST') {
      send(res, 405, JSON.stringify({ error: 'use POST' }));
      return;
    }
    const body = await readBody(req);
    if (body === null) {
      res.shouldKeepAlive = false;
      send(res, 413, JSON.stringify({ error: `request body larger than ${MAX_BODY_BYTES} bytes` }));
      return;
    }
    if (path === '/init') {
      send(res, 200, '{"ok":true}');
      return;
    }
    const unwrapped = unwrapValue(body);
    if (!unwrapped.ok) {
      send(res, 502, JSON.stringify({ error: unwrapped.error }));
      return;
    }
    const [status, result] = handleFloat(unwrapped.input);
    send(res, status, result);
  } catch (err) {
    if (!res.headersSent)
      send(res, 502, JSON.stringify({ error: err instanceof Error ? err.message : String(err) }));
  }
});
server.listen(port, host, () => {
  const address = server.address();
  const actual = typeof address === 'object' && address !== null ? address.port : port;
  process.stdout.write(`${JSON.stringify({ listening: actual })}\n`);
});
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

#!/usr/bin/env node
// A stand-in for the `spin` CLI (the real one cannot be installed on these machines), used by
// the spin platform tests through the adapter's production code path. It accepts the flags
// faasmark passes (`up --listen H:P -f spin.toml --log-dir D [--runtime-config-file F]
// [--disable-pooling] [--max-instance-reuse-count N] [--max-instance-concurrent-reuse-count N]
// [--idle-instance-timeout T]`, and `--version`), rejects unknown ones like clap does, reads the
// manifest v2, answers Spin's health path, and serves each [[trigger.http]] route: WAGI modules
// are really executed with node:wasi, a fresh instance per request (request body on stdin, CGI
// environment, headers + blank line + body on stdout); components get a canned JSON answer.
//
// Controlled by env (tests only):
//   FAKE_SPIN_VERSION=3.6.3        version printed by --version (reuse flags need >= 3.6)
//   FAKE_SPIN_FAIL_START=msg       print "Error: msg" on stderr and exit 1 before listening
//   FAKE_SPIN_FORCE_IN_USE=1       fail as Spin does when the listen address is taken
//   FAKE_SPIN_HANG=1               never listen
//   FAKE_SPIN_START_DELAY_MS=n     listen only after n ms
//   FAKE_SPIN_CRASH_AFTER=n        serve n app requests, then exit 101 on the next one
//   FAKE_SPIN_REQUEST_DELAY_MS=n   hold every app request n ms before running it (an instance is
//                                  busy meanwhile: above SPIN_MAX_INSTANCE_COUNT busy instances the
//                                  stand-in answers an empty 500 and logs the limit, as Spin does)
//   FAKE_SPIN_IGNORE_SIGTERM=1     ignore SIGTERM (the adapter must escalate to SIGKILL)
//   FAKE_SPIN_CHILD=1              spawn a helper process in the same process group
//   FAKE_SPIN_RECORD=file          append {argv, env, pid, childPid} as one JSON line
import { spawn } from 'node:child_process';
import {
  appendFileSync,
  closeSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { WASI } from 'node:wasi';
import { parse as parseToml } from 'smol-toml';

const env = process.env;
const version = env.FAKE_SPIN_VERSION ?? '3.6.3';
const [major, minor] = version.split('.').map(Number);
const argv = process.argv.slice(2);

function fail(message, code = 1) {
  process.stderr.write(`${message}\n`);
  process.exit(code);
}

if (argv[0] === '--version' || argv[0] === '-V') {
  process.stdout.write(`spin ${version} (fake000 2026-01-01)\n`);
  process.exit(0);
}
if (argv[0] !== 'up') fail(`error: unrecognized subcommand '${argv[0] ?? ''}'`, 2);

const withValue = new Set(['--listen', '-f', '--from', '--runtime-config-file', '--log-dir', '-L']);
const reuseFlags = new Set([
  '--max-instance-reuse-count',
  '--max-instance-concurrent-reuse-count',
  '--idle-instance-timeout',
]);
const opts = {};
for (let i = 1; i < argv.length; i++) {
  const a = argv[i];
  if (a === '--disable-pooling') opts.disablePooling = true;
  else if (withValue.has(a) || (reuseFlags.has(a) && (major > 3 || (major === 3 && minor >= 6)))) {
    if (i + 1 >= argv.length) fail(`error: a value is required for '${a} <VALUE>' but none was supplied`, 2);
    opts[a] = argv[++i];
  } else fail(`error: unexpected argument '${a}' found`, 2);
}
const listen = opts['--listen'] ?? '127.0.0.1:3000';
const manifestPath = opts['-f'] ?? opts['--from'] ?? 'spin.toml';
const runtimeConfig = opts['--runtime-config-file'];
if (runtimeConfig) {
  try {
    parseToml(readFileSync(runtimeConfig, 'utf8'));
  } catch (err) {
    fail(`Error: failed to read runtime config file ${runtimeConfig}: ${err.message}`);
  }
}

let childPid = null;
if (env.FAKE_SPIN_CHILD === '1') {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  childPid = child.pid;
}
if (env.FAKE_SPIN_RECORD) {
  const spinEnv = Object.fromEntries(
    Object.entries(env).filter(([k]) => k.startsWith('SPIN_') || k === 'RUST_LOG'),
  );
  appendFileSync(
    env.FAKE_SPIN_RECORD,
    `${JSON.stringify({ argv, env: spinEnv, pid: process.pid, childPid })}\n`,
  );
}
if (env.FAKE_SPIN_IGNORE_SIGTERM === '1') process.on('SIGTERM', () => {});
if (env.FAKE_SPIN_FAIL_START) fail(`Error: ${env.FAKE_SPIN_FAIL_START}`);
if (env.FAKE_SPIN_FORCE_IN_USE === '1') {
  fail(
    `Error: ${listen} is already in use. To have Spin search for a free port, use the --find-free-port option.`,
  );
}

let manifest;
try {
  manifest = parseToml(readFileSync(manifestPath, 'utf8'));
} catch (err) {
  fail(`Error: Failed to load manifest from "${manifestPath}": ${err.message}`);
}
if (manifest.spin_manifest_version !== 2) fail(`Error: unsupported manifest version in ${manifestPath}`);

const routes = [];
for (const trigger of manifest.trigger?.http ?? []) {
  const component = manifest.component?.[trigger.component];
  if (!component) fail(`Error: trigger references unknown component '${trigger.component}'`);
  const source = isAbsolute(component.source)
    ? component.source
    : resolve(dirname(manifestPath), component.source);
  let bytes;
  try {
    bytes = readFileSync(source);
  } catch {
    fail(`Error: failed to read component source ${source}`);
  }
  const wagi = trigger.executor?.type === 'wagi';
  const module = wagi ? await WebAssembly.compile(bytes) : null;
  const prefix = String(trigger.route).replace(/\/?\.\.\.$/, '');
  routes.push({
    route: trigger.route,
    prefix: prefix === '' ? '/' : prefix,
    id: trigger.component,
    wagi,
    module,
  });
}

const scratch = mkdtempSync(join(tmpdir(), 'fake-spin-'));
let served = 0;
let inFlight = 0;
// the pooling allocator's instance cap (crates/core/src/lib.rs: SPIN_WASMTIME_INSTANCE_COUNT, else SPIN_MAX_INSTANCE_COUNT, default 1000)
const instanceCap = Number(env.SPIN_WASMTIME_INSTANCE_COUNT ?? env.SPIN_MAX_INSTANCE_COUNT ?? 1000);
let nextFile = 0;
const crashAfter =
  env.FAKE_SPIN_CRASH_AFTER === undefined ? Number.POSITIVE_INFINITY : Number(env.FAKE_SPIN_CRASH_AFTER);

/** Run a WAGI module once: fresh instance, body on stdin, CGI env, parse headers/body from stdout. */
function runWagi(route, req, body) {
  const n = nextFile++;
  const inPath = join(scratch, `in-${n}`);
  const outPath = join(scratch, `out-${n}`);
  writeFileSync(inPath, body);
  const inFd = openSync(inPath, 'r');
  const outFd = openSync(outPath, 'w+');
  try {
    const url = new URL(req.url, `http://${listen}`);
    const wasi = new WASI({
      version: 'preview1',
      args: [route.id],
      env: {
        REQUEST_METHOD: req.method,
        PATH_INFO: url.pathname.slice(route.prefix === '/' ? 0 : route.prefix.length),
        SCRIPT_NAME: route.prefix,
        QUERY_STRING: url.search.replace(/^\?/, ''),
        CONTENT_LENGTH: String(body.length),
        CONTENT_TYPE: req.headers['content-type'] ?? '',
        SERVER_NAME: url.hostname,
        SERVER_PORT: url.port,
        SERVER_PROTOCOL: 'HTTP/1.1',
        X_FULL_URL: url.href,
        X_MATCHED_ROUTE: route.route,
      },
      stdin: inFd,
      stdout: outFd,
      stderr: 2,
      returnOnExit: true,
    });
    const instance = new WebAssembly.Instance(route.module, { wasi_snapshot_preview1: wasi.wasiImport });
    const code = wasi.start(instance);
    const out = readFileSync(outPath);
    if (code !== 0) return { status: 500, headers: {}, body: Buffer.from(`module exited with ${code}`) };
    const text = out.toString('latin1');
    const split = text.search(/\r?\n\r?\n/);
    if (split < 0) return { status: 500, headers: {}, body: Buffer.from('WAGI output has no header block') };
    const headers = {};
    let status = 200;
    for (const line of text.slice(0, split).split(/\r?\n/)) {
      const i = line.indexOf(':');
      if (i <= 0) continue;
      const name = line.slice(0, i).trim().toLowerCase();
      const value = line.slice(i + 1).trim();
      if (name === 'status') status = Number.parseInt(value, 10);
      else headers[name] = value;
    }
    const sep = /\r?\n\r?\n/.exec(text);
    return { status, headers, body: out.subarray(split + sep[0].length) };
  } finally {
    closeSync(inFd);
    closeSync(outFd);
    rmSync(inPath, { force: true });
    rmSync(outPath, { force: true });
  }
}

const server = createServer((req, res) => {
  const path = new URL(req.url, 'http://x').pathname;
  if (path === '/.well-known/spin/health') {
    res.end('OK');
    return;
  }
  const route = routes
    .filter((r) => path === r.prefix || path.startsWith(r.prefix === '/' ? '/' : `${r.prefix}/`))
    .sort((a, b) => b.prefix.length - a.prefix.length)[0];
  if (!route) {
    res.writeHead(404).end('Not Found');
    return;
  }
  served++;
  if (inFlight >= instanceCap) {
    // Spin's answer when the pooling allocator is exhausted: an empty 500, the cause only in its log
    process.stderr.write(
      `ERROR spin_trigger_http::server: Error processing request: maximum concurrent component instance limit of ${instanceCap} reached\n`,
    );
    res.writeHead(500).end();
    return;
  }
  if (served > crashAfter) {
    process.stderr.write(
      "thread 'tokio-runtime-worker' panicked: fake crash requested by FAKE_SPIN_CRASH_AFTER\n",
    );
    req.socket.destroy();
    process.exit(101);
  }
  const chunks = [];
  let size = 0;
  req.on('data', (c) => {
    size += c.length;
    if (size <= 1 << 20) chunks.push(c);
  });
  inFlight++;
  res.on('close', () => inFlight--);
  req.on('end', async () => {
    const delay = Number(env.FAKE_SPIN_REQUEST_DELAY_MS ?? 0);
    if (delay > 0) await new Promise((r) => setTimeout(r, delay));
    if (!route.wagi) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ standIn: true, component: route.id }));
      return;
    }
    const answer = runWagi(route, req, Buffer.concat(chunks));
    res.writeHead(answer.status, answer.headers);
    res.end(answer.body);
  });
});

const [host, portText] = [
  listen.slice(0, listen.lastIndexOf(':')),
  listen.slice(listen.lastIndexOf(':') + 1),
];
server.on('error', (err) => {
  if (err.code === 'EADDRINUSE') {
    fail(
      `Error: ${listen} is already in use. To have Spin search for a free port, use the --find-free-port option.`,
    );
  }
  fail(`Error: Unable to listen on ${listen}: ${err.message}`);
});
process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));
process.on('SIGINT', () => process.exit(0));
if (env.FAKE_SPIN_IGNORE_SIGTERM !== '1') process.on('SIGTERM', () => process.exit(0));

function start() {
  server.listen(Number(portText), host, () => {
    const base = `http://${listen}`;
    const lines = [
      `Logging component stdio to "${opts['--log-dir'] ?? '.spin/logs'}/"`,
      '',
      `Serving ${base}`,
      'Available Routes:',
    ];
    for (const r of routes)
      lines.push(
        `  ${r.id}: ${base}${r.prefix === '/' ? '' : r.prefix}${r.route.endsWith('...') ? ' (wildcard)' : ''}`,
      );
    process.stdout.write(`${lines.join('\n')}\n`);
  });
}

if (env.FAKE_SPIN_HANG === '1') setInterval(() => {}, 1000);
else if (env.FAKE_SPIN_START_DELAY_MS) setTimeout(start, Number(env.FAKE_SPIN_START_DELAY_MS));
else start();

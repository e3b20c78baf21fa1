/**
 * Native executor lifecycle for one workload: spawn its action server (`command ...args
 * --port 0`), wait for the `{"listening":P}` line, then `POST /init` and `POST /run`
 * over one keep-alive connection. Every server is registered with core/lifecycle.ts
 * and stopped (SIGTERM, then SIGKILL after a grace period) by `stop()` or on shutdown.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { Agent, request } from 'node:http';
import { BuildError, PlatformError, TimeoutError } from '../../core/errors.js';
import { onShutdown } from '../../core/lifecycle.js';
import { ownChild } from '../../core/ownership.js';
import { artifactPaths, DEFAULT_BUILD_DIR, getWorkload } from '../../workloads/registry.js';
import type { WorkloadName } from '../../workloads/types.js';
import { parseResponse, type WasmResponse } from './wasm-runner.js';

export interface ActionServer {
  name: WorkloadName;
  port: number;
  pid: number;
  /** Seconds from spawn to the `listening` line. */
  startSeconds: number;
  init(): Promise<void>;
  /** POST /run {"value": input}: raw status and body (workload errors are 502, not thrown). */
  runRaw(input: unknown): Promise<WasmResponse>;
  /** POST /run and parse: resolves to the result, rejects with PlatformError on 502. */
  run(input: unknown): Promise<unknown>;
  stop(): Promise<void>;
}

export interface StartOptions {
  buildDir?: string;
  /** Bounded wait for the listening line (seconds, default 15). */
  startTimeoutSeconds?: number;
}

function post(agent: Agent, port: number, path: string, body: string): Promise<WasmResponse> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', (err) =>
      reject(new PlatformError(`action server on port ${port}: ${err.message}`, { cause: err })),
    );
    req.end(body);
  });
}

function waitForListening(child: ChildProcess, name: string, timeoutSeconds: number): Promise<number> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    let stderr = '';
    const timer = setTimeout(() => {
      cleanup();
      reject(
        new TimeoutError(`${name} action server did not print {"listening":port} within ${timeoutSeconds} s`),
      );
    }, timeoutSeconds * 1000);
    const onData = (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const newline = buffered.indexOf('\n');
      if (newline < 0) return;
      const line = buffered.slice(0, newline);
      cleanup();
      try {
        const port = (JSON.parse(line) as { listening?: unknown }).listening;
        if (typeof port !== 'number') throw new Error('no port');
        resolve(port);
      } catch {
        reject(
          new PlatformError(
            `${name} action server printed ${JSON.stringify(line)} instead of {"listening":port}`,
          ),
        );
      }
    };
    const onErr = (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    };
    const onExit = (code: number | null) => {
      cleanup();
      reject(
        new PlatformError(
          `${name} action server exited (code ${code}) before listening${stderr ? `: ${stderr.trim()}` : ''}`,
        ),
      );
    };
    const onError = (err: Error) => {
      cleanup();
      reject(new PlatformError(`cannot start ${name} action server: ${err.message}`, { cause: err }));
    };
    function cleanup() {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.stderr?.off('data', onErr);
      child.off('exit', onExit);
      child.off('error', onError);
    }
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onErr);
    child.once('exit', onExit);
    child.once('error', onError);
  });
}

/** Start the workload's native action server on a free loopback port. */
export async function startActionServer(name: string, opts: StartOptions = {}): Promise<ActionServer> {
  const def = getWorkload(name);
  const buildDir = opts.buildDir ?? DEFAULT_BUILD_DIR;
  const native = def.artifacts(buildDir).native;
  if (!native) {
    throw new BuildError(
      `${def.name}: the native build is missing (${artifactPaths(def.name, buildDir).native})`,
      {
        hint: 'run `npm run build:workloads` (it says which toolchain to install if one is missing)',
      },
    );
  }
  const started = performance.now();
  const child = spawn(native.command, [...native.args, '--port', '0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // its own process group, owned: stopped after a crash of faasmark too
  });
  ownChild(child, `${def.name} action server`);
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  const kill = async (): Promise<void> => {
    if (exited) return;
    const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
    await gone;
    clearTimeout(timer);
  };
  const unregister = onShutdown(`${def.name} action server (pid ${child.pid})`, kill);
  let port: number;
  try {
    port = await waitForListening(child, def.name, opts.startTimeoutSeconds ?? 15);
  } catch (err) {
    await kill();
    unregister();
    throw err;
  }
  const startSeconds = (performance.now() - started) / 1000;
  child.stdout?.resume();
  child.stderr?.resume();
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const server: ActionServer = {
    name: def.name,
    port,
    pid: child.pid ?? -1,
    startSeconds,
    async init() {
      const res = await post(agent, port, '/init', '{"value":{}}');
      if (res.status !== 200)
        throw new PlatformError(`${def.name} /init returned ${res.status}: ${res.body.slice(0, 200)}`);
    },
    runRaw(input: unknown) {
      return post(agent, port, '/run', JSON.stringify({ value: input ?? {} }));
    },
    async run(input: unknown) {
      return parseResponse(def.name, 'native', await server.runRaw(input));
    },
    async stop() {
      agent.destroy();
      await kill();
      unregister();
    },
  };
  return server;
}

/**
 * One native invocation (the `invoke` command): start, /init, /run, stop. The input is
 * validated first (InputError); a workload failure is a PlatformError.
 */
export async function runNativeOnce(name: string, input: unknown, opts: StartOptions = {}): Promise<unknown> {
  const def = getWorkload(name);
  const normalised = def.validateInput(input);
  const server = await startActionServer(def.name, opts);
  try {
    await server.init();
    return await server.run(normalised);
  } finally {
    await server.stop();
  }
}

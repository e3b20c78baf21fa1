/**
 * One workload component under `wasmtime serve`, for `faasmark profile` (the wasmtime column of
 * the Table 4.1 analog): precompiled once (.cwasm by component hash), one owned serve process, a
 * fresh instance per request, requests over one kept-alive connection. Each answer carries the
 * client round trip and the component's own times: `x-faas-end-ns − x-faas-start-ns` (wall
 * clock around the handling) and `x-faas-service-ns` (monotonic, the handler alone).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Pool } from 'undici';
import { BuildError } from '../../core/errors.js';
import {
  CODEGEN_ARGS,
  faasmarkCacheDir,
  type Precompiled,
  precompile,
  readWasmtimeVersion,
  resolveWasmtime,
  serveArgsFor,
  type WasmtimeVersion,
} from '../external/wasmtime-cli.js';
import { WasmtimeServe } from '../external/wasmtime-serve.js';
import { END_HEADER, nsHeaderToMs, SERVICE_HEADER, START_HEADER } from '../local-wasm/component-invoke.js';
import type { WasmResponse } from './wasm-runner.js';

export interface ComponentResponse extends WasmResponse {
  /** end − start from the component's wall-clock headers (s). */
  guestSeconds?: number;
  /** x-faas-service-ns (s). */
  serviceSeconds?: number;
}

export interface ServedComponent {
  version: WasmtimeVersion;
  binary: string;
  compiled: Precompiled;
  serveArgs: string[];
  /** Spawn → "Serving HTTP" (s). */
  readySeconds: number;
  call(inputJson: string): Promise<ComponentResponse>;
  stop(): Promise<void>;
}

export interface ComponentOptions {
  /** The component (.wasm); default: the registry's / the conventional build path. */
  component: string;
  binary?: string;
  cacheDir?: string;
  /** `wasmtime serve` flags the component needs (default: derived from its imports). */
  serveArgs?: string[];
}

/** The workload's wasi:http component under `buildDir`, or undefined when not built. */
export function componentPath(
  name: string,
  buildDir: string,
  artifacts: { component?: { path: string } },
): string | undefined {
  const path = artifacts.component?.path ?? join(buildDir, name, 'component', `${name}.wasm`);
  return existsSync(path) ? path : undefined;
}

/** Precompile and serve `o.component`; stop() ends the process. @throws MissingToolError, BuildError */
export async function serveComponent(label: string, o: ComponentOptions): Promise<ServedComponent> {
  if (!existsSync(o.component)) throw new BuildError(`${label}: component not found at ${o.component}`);
  const binary = resolveWasmtime(o.binary).path;
  const version = await readWasmtimeVersion(binary);
  const compiled = await precompile(binary, version, o.component, {
    cacheDir: o.cacheDir ?? faasmarkCacheDir(),
    codegenArgs: CODEGEN_ARGS,
  });
  const serveArgs = o.serveArgs ?? serveArgsFor(readFileSync(o.component));
  const serve = await WasmtimeServe.start({
    binary,
    args: [
      '-C',
      'cache=n',
      ...CODEGEN_ARGS,
      '-W',
      'timeout=600000ms',
      '--max-instance-reuse-count',
      '1',
      ...serveArgs,
    ],
    component: compiled.path,
    precompiled: true,
    port: 0,
    readyTimeout: 60,
    label: `wasmtime serve (${label})`,
  });
  const client = new Pool(`http://127.0.0.1:${serve.port}`, { connections: 1, pipelining: 1 });
  return {
    version,
    binary,
    compiled,
    serveArgs,
    readySeconds: serve.readySeconds,
    async call(inputJson: string): Promise<ComponentResponse> {
      const res = await client.request({ path: '/', method: 'POST', body: inputJson });
      const body = await res.body.text();
      const out: ComponentResponse = { status: res.statusCode, body };
      const start = nsHeaderToMs(res.headers[START_HEADER]);
      const end = nsHeaderToMs(res.headers[END_HEADER]);
      if (start !== undefined && end !== undefined) out.guestSeconds = (end - start) / 1000;
      const service = res.headers[SERVICE_HEADER];
      if (typeof service === 'string' && /^\d+$/.test(service)) out.serviceSeconds = Number(service) / 1e9;
      return out;
    },
    async stop(): Promise<void> {
      await client.destroy();
      await serve.stop();
    },
  };
}

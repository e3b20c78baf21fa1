/**
 * Loading Wasm for the v8 engine and the direct runner: one module file, or a jco transpile
 * output directory (one ESM glue `*.js` and its core modules `*.wasm`, each compiled once and
 * handed to the glue by file name). docs/embedded-platforms.md "JS components".
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BuildError } from '../../core/errors.js';
import { type WasmModule, wasmApi } from './wasm-api.js';

/** Compile one module file. @throws BuildError when it is not valid Wasm */
export async function compileFile(path: string): Promise<WasmModule> {
  try {
    return await wasmApi.compile(await readFile(path));
  } catch (err) {
    throw new BuildError(`${path} is not a valid Wasm module: ${err instanceof Error ? err.message : err}`, {
      cause: err,
    });
  }
}

/**
 * A jco transpile output directory: one ESM glue file (`*.js`) and its core modules
 * (`*.wasm`, compiled here once, by file name as the glue asks for them).
 */
export async function loadTranspiled(
  dir: string,
): Promise<{ glueUrl: string; modules: Record<string, WasmModule> }> {
  const files = await readdir(dir);
  const glue = files.filter((f) => f.endsWith('.js'));
  if (glue.length !== 1) {
    throw new BuildError(`${dir} should hold exactly one transpiled glue .js file, found ${glue.length}`, {
      hint: 'rebuild: npm run build:workloads',
    });
  }
  const modules: Record<string, WasmModule> = {};
  for (const f of files.filter((name) => name.endsWith('.wasm')))
    modules[f] = await compileFile(join(dir, f));
  return { glueUrl: pathToFileURL(join(dir, glue[0] as string)).href, modules };
}

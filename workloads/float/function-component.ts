/**
 * The float workload as a plain function component for the local Wasm host: world
 * `faasmark:workload/function` exports `run(input: string) -> string` (function.wit). It
 * is built by componentize-js with every WASI feature disabled, so jco's transpiled output
 * needs no WASI shim: instantiate, call run, discard. Same engine (StarlingMonkey) and
 * same kernel as the Spin HTTP component; only the HTTP plumbing differs. The result is
 * the result JSON, or {"error": ...}.
 */
import { handleFloat } from './kernel.js';

export function run(input: string): string {
  return handleFloat(input)[1];
}

/**
 * What kind of Wasm binary a Spin component source is, from its header and import names:
 * a core module (WASI preview 1: run by Spin's WAGI executor), a WASIp2 component (a fresh
 * instance per request), or a WASIp3 component (Spin ≥ 3.6 reuses its instances by default:
 * 128 requests, 16 at once — crates/trigger-http/src/lib.rs). Binary format: the preamble is
 * `\0asm` + a 4-byte version; core modules have version 1, components `0x0d 0x00 0x01 0x00`
 * (version 13, layer 1) in the component-model binary format (Binary.md).
 */
import { readFileSync } from 'node:fs';

export type WasmKind = 'core-module' | 'component-p2' | 'component-p3' | 'unknown';

/** Classify Wasm bytes. A component importing or exporting any `wasi:*@0.3…` interface counts as WASIp3. */
export function classifyWasm(bytes: Uint8Array): WasmKind {
  if (bytes.length < 8 || bytes[0] !== 0 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d)
    return 'unknown';
  const layer = bytes[6]! | (bytes[7]! << 8);
  if (layer === 0) return bytes[4] === 1 ? 'core-module' : 'unknown';
  if (layer !== 1) return 'unknown';
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  return /wasi:[a-z-]+\/[a-z-]+@0\.3\./.test(text) ? 'component-p3' : 'component-p2';
}

/** Classify a file; 'unknown' when it cannot be read. */
export function classifyWasmFile(path: string): WasmKind {
  try {
    return classifyWasm(readFileSync(path));
  } catch {
    return 'unknown';
  }
}

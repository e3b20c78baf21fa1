/**
 * A minimal WASI preview1 host over in-memory buffers: stdin is a byte array, stdout/stderr
 * are collected per instance, there are no preopened directories and no environment.
 *
 * Why not node:wasi: in Node 20 its stdin/stdout options take OS file descriptors only, so a
 * per-request capture would need temp files (open/write/read/unlink: four syscalls plus disk
 * I/O per request) and it prints an ExperimentalWarning. The workloads only use stdio, clocks,
 * random and args/env, so a shim of ~20 functions does the job with no I/O; every other
 * preview1 import answers ENOSYS (errno 52), which is what a host without that feature says.
 * Semantics follow the preview1 spec (WebAssembly/WASI, legacy/preview1/docs.md).
 */
import { getRandomValues } from 'node:crypto';
import { type WasmImports, type WasmMemory, type WasmModule, wasmApi } from './wasm-api.js';

const ESUCCESS = 0;
const EBADF = 8;
const EINVAL = 28;
const ENOSYS = 52;
const ESPIPE = 70;
const FILETYPE_CHARACTER_DEVICE = 2;

/** Thrown by proc_exit to unwind the guest; carries the exit code. */
export class ProcExit extends Error {
  constructor(readonly code: number) {
    super(`proc_exit(${code})`);
  }
}

/** Thrown when a guest writes more than the output cap. */
export class OutputTooLarge extends Error {}

export interface WasiIo {
  /** Collected stdout bytes. */
  stdout(): Uint8Array;
  /** Collected stderr text (truncated to 4 KiB; for error messages). */
  stderr(): string;
}

export interface WasiShim extends WasiIo {
  imports: WasmImports;
  /** Give the shim the instance's exported memory (call right after instantiation). */
  bind(memory: WasmMemory): void;
}

/**
 * A reusable WASI host for instances of one module, run one at a time (one per worker thread):
 * the import object is built once; {@link WasiHost.begin} resets the per-request state (stdin
 * position, collected output) and {@link WasiShim.bind} gives it the new instance's memory.
 * Every instance still gets its own fresh memory (the module defines it); only the host
 * functions are reused, which saves building ~20 closures and the import list per request.
 */
export interface WasiHost extends WasiShim {
  /** Start a request: `stdin` is what the next instance reads from fd 0; output is cleared. */
  begin(stdin: Uint8Array): void;
  /** End a request: drop the instance's memory and the collected output. */
  end(): void;
}

/**
 * Build the reusable host for instances of `module`.
 * @param args argv (argv[0] is the program name)
 * @param maxOutputBytes cap on stdout (beyond it the guest's write fails with OutputTooLarge)
 */
export function createWasiHost(
  module: WasmModule,
  args: string[],
  maxOutputBytes = 16 * 1024 * 1024,
): WasiHost {
  let memory: WasmMemory | undefined;
  let stdin: Uint8Array = new Uint8Array(0);
  let stdinPos = 0;
  let outChunks: Uint8Array[] = [];
  let outSize = 0;
  let errText = '';
  const decoder = new TextDecoder();
  const encoder = new TextEncoder();
  const argBytes = args.map((a) => encoder.encode(`${a}\0`));

  const view = () => new DataView((memory as WasmMemory).buffer);
  const bytes = () => new Uint8Array((memory as WasmMemory).buffer);

  const fns: Record<string, (...a: never[]) => number | undefined> = {
    args_sizes_get(argcPtr: number, bufSizePtr: number) {
      const v = view();
      v.setUint32(argcPtr, argBytes.length, true);
      v.setUint32(
        bufSizePtr,
        argBytes.reduce((s, b) => s + b.length, 0),
        true,
      );
      return ESUCCESS;
    },
    args_get(argvPtr: number, bufPtr: number) {
      const v = view();
      const b = bytes();
      let p = bufPtr;
      argBytes.forEach((arg, i) => {
        v.setUint32(argvPtr + 4 * i, p, true);
        b.set(arg, p);
        p += arg.length;
      });
      return ESUCCESS;
    },
    environ_sizes_get(countPtr: number, sizePtr: number) {
      const v = view();
      v.setUint32(countPtr, 0, true);
      v.setUint32(sizePtr, 0, true);
      return ESUCCESS;
    },
    environ_get() {
      return ESUCCESS;
    },
    fd_read(fd: number, iovs: number, iovsLen: number, nreadPtr: number) {
      if (fd !== 0) return EBADF;
      const v = view();
      const b = bytes();
      let n = 0;
      for (let i = 0; i < iovsLen; i++) {
        const buf = v.getUint32(iovs + 8 * i, true);
        const len = v.getUint32(iovs + 8 * i + 4, true);
        const take = Math.min(len, stdin.length - stdinPos);
        b.set(stdin.subarray(stdinPos, stdinPos + take), buf);
        stdinPos += take;
        n += take;
        if (take < len) break;
      }
      v.setUint32(nreadPtr, n, true);
      return ESUCCESS;
    },
    fd_write(fd: number, iovs: number, iovsLen: number, nwrittenPtr: number) {
      if (fd !== 1 && fd !== 2) return EBADF;
      const v = view();
      const b = bytes();
      let n = 0;
      for (let i = 0; i < iovsLen; i++) {
        const buf = v.getUint32(iovs + 8 * i, true);
        const len = v.getUint32(iovs + 8 * i + 4, true);
        const chunk = b.slice(buf, buf + len);
        if (fd === 1) {
          outSize += len;
          if (outSize > maxOutputBytes)
            throw new OutputTooLarge(`stdout larger than ${maxOutputBytes} bytes`);
          outChunks.push(chunk);
        } else if (errText.length < 4096) {
          errText += decoder.decode(chunk);
        }
        n += len;
      }
      v.setUint32(nwrittenPtr, n, true);
      return ESUCCESS;
    },
    fd_fdstat_get(fd: number, ptr: number) {
      if (fd > 2) return EBADF;
      const v = view();
      v.setUint8(ptr, FILETYPE_CHARACTER_DEVICE);
      v.setUint16(ptr + 2, 0, true);
      v.setBigUint64(ptr + 8, 0xffffffffn, true);
      v.setBigUint64(ptr + 16, 0xffffffffn, true);
      return ESUCCESS;
    },
    fd_fdstat_set_flags(fd: number) {
      return fd > 2 ? EBADF : ESUCCESS;
    },
    fd_close(fd: number) {
      return fd > 2 ? EBADF : ESUCCESS;
    },
    fd_seek(fd: number) {
      return fd > 2 ? EBADF : ESPIPE;
    },
    fd_sync(fd: number) {
      return fd > 2 ? EBADF : ESUCCESS;
    },
    fd_prestat_get() {
      return EBADF; // no preopened directories: wasi-libc stops scanning at the first EBADF
    },
    fd_prestat_dir_name() {
      return EBADF;
    },
    proc_exit(code: number): undefined {
      throw new ProcExit(code);
    },
    clock_res_get(_id: number, resPtr: number) {
      view().setBigUint64(resPtr, 1000n, true);
      return ESUCCESS;
    },
    clock_time_get(id: number, _precision: bigint, timePtr: number) {
      // 0 realtime, 1 monotonic, 2/3 process/thread CPU time (approximated by monotonic)
      if (id > 3) return EINVAL;
      const ns = id === 0 ? BigInt(Date.now()) * 1_000_000n : process.hrtime.bigint();
      view().setBigUint64(timePtr, ns, true);
      return ESUCCESS;
    },
    random_get(buf: number, len: number) {
      const b = bytes();
      for (let off = 0; off < len; off += 65536) {
        getRandomValues(b.subarray(buf + off, buf + Math.min(len, off + 65536)));
      }
      return ESUCCESS;
    },
    sched_yield() {
      return ESUCCESS;
    },
  };

  const wasi: Record<string, (...a: never[]) => number | undefined> = {};
  for (const imp of wasmApi.Module.imports(module)) {
    if (imp.module !== 'wasi_snapshot_preview1' || imp.kind !== 'function') continue;
    wasi[imp.name] = fns[imp.name] ?? (() => ENOSYS);
  }

  return {
    imports: { wasi_snapshot_preview1: wasi },
    begin(input) {
      stdin = input;
      stdinPos = 0;
      outChunks = [];
      outSize = 0;
      errText = '';
      memory = undefined;
    },
    end() {
      memory = undefined;
      stdin = new Uint8Array(0);
      outChunks = [];
    },
    bind(mem) {
      memory = mem;
    },
    stdout() {
      if (outChunks.length === 1) return outChunks[0] as Uint8Array;
      const all = new Uint8Array(outSize);
      let p = 0;
      for (const c of outChunks) {
        all.set(c, p);
        p += c.length;
      }
      return all;
    },
    stderr() {
      return errText;
    },
  };
}

/**
 * The import object for ONE instance of `module` (a {@link WasiHost} begun with `stdin`).
 * @param stdin bytes the guest reads from fd 0
 * @param args argv (argv[0] is the program name)
 * @param maxOutputBytes cap on stdout
 */
export function createWasiShim(
  module: WasmModule,
  stdin: Uint8Array,
  args: string[],
  maxOutputBytes = 16 * 1024 * 1024,
): WasiShim {
  const host = createWasiHost(module, args, maxOutputBytes);
  host.begin(stdin);
  return host;
}

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

/** The per-request state a host's functions share (reset by begin / end). */
interface HostState {
  memory: WasmMemory | undefined;
  stdin: Uint8Array;
  stdinPos: number;
  outChunks: Uint8Array[];
  outSize: number;
  errText: string;
  readonly maxOutputBytes: number;
  /** argv as NUL-terminated UTF-8. */
  readonly argBytes: Uint8Array[];
}

type HostFunctions = Record<string, (...a: never[]) => number | undefined>;

const decoder = new TextDecoder();

const view = (s: HostState) => new DataView((s.memory as WasmMemory).buffer);
const bytes = (s: HostState) => new Uint8Array((s.memory as WasmMemory).buffer);

/** argv and an empty environment. */
function argsAndEnviron(s: HostState): HostFunctions {
  return {
    args_sizes_get(argcPtr: number, bufSizePtr: number) {
      const v = view(s);
      v.setUint32(argcPtr, s.argBytes.length, true);
      v.setUint32(
        bufSizePtr,
        s.argBytes.reduce((sum, b) => sum + b.length, 0),
        true,
      );
      return ESUCCESS;
    },
    args_get(argvPtr: number, bufPtr: number) {
      const v = view(s);
      const b = bytes(s);
      let p = bufPtr;
      s.argBytes.forEach((arg, i) => {
        v.setUint32(argvPtr + 4 * i, p, true);
        b.set(arg, p);
        p += arg.length;
      });
      return ESUCCESS;
    },
    environ_sizes_get(countPtr: number, sizePtr: number) {
      const v = view(s);
      v.setUint32(countPtr, 0, true);
      v.setUint32(sizePtr, 0, true);
      return ESUCCESS;
    },
    environ_get() {
      return ESUCCESS;
    },
  };
}

/** fd_read on stdin (fd 0) from the request's bytes. */
function fdRead(s: HostState, fd: number, iovs: number, iovsLen: number, nreadPtr: number): number {
  if (fd !== 0) return EBADF;
  const v = view(s);
  const b = bytes(s);
  let n = 0;
  for (let i = 0; i < iovsLen; i++) {
    const buf = v.getUint32(iovs + 8 * i, true);
    const len = v.getUint32(iovs + 8 * i + 4, true);
    const take = Math.min(len, s.stdin.length - s.stdinPos);
    b.set(s.stdin.subarray(s.stdinPos, s.stdinPos + take), buf);
    s.stdinPos += take;
    n += take;
    if (take < len) break;
  }
  v.setUint32(nreadPtr, n, true);
  return ESUCCESS;
}

/** fd_write to stdout (collected, capped) and stderr (first 4 KiB kept as text). */
function fdWrite(s: HostState, fd: number, iovs: number, iovsLen: number, nwrittenPtr: number): number {
  if (fd !== 1 && fd !== 2) return EBADF;
  const v = view(s);
  const b = bytes(s);
  let n = 0;
  for (let i = 0; i < iovsLen; i++) {
    const buf = v.getUint32(iovs + 8 * i, true);
    const len = v.getUint32(iovs + 8 * i + 4, true);
    const chunk = b.slice(buf, buf + len);
    if (fd === 1) {
      s.outSize += len;
      if (s.outSize > s.maxOutputBytes)
        throw new OutputTooLarge(`stdout larger than ${s.maxOutputBytes} bytes`);
      s.outChunks.push(chunk);
    } else if (s.errText.length < 4096) {
      s.errText += decoder.decode(chunk);
    }
    n += len;
  }
  v.setUint32(nwrittenPtr, n, true);
  return ESUCCESS;
}

/** The three stdio descriptors (character devices) and no preopened directories. */
function fileDescriptors(s: HostState): HostFunctions {
  return {
    fd_read: (fd: number, iovs: number, iovsLen: number, nreadPtr: number) =>
      fdRead(s, fd, iovs, iovsLen, nreadPtr),
    fd_write: (fd: number, iovs: number, iovsLen: number, nwrittenPtr: number) =>
      fdWrite(s, fd, iovs, iovsLen, nwrittenPtr),
    fd_fdstat_get(fd: number, ptr: number) {
      if (fd > 2) return EBADF;
      const v = view(s);
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
  };
}

/** proc_exit, clocks, random and sched_yield. */
function processClocksRandom(s: HostState): HostFunctions {
  return {
    proc_exit(code: number): undefined {
      throw new ProcExit(code);
    },
    clock_res_get(_id: number, resPtr: number) {
      view(s).setBigUint64(resPtr, 1000n, true);
      return ESUCCESS;
    },
    clock_time_get(id: number, _precision: bigint, timePtr: number) {
      // 0 realtime, 1 monotonic, 2/3 process/thread CPU time (approximated by monotonic)
      if (id > 3) return EINVAL;
      const ns = id === 0 ? BigInt(Date.now()) * 1_000_000n : process.hrtime.bigint();
      view(s).setBigUint64(timePtr, ns, true);
      return ESUCCESS;
    },
    random_get(buf: number, len: number) {
      const b = bytes(s);
      for (let off = 0; off < len; off += 65536) {
        getRandomValues(b.subarray(buf + off, buf + Math.min(len, off + 65536)));
      }
      return ESUCCESS;
    },
    sched_yield() {
      return ESUCCESS;
    },
  };
}

/** The preview1 functions `module` imports: ours, else ENOSYS. */
function importedFunctions(module: WasmModule, fns: HostFunctions): HostFunctions {
  const wasi: HostFunctions = {};
  for (const imp of wasmApi.Module.imports(module)) {
    if (imp.module !== 'wasi_snapshot_preview1' || imp.kind !== 'function') continue;
    wasi[imp.name] = fns[imp.name] ?? (() => ENOSYS);
  }
  return wasi;
}

/** Everything written to stdout so far, as one array (no copy when it came in one write). */
function collectedStdout(s: HostState): Uint8Array {
  if (s.outChunks.length === 1) return s.outChunks[0] as Uint8Array;
  const all = new Uint8Array(s.outSize);
  let p = 0;
  for (const c of s.outChunks) {
    all.set(c, p);
    p += c.length;
  }
  return all;
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
  const encoder = new TextEncoder();
  const s: HostState = {
    memory: undefined,
    stdin: new Uint8Array(0),
    stdinPos: 0,
    outChunks: [],
    outSize: 0,
    errText: '',
    maxOutputBytes,
    argBytes: args.map((a) => encoder.encode(`${a}\0`)),
  };
  const fns = { ...argsAndEnviron(s), ...fileDescriptors(s), ...processClocksRandom(s) };
  return {
    imports: { wasi_snapshot_preview1: importedFunctions(module, fns) },
    begin(input) {
      s.stdin = input;
      s.stdinPos = 0;
      s.outChunks = [];
      s.outSize = 0;
      s.errText = '';
      s.memory = undefined;
    },
    end() {
      s.memory = undefined;
      s.stdin = new Uint8Array(0);
      s.outChunks = [];
    },
    bind(mem) {
      s.memory = mem;
    },
    stdout: () => collectedStdout(s),
    stderr: () => s.errText,
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

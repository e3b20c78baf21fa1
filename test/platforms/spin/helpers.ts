/**
 * Test helpers for the spin platform: a tiny hand-assembled WAGI module (reads its request
 * body from stdin, writes `content-type: application/json`, a blank line and the body back),
 * a fixture app directory, the stand-in `spin` launcher, and process-tree inspection to prove
 * nothing is left running.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const FAKE_SPIN = fileURLToPath(new URL('./fake-spin.mjs', import.meta.url));

const created: string[] = [];
process.on('exit', () => {
  for (const dir of created) rmSync(dir, { recursive: true, force: true });
});

/** A fresh temp directory, removed when the test process exits. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  created.push(dir);
  return dir;
}

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

const str = (s: string): number[] => [...uleb(s.length), ...Buffer.from(s, 'utf8')];
const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];
const i32 = (n: number): number[] => [0x41, ...sleb(n)];
const store = [0x36, 0x02, 0x00];
const load = [0x28, 0x02, 0x00];

/** The WAGI header block the echo module writes before the body. */
export const WAGI_HEADER = 'content-type: application/json\n\n';

/**
 * A WASI preview-1 core module (WAGI style): fd_read stdin once into memory at 1024 (≤ 60,000
 * bytes), then fd_write [header, body] to stdout. Encoded per the WebAssembly binary format
 * (sections: type 1, import 2, function 3, memory 5, export 7, code 10, data 11).
 */
export function wagiEchoModule(): Uint8Array {
  const fnType = [0x60, ...vec([[0x7f], [0x7f], [0x7f], [0x7f]]), ...vec([[0x7f]])];
  const startType = [0x60, 0x00, 0x00];
  const imports = vec([
    [...str('wasi_snapshot_preview1'), ...str('fd_read'), 0x00, 0x00],
    [...str('wasi_snapshot_preview1'), ...str('fd_write'), 0x00, 0x00],
  ]);
  const header = Buffer.from(WAGI_HEADER, 'utf8');
  const code = [
    ...i32(100),
    ...i32(1024),
    ...store, // iov.buf
    ...i32(104),
    ...i32(60000),
    ...store, // iov.len
    ...i32(0),
    ...i32(100),
    ...i32(1),
    ...i32(200),
    0x10,
    0x00,
    0x1a, // fd_read(0, iov, 1, &nread); drop
    ...i32(300),
    ...i32(0),
    ...store, // out[0].buf = header
    ...i32(304),
    ...i32(header.length),
    ...store,
    ...i32(308),
    ...i32(1024),
    ...store, // out[1].buf = body
    ...i32(312),
    ...i32(200),
    ...load,
    ...store, // out[1].len = nread
    ...i32(1),
    ...i32(300),
    ...i32(2),
    ...i32(400),
    0x10,
    0x01,
    0x1a, // fd_write(1, out, 2, &nw); drop
    0x0b,
  ];
  const body = [0x00, ...code]; // no locals
  const bytes = [
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    ...section(1, vec([fnType, startType])),
    ...section(2, imports),
    ...section(3, vec([[0x01]])),
    ...section(5, vec([[0x00, 0x01]])),
    ...section(
      7,
      vec([
        [...str('memory'), 0x02, 0x00],
        [...str('_start'), 0x00, 0x02],
      ]),
    ),
    ...section(10, vec([[...uleb(body.length), ...body]])),
    ...section(11, vec([[0x00, ...i32(0), 0x0b, ...uleb(header.length), ...header]])),
  ];
  return Uint8Array.from(bytes);
}

export interface FixtureApp {
  dir: string;
  manifest: string;
  wasm: string;
}

/** A temp dir with echo.wasm and a manifest v2 routing `/<workload>` to it through WAGI. */
export function fixtureApp(workload = 'aes'): FixtureApp {
  const dir = tempDir('faasmark-spin-app-');
  const wasm = join(dir, 'echo.wasm');
  writeFileSync(wasm, wagiEchoModule());
  const manifest = join(dir, 'spin.toml');
  writeFileSync(
    manifest,
    [
      'spin_manifest_version = 2',
      '[application]',
      'name = "fixture"',
      '[[trigger.http]]',
      `route = "/${workload}/..."`,
      `component = "${workload}"`,
      'executor = { type = "wagi" }',
      `[component.${workload}]`,
      'source = "echo.wasm"',
      '',
    ].join('\n'),
  );
  return { dir, manifest, wasm };
}

/** An executable `spin` in a temp dir that runs the stand-in with node (so PATH lookups work too). */
export function fakeSpinBinary(): { dir: string; path: string } {
  const dir = tempDir('faasmark-fake-spin-');
  const path = join(dir, 'spin');
  writeFileSync(path, `#!/bin/sh\nexec "${process.execPath}" --no-warnings "${FAKE_SPIN}" "$@"\n`);
  chmodSync(path, 0o755);
  return { dir, path };
}

export { descendants } from '../../helpers/processes.js';

/** True while `pid` is a live (non-zombie) process. */
export function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** Records the stand-in appended to FAKE_SPIN_RECORD. */
export function readRecords(
  path: string,
): Array<{ argv: string[]; env: Record<string, string>; pid: number; childPid: number | null }> {
  try {
    return readFileSync(path, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l));
  } catch {
    return [];
  }
}

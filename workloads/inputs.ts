/**
 * Input validation for the four workloads. Each validator takes the raw input (from
 * `--input`, a suite file or a request body), applies the defaults (the thesis parameters,
 * docs/design/platform-facts.md "The thesis workloads") and the size caps, and returns a normalised object.
 * The executors (Rust and Node) enforce the same caps themselves, since OpenWhisk and Spin
 * call them directly; these checks give the CLI an early, precise message.
 */
import { InputError } from '../core/errors.js';
import { DEFAULT_POINTS, MAX_POINTS } from './float/kernel.js';

/** Size caps: one request must not exhaust the host (see docs/workloads.md "Limits"). */
export const CAPS = {
  /** aes: encrypt+decrypt rounds per request. */
  aesIterations: 1_000_000,
  /** aes: message bytes. */
  aesMessageBytes: 65_536,
  /** aes: iterations × message bytes (bytes ciphered per request, each way). */
  aesWorkBytes: 100_000_000,
  /** matmul: matrix dimension (n³ multiply-adds: 1000 → 1e9). */
  matmulN: 1000,
  /** matmul: largest n for which `returnMatrices` may return a, b and c. */
  matmulReturnN: 64,
  /** whatlang: text length in UTF-8 bytes. */
  whatlangTextBytes: 1_048_576,
  /** float: number of points (the kernel's own cap, float/kernel.ts). */
  floatPoints: MAX_POINTS,
  /** seeds are non-negative integers that survive a JSON round trip exactly. */
  seed: Number.MAX_SAFE_INTEGER,
} as const;

/** Request bodies larger than this are refused (413) by the action servers. */
export const MAX_BODY_BYTES = 2 * 1024 * 1024;

export const DEFAULT_AES_KEY = '2b7e151628aed2a6abf7158809cf4f3c';
/** 20 characters, like the thesis's message. */
export const DEFAULT_AES_MESSAGE = 'faasmark aes message';
export const DEFAULT_WHATLANG_TEXT = 'The quick brown fox jumps over the lazy dog';

type Obj = Record<string, unknown>;

function asObject(workload: string, input: unknown): Obj {
  if (input === undefined || input === null) return {};
  if (typeof input !== 'object' || Array.isArray(input)) {
    throw new InputError(`${workload} input must be a JSON object, got ${describe(input)}`, {
      hint: `pass e.g. --input '{}' (defaults) or see docs/workloads.md for the fields of ${workload}`,
    });
  }
  return input as Obj;
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  const text = JSON.stringify(value);
  return text !== undefined && text.length <= 60 ? text : `a ${typeof value}`;
}

function rejectUnknown(workload: string, input: Obj, known: readonly string[]): void {
  for (const key of Object.keys(input)) {
    if (!known.includes(key)) {
      throw new InputError(`${workload} input has unknown field "${key}"`, {
        hint: `known fields: ${known.join(', ')}`,
      });
    }
  }
}

function intField(
  workload: string,
  input: Obj,
  field: string,
  def: number,
  min: number,
  max: number,
): number {
  const value = input[field];
  if (value === undefined) return def;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new InputError(
      `${workload} input field "${field}" must be an integer in [${min}, ${max}], got ${describe(value)}`,
    );
  }
  return value;
}

function hexField(
  workload: string,
  input: Obj,
  field: string,
  bytes: number | undefined,
  maxBytes: number,
): string | undefined {
  const value = input[field];
  if (value === undefined) return undefined;
  const ok =
    typeof value === 'string' &&
    /^([0-9a-fA-F]{2})*$/.test(value) &&
    (bytes === undefined ? value.length / 2 <= maxBytes : value.length === bytes * 2);
  if (!ok) {
    const rule =
      bytes === undefined
        ? `at most ${maxBytes} bytes of hex`
        : `exactly ${bytes * 2} hex digits (${bytes} bytes)`;
    throw new InputError(`${workload} input field "${field}" must be ${rule}, got ${describe(value)}`);
  }
  return (value as string).toLowerCase();
}

function stringField(
  workload: string,
  input: Obj,
  field: string,
  def: string,
  maxBytes: number,
  minBytes = 0,
): string {
  const value = input[field];
  if (value === undefined) return def;
  if (typeof value !== 'string') {
    throw new InputError(`${workload} input field "${field}" must be a string, got ${describe(value)}`);
  }
  const bytes = Buffer.byteLength(value, 'utf8');
  if (bytes > maxBytes || bytes < minBytes) {
    throw new InputError(
      `${workload} input field "${field}" must be ${minBytes}..${maxBytes} UTF-8 bytes long, got ${bytes} bytes`,
    );
  }
  return value;
}

/**
 * aes: AES-128-CFB (CFB128), key fixed (16 bytes), IV random per request unless `iv` or
 * `seed` is given; the message is encrypted then decrypted `iterations` times.
 * Fields: message (string) | messageHex, iterations, key (hex), iv (hex), seed.
 */
export function validateAesInput(raw: unknown): Obj {
  const input = asObject('aes', raw);
  rejectUnknown('aes', input, ['message', 'messageHex', 'iterations', 'key', 'iv', 'seed']);
  if (input.message !== undefined && input.messageHex !== undefined) {
    throw new InputError('aes input fields "message" and "messageHex" are mutually exclusive', {
      hint: 'give the message as text (message) or as bytes (messageHex), not both',
    });
  }
  const iterations = intField('aes', input, 'iterations', 2500, 1, CAPS.aesIterations);
  const out: Obj = { iterations, key: hexField('aes', input, 'key', 16, 16) ?? DEFAULT_AES_KEY };
  let bytes: number;
  const messageHex = hexField('aes', input, 'messageHex', undefined, CAPS.aesMessageBytes);
  if (messageHex !== undefined) {
    if (messageHex.length === 0) throw new InputError('aes input field "messageHex" must not be empty');
    out.messageHex = messageHex;
    bytes = messageHex.length / 2;
  } else {
    const message = stringField('aes', input, 'message', DEFAULT_AES_MESSAGE, CAPS.aesMessageBytes, 1);
    out.message = message;
    bytes = Buffer.byteLength(message, 'utf8');
  }
  if (iterations * bytes > CAPS.aesWorkBytes) {
    throw new InputError(
      `aes input iterations × message bytes must be <= ${CAPS.aesWorkBytes}, got ${iterations} × ${bytes} = ${iterations * bytes}`,
    );
  }
  const iv = hexField('aes', input, 'iv', 16, 16);
  if (iv !== undefined) out.iv = iv;
  if (input.seed !== undefined) {
    if (iv !== undefined) throw new InputError('aes input fields "iv" and "seed" are mutually exclusive');
    out.seed = intField('aes', input, 'seed', 0, 0, CAPS.seed);
  }
  return out;
}

/** matmul: two n×n matrices of seeded N(0,1) values multiplied naively. Fields: n, seed, returnMatrices. */
export function validateMatmulInput(raw: unknown): Obj {
  const input = asObject('matmul', raw);
  rejectUnknown('matmul', input, ['n', 'seed', 'returnMatrices']);
  const n = intField('matmul', input, 'n', 50, 1, CAPS.matmulN);
  const seed = intField('matmul', input, 'seed', 42, 0, CAPS.seed);
  const out: Obj = { n, seed };
  if (input.returnMatrices !== undefined) {
    if (typeof input.returnMatrices !== 'boolean') {
      throw new InputError(
        `matmul input field "returnMatrices" must be a boolean, got ${describe(input.returnMatrices)}`,
      );
    }
    if (input.returnMatrices && n > CAPS.matmulReturnN) {
      throw new InputError(
        `matmul input field "returnMatrices" is only allowed for n <= ${CAPS.matmulReturnN}, got n = ${n}`,
      );
    }
    out.returnMatrices = input.returnMatrices;
  }
  return out;
}

/** whatlang: trigram language detection of `text` (ISO 639-3 code + confidence). */
export function validateWhatlangInput(raw: unknown): Obj {
  const input = asObject('whatlang', raw);
  rejectUnknown('whatlang', input, ['text']);
  return { text: stringField('whatlang', input, 'text', DEFAULT_WHATLANG_TEXT, CAPS.whatlangTextBytes) };
}

/** float: pyperformance "float" over n points. */
export function validateFloatInput(raw: unknown): Obj {
  const input = asObject('float', raw);
  rejectUnknown('float', input, ['n']);
  return { n: intField('float', input, 'n', DEFAULT_POINTS, 1, CAPS.floatPoints) };
}

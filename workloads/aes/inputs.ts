/** aes input: fields, defaults and caps (the Rust source aes/src/lib.rs enforces the same). */
import { InputError } from '../../core/errors.js';
import {
  asObject,
  hexField,
  intField,
  MAX_SEED,
  type Obj,
  rejectUnknown,
  stringField,
} from '../shared/inputs.js';

export const AES_CAPS = {
  /** encrypt+decrypt rounds per request. */
  iterations: 1_000_000,
  /** message bytes. */
  messageBytes: 65_536,
  /** iterations × message bytes (bytes ciphered per request, each way). */
  workBytes: 100_000_000,
} as const;

export const DEFAULT_AES_KEY = '2b7e151628aed2a6abf7158809cf4f3c';
/** 20 characters, like the thesis's message. */
export const DEFAULT_AES_MESSAGE = 'faasmark aes message';

/**
 * AES-128-CFB (CFB128), key fixed (16 bytes), IV random per request unless `iv` or `seed` is
 * given; the message is encrypted then decrypted `iterations` times.
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
  const iterations = intField('aes', input, 'iterations', 2500, 1, AES_CAPS.iterations);
  const out: Obj = { iterations, key: hexField('aes', input, 'key', 16, 16) ?? DEFAULT_AES_KEY };
  let bytes: number;
  const messageHex = hexField('aes', input, 'messageHex', undefined, AES_CAPS.messageBytes);
  if (messageHex !== undefined) {
    if (messageHex.length === 0) throw new InputError('aes input field "messageHex" must not be empty');
    out.messageHex = messageHex;
    bytes = messageHex.length / 2;
  } else {
    const message = stringField('aes', input, 'message', DEFAULT_AES_MESSAGE, AES_CAPS.messageBytes, 1);
    out.message = message;
    bytes = Buffer.byteLength(message, 'utf8');
  }
  if (iterations * bytes > AES_CAPS.workBytes) {
    throw new InputError(
      `aes input iterations × message bytes must be <= ${AES_CAPS.workBytes}, got ${iterations} × ${bytes} = ${iterations * bytes}`,
    );
  }
  const iv = hexField('aes', input, 'iv', 16, 16);
  if (iv !== undefined) out.iv = iv;
  if (input.seed !== undefined) {
    if (iv !== undefined) throw new InputError('aes input fields "iv" and "seed" are mutually exclusive');
    out.seed = intField('aes', input, 'seed', 0, 0, MAX_SEED);
  }
  return out;
}

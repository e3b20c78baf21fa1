/** whatlang input: fields, defaults and caps (the Rust source whatlang/src/lib.rs enforces the same). */
import { InputError } from '../../core/errors.js';
import { asObject, intField, type Obj, rejectUnknown, stringField } from '../shared/inputs.js';

export const WHATLANG_CAPS = {
  /** the text the detector sees (after `repeat`), in UTF-8 bytes: the thesis preset uses ~2.5 MB. */
  textBytes: 4 * 1024 * 1024,
  /** times `text` is repeated (joined by one space) inside the function. */
  repeat: 100_000,
} as const;

export const DEFAULT_WHATLANG_TEXT = 'The quick brown fox jumps over the lazy dog';

/** The detector's input size in bytes: `repeat` copies of `text` joined by single spaces. */
export function whatlangTextBytes(text: string, repeat: number): number {
  return Buffer.byteLength(text, 'utf8') * repeat + (repeat - 1);
}

/**
 * Language detection of `text` (ISO 639-3 code, script, confidence). `repeat` (default 1) makes
 * the function detect `repeat` space-joined copies: a megabyte-sized input from a small request
 * (OpenWhisk's default activation payload limit is 1 MiB).
 */
export function validateWhatlangInput(raw: unknown): Obj {
  const input = asObject('whatlang', raw);
  rejectUnknown('whatlang', input, ['text', 'repeat']);
  const text = stringField('whatlang', input, 'text', DEFAULT_WHATLANG_TEXT, WHATLANG_CAPS.textBytes);
  const repeat = intField('whatlang', input, 'repeat', 1, 1, WHATLANG_CAPS.repeat);
  const bytes = whatlangTextBytes(text, repeat);
  if (bytes > WHATLANG_CAPS.textBytes) {
    throw new InputError(
      `whatlang input text × repeat must be at most ${WHATLANG_CAPS.textBytes} UTF-8 bytes, got ${bytes} bytes`,
    );
  }
  return repeat === 1 ? { text } : { text, repeat };
}

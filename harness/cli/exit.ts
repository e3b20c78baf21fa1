/**
 * The CLI's exit-code policy, in one place: 0 done (thresholds met); 1 ran but failed
 * (threshold, regression, platform); 2 bad input, caught before side effects; 130 interrupted.
 * Commands never set an exit code: a command that fails throws a FaasmarkError, and main
 * (./main.ts) maps it here. And the one-paragraph message an error prints.
 */
import { type ErrorCode, FaasmarkError } from '../../core/errors.js';

const BAD_INPUT: ReadonlySet<ErrorCode> = new Set(['FM_USAGE', 'FM_CONFIG', 'FM_INPUT', 'FM_MISSING_TOOL']);

/** The process exit code for an error: 2 for bad input, 130 for an interrupt, else 1. */
export function exitCodeFor(err: unknown): number {
  if (err instanceof FaasmarkError) {
    if (err.code === 'FM_ABORTED') return 130;
    return BAD_INPUT.has(err.code) ? 2 : 1;
  }
  // commander's own parse errors (unknown option, missing argument)
  if (isCommanderError(err)) return 2;
  return 1;
}

export function isCommanderError(err: unknown): err is { code: string; exitCode: number; message: string } {
  return (
    typeof err === 'object' &&
    err !== null &&
    typeof (err as { code?: unknown }).code === 'string' &&
    (err as { code: string }).code.startsWith('commander.')
  );
}

/** One-paragraph human message: `error[FM_X]: message` + `hint: ...`; stack only with debug. */
export function formatError(err: unknown, debug = false): string {
  if (err instanceof FaasmarkError) {
    const lines = [`error[${err.code}]: ${err.message}`];
    if (err.hint) lines.push(`hint: ${err.hint}`);
    if (err.code === 'FM_INTERNAL')
      lines.push('This is a bug in faasmark; please report it with --debug output.');
    if (debug && err.stack) lines.push(err.stack);
    if (debug && err.cause)
      lines.push(`cause: ${err.cause instanceof Error ? err.cause.stack : String(err.cause)}`);
    return lines.join('\n');
  }
  const msg = err instanceof Error ? err.message : String(err);
  const lines = [
    `error[FM_INTERNAL]: ${msg}`,
    'This is a bug in faasmark; please report it with --debug output.',
  ];
  if (debug && err instanceof Error && err.stack) lines.push(err.stack);
  return lines.join('\n');
}

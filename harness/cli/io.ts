/**
 * Where commands write. stdout holds only the answer (a table, or one JSON document with
 * --json); progress and logs go to stderr. Progress is a live line on a terminal and a plain
 * line every PLAIN_PROGRESS_EVERY seconds elsewhere (CI, nohup, a log file), so a long point
 * is never silent; `--quiet` drops progress and routine lines, `--verbose` adds detail.
 * Everything is scrubbed of the run's secrets on the way out (core/secrets.ts). Tests swap
 * the sinks.
 */
import { scrub } from '../../core/secrets.js';

export interface Sinks {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  isTTY: boolean;
}

const processSinks: Sinks = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  isTTY: Boolean(process.stderr.isTTY),
};

let sinks: Sinks = processSinks;

export type Verbosity = 'quiet' | 'normal' | 'verbose';
let verbosity: Verbosity = 'normal';
/** Seconds between plain progress lines off a terminal (verbose: every 2 s). */
export const PLAIN_PROGRESS_EVERY = 10;
let lastPlainProgress = Number.NEGATIVE_INFINITY;

export function setSinks(next: Sinks | undefined): void {
  sinks = next ?? processSinks;
  verbosity = 'normal';
  lastPlainProgress = Number.NEGATIVE_INFINITY;
}

/** Set from --quiet / --verbose. */
export function setVerbosity(v: Verbosity): void {
  verbosity = v;
}

/** Write the answer (adds a trailing newline when missing). */
export function out(text: string): void {
  sinks.stdout(scrub(text.endsWith('\n') ? text : `${text}\n`));
}

/** Write one JSON document as the answer. */
export function outJson(value: unknown): void {
  out(JSON.stringify(value, null, 2));
}

/** Write a log line to stderr. */
export function log(text: string): void {
  sinks.stderr(scrub(text.endsWith('\n') ? text : `${text}\n`));
}

/** A routine line (what is being done): not with --quiet. */
export function info(text: string): void {
  if (verbosity !== 'quiet') log(text);
}

/** Detail: only with --verbose. */
export function detail(text: string): void {
  if (verbosity === 'verbose') log(text);
}

/**
 * Progress: on a terminal the current line is overwritten; elsewhere a plain line at most
 * every PLAIN_PROGRESS_EVERY seconds (2 s with --verbose); nothing with --quiet.
 */
export function progress(text: string, now: number = performance.now() / 1000): void {
  if (verbosity === 'quiet') return;
  if (sinks.isTTY) {
    sinks.stderr(`\r\x1b[2K${scrub(text)}`);
    return;
  }
  const every = verbosity === 'verbose' ? 2 : PLAIN_PROGRESS_EVERY;
  if (now - lastPlainProgress < every) return;
  lastPlainProgress = now;
  log(text);
}

export function progressDone(): void {
  if (sinks.isTTY && verbosity !== 'quiet') sinks.stderr('\r\x1b[2K');
}

/**
 * Where commands write. stdout holds only the answer (a table, or one JSON document with
 * --json); progress and logs go to stderr, progress only on a TTY. Tests swap the sinks.
 * Everything is scrubbed of the run's secrets on the way out (core/secrets.ts).
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

export function setSinks(next: Sinks | undefined): void {
  sinks = next ?? processSinks;
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

/** Write a progress line to stderr, only on a TTY (overwrites the current line). */
export function progress(text: string): void {
  if (sinks.isTTY) sinks.stderr(`\r\x1b[2K${scrub(text)}`);
}

export function progressDone(): void {
  if (sinks.isTTY) sinks.stderr('\r\x1b[2K');
}

/**
 * JSON Lines: a streaming writer (records go to disk as they complete, never only in memory;
 * scrubbed of the run's registered secrets, core/secrets.ts) and a tolerant reader that
 * reports corrupted lines (line number) instead of failing.
 */

import { once } from 'node:events';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';
import { hasSecrets, scrubValues } from './secrets.js';

const clean = (text: string) => (hasSecrets() ? scrubValues(text) : text);

export class JsonlWriter {
  private readonly stream: WriteStream;
  private closed = false;
  count = 0;

  private constructor(stream: WriteStream) {
    this.stream = stream;
  }

  static async open(path: string): Promise<JsonlWriter> {
    await mkdir(dirname(path), { recursive: true });
    const stream = createWriteStream(path, { flags: 'w' });
    await once(stream, 'open');
    return new JsonlWriter(stream);
  }

  /** Append one record; waits for drain when the OS buffer is full (backpressure). */
  async write(record: unknown): Promise<void> {
    if (this.closed) throw new Error('JsonlWriter: write after close');
    this.count++;
    if (!this.stream.write(clean(`${JSON.stringify(record)}\n`))) await once(this.stream, 'drain');
  }

  /**
   * Append `records[from..to)` as one chunk (one string, one stream write): a batch costs one
   * write request instead of one per record. Waits for drain when the OS buffer is full.
   */
  async writeMany(records: readonly unknown[], from = 0, to = records.length): Promise<void> {
    if (this.closed) throw new Error('JsonlWriter: write after close');
    if (to <= from) return;
    let text = '';
    for (let i = from; i < to; i++) text += `${JSON.stringify(records[i])}\n`;
    this.count += to - from;
    if (!this.stream.write(clean(text))) await once(this.stream, 'drain');
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stream.end();
    await once(this.stream, 'finish');
  }
}

export interface JsonlProblem {
  line: number;
  message: string;
}

/**
 * Read a JSONL file record by record. Corrupted lines are passed to `onProblem` (with the
 * 1-based line number) and skipped; blank lines are ignored.
 */
export async function* readJsonl<T = unknown>(
  path: string,
  onProblem: (problem: JsonlProblem) => void = () => {},
): AsyncGenerator<T> {
  const rl = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Number.POSITIVE_INFINITY });
  let line = 0;
  for await (const text of rl) {
    line++;
    if (text.trim() === '') continue;
    try {
      yield JSON.parse(text) as T;
    } catch (err) {
      onProblem({ line, message: err instanceof Error ? err.message : String(err) });
    }
  }
}

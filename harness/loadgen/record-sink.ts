/**
 * Serialises records into a JSONL writer: `push` never waits (the load generator must not),
 * one flush loop writes in order and honours the stream's backpressure, `close` waits for
 * the queue to empty. Without it, thousands of completions would each wait on the stream's
 * 'drain' event at once (one listener each).
 */
import type { JsonlWriter } from '../jsonl.js';

export class RecordSink<T = unknown> {
  private queue: T[] = [];
  private flushing: Promise<void> | null = null;
  private error: unknown = null;
  count = 0;

  constructor(private readonly writer: JsonlWriter) {}

  push(record: T): void {
    this.count++;
    this.queue.push(record);
    this.flushing ??= this.flush();
  }

  private async flush(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const batch = this.queue;
        this.queue = [];
        for (const r of batch) await this.writer.write(r);
      }
    } catch (err) {
      this.error ??= err;
      this.queue = [];
    } finally {
      this.flushing = null;
    }
  }

  /** Wait for every pushed record to be written, then close the writer. Rethrows a write error. */
  async close(): Promise<void> {
    while (this.flushing) await this.flushing;
    await this.writer.close();
    if (this.error) throw this.error;
  }
}

/**
 * Serialises records into a JSONL writer: `push` never waits (the load generator must not),
 * one flush loop writes in order and honours the stream's backpressure, `close` waits for
 * the queue to empty. Without it, thousands of completions would each wait on the stream's
 * 'drain' event at once (one listener each).
 *
 * Batching: the flush starts on the next turn of the event loop (setImmediate), so every
 * record completed in one turn goes out together, and records are written in chunks of
 * {@link CHUNK} lines, each one string and one stream write (`JsonlWriter.writeMany`) — not
 * one async write, one string and one stream request per record. A chunk is serialised
 * synchronously (~0.1 ms for 256 records), so the load generator is never held up long.
 */
import type { JsonlWriter } from '../../core/jsonl.js';

/** Records per stream write (≈ 64 KB of request records). */
const CHUNK = 256;

export class RecordSink<T = unknown> {
  private queue: T[] = [];
  private flushing: Promise<void> | null = null;
  private scheduled: NodeJS.Immediate | null = null;
  private error: unknown = null;
  count = 0;

  constructor(private readonly writer: JsonlWriter) {}

  push(record: T): void {
    this.count++;
    if (this.error) return; // the writer failed: close() rethrows, nothing more can be written
    this.queue.push(record);
    if (!this.flushing && !this.scheduled) this.scheduled = setImmediate(this.startFlush);
  }

  private readonly startFlush = (): void => {
    this.scheduled = null;
    this.flushing ??= this.flush();
  };

  private async flush(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const batch = this.queue;
        this.queue = [];
        for (let i = 0; i < batch.length; i += CHUNK) {
          await this.writer.writeMany(batch, i, Math.min(batch.length, i + CHUNK));
        }
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
    if (this.scheduled) {
      clearImmediate(this.scheduled);
      this.startFlush();
    }
    while (this.flushing) await this.flushing;
    await this.writer.close();
    if (this.error) throw this.error;
  }
}

/**
 * Serialises records into a JSONL writer with bounded memory (docs/engine.md "The load
 * generator"): `push` never waits (the load generator must not); records wait in a buffer of
 * at most `capacity`; one flush loop writes them in order in chunks of {@link CHUNK} lines
 * (one string, one stream write each) and waits for the stream's 'drain' when the OS buffer
 * is full. When the disk falls so far behind that the buffer would overflow, the sink stops
 * buffering and `close` throws: the point's requests.jsonl would be incomplete, so the run
 * stops with a clear error rather than grow without bound or keep a partial file. The flush
 * starts on the next turn of the event loop (setImmediate): a turn's records go out together.
 */

import { PlatformError } from '../../core/errors.js';
import type { JsonlWriter } from '../../core/jsonl.js';
import { debugCrashPoint } from '../../core/lifecycle.js';

/** Records per stream write (≈ 64 KB of request records). */
const CHUNK = 256;
/** Default bound on the records waiting to be written (≈ 20 MB of request records). */
export const DEFAULT_SINK_CAPACITY = 65_536;

export class RecordSink<T = unknown> {
  private queue: T[] = [];
  private flushing: Promise<void> | null = null;
  private scheduled: NodeJS.Immediate | null = null;
  /** The writer's failure: nothing more can be written. */
  private failure: unknown = null;
  /** Set when the buffer would have overflowed: what was buffered is still written. */
  private overflowed: PlatformError | null = null;
  /** Records pushed and not yet written (queued or in the chunk being written). */
  private waiting = 0;
  /** Records pushed. */
  count = 0;
  /** The most records that waited at once. */
  peakWaiting = 0;

  constructor(
    private readonly writer: Pick<JsonlWriter, 'writeMany' | 'close'>,
    readonly capacity = DEFAULT_SINK_CAPACITY,
  ) {}

  push(record: T): void {
    this.count++;
    debugCrashPoint('records', this.count);
    if (this.failure || this.overflowed) return; // close() throws
    if (this.waiting >= this.capacity) {
      this.overflowed = this.overflow();
      return;
    }
    this.queue.push(record);
    this.waiting++;
    if (this.waiting > this.peakWaiting) this.peakWaiting = this.waiting;
    if (!this.flushing && !this.scheduled) this.scheduled = setImmediate(this.startFlush);
  }

  private overflow(): PlatformError {
    return new PlatformError(
      `requests.jsonl fell behind: ${this.capacity} records were waiting to be written when record ${this.count} completed (the sink's bound); the point's records would be incomplete`,
      { hint: 'write the run to a faster disk (--out), or lower the arrival rate' },
    );
  }

  private readonly startFlush = (): void => {
    this.scheduled = null;
    if (this.flushing) return;
    this.flushing = this.flush().finally(() => {
      this.flushing = null;
    });
  };

  private async flush(): Promise<void> {
    try {
      while (this.queue.length > 0 && !this.failure) {
        const batch = this.queue;
        this.queue = [];
        for (let i = 0; i < batch.length; i += CHUNK) {
          const to = Math.min(batch.length, i + CHUNK);
          await this.writer.writeMany(batch, i, to);
          this.waiting -= to - i;
        }
      }
    } catch (err) {
      this.failure ??= err;
      this.queue = [];
    }
  }

  /** Wait for every pushed record to be written, then close the writer. Rethrows a write error or an overflow. */
  async close(): Promise<void> {
    if (this.scheduled) {
      clearImmediate(this.scheduled);
      this.startFlush();
    }
    while (this.flushing) await this.flushing;
    await this.writer.close();
    if (this.failure) throw this.failure;
    if (this.overflowed) throw this.overflowed;
  }
}

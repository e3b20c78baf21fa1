import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { JsonlWriter } from '../../core/jsonl.js';
import { RecordSink } from '../../harness/loadgen/record-sink.js';

const dir = mkdtempSync(join(tmpdir(), 'fm-sink-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('RecordSink', () => {
  it('writes every pushed record once, in push order, through backpressure', async () => {
    const file = join(dir, 'r.jsonl');
    const sink = new RecordSink(await JsonlWriter.open(file));
    const payload = 'x'.repeat(200); // 50,000 lines × ~220 B overflow the stream buffer many times
    for (let i = 0; i < 50_000; i++) sink.push({ i, payload });
    await sink.close();
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    assert.equal(lines.length, 50_000);
    for (const [i, l] of lines.entries()) assert.equal((JSON.parse(l) as { i: number }).i, i);
    assert.equal(sink.count, 50_000);
  });

  it('writes what one event-loop turn pushed in chunks of 256, in order', async () => {
    const calls: [number, number][] = [];
    const written: unknown[] = [];
    const writer = {
      async writeMany(records: readonly unknown[], from: number, to: number) {
        calls.push([from, to]);
        written.push(...records.slice(from, to));
      },
      async close() {},
    };
    const sink = new RecordSink(writer as unknown as JsonlWriter);
    for (let i = 0; i < 600; i++) sink.push(i);
    await sink.close();
    assert.deepEqual(calls, [
      [0, 256],
      [256, 512],
      [512, 600],
    ]);
    assert.deepEqual(
      written,
      Array.from({ length: 600 }, (_, i) => i),
    );
  });

  it('rethrows a write error from close()', async () => {
    const writer = {
      async writeMany() {
        throw new Error('disk full');
      },
      async close() {},
    };
    const sink = new RecordSink(writer as unknown as JsonlWriter);
    sink.push({ a: 1 });
    await assert.rejects(sink.close(), /disk full/);
    assert.equal(sink.count, 1);
  });
});

describe('RecordSink: bounded memory', () => {
  /** A writer whose writes wait until `open()` is called: a disk that has stalled. */
  function stalledWriter() {
    const written: unknown[] = [];
    let release: () => void = () => {};
    let gate = new Promise<void>((r) => {
      release = r;
    });
    return {
      written,
      open() {
        release();
        gate = Promise.resolve();
      },
      writer: {
        async writeMany(records: readonly unknown[], from: number, to: number) {
          await gate;
          written.push(...records.slice(from, to));
        },
        async close() {},
      },
    };
  }

  it('never holds more than its capacity, never blocks push, and fails close() on overflow', async () => {
    const disk = stalledWriter();
    const sink = new RecordSink<number>(disk.writer, 1000);
    for (let i = 0; i < 5000; i++) sink.push(i); // synchronous: push never waits
    await new Promise((r) => setImmediate(r)); // the flush starts and stalls on the first chunk
    assert.equal(sink.count, 5000);
    assert.equal(sink.peakWaiting, 1000, 'the buffer stops at its capacity');
    disk.open();
    await assert.rejects(sink.close(), (err: Error & { code?: string }) => {
      assert.equal(err.code, 'FM_PLATFORM');
      assert.match(err.message, /requests\.jsonl fell behind: 1000 records were waiting .* record 1001/);
      return true;
    });
    assert.deepEqual(
      disk.written,
      Array.from({ length: 1000 }, (_, i) => i),
      'what was buffered is written, in order; nothing after the overflow',
    );
  });

  it('keeps up when the disk does: a burst larger than the capacity spread over turns is fine', async () => {
    const disk = stalledWriter();
    disk.open();
    const sink = new RecordSink<number>(disk.writer, 600);
    for (let turn = 0; turn < 20; turn++) {
      for (let i = 0; i < 500; i++) sink.push(turn * 500 + i);
      await new Promise((r) => setImmediate(r));
      await new Promise((r) => setImmediate(r));
    }
    await sink.close();
    assert.equal(disk.written.length, 10_000);
    assert.ok(sink.peakWaiting <= 600, `peak ${sink.peakWaiting}`);
  });
});

/**
 * Invoker-log parsing against fixtures in the real line format (docs/design/platform-facts.md "Invoker log"):
 * prewarmed containers, a recreated container, cold starts joined via #tid, other actions
 * interleaved, a stack trace, a missing delete line, a timestamp without zone (UTC).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import {
  InvokerLogParser,
  parseInvokerLog,
  parseLine,
  parseUtc,
} from '../../../platforms/openwhisk/invoker-log.js';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const ms = (iso: string) => Date.parse(iso);

describe('invoker log: Kubernetes container factory', () => {
  const p = parseInvokerLog(fixture('invoker-kube.log'));

  it('joins cold starts (container: None) to the pod of the same #tid', () => {
    assert.equal(p.activation('act-aes-1')?.container, 'wskowdev-invoker-00-2-guest-faasmarkaes');
    assert.equal(p.activation('act-aes-1')?.cold, true);
    assert.equal(p.activation('act-aes-3')?.container, 'wskowdev-invoker-00-3-guest-faasmarkaes');
    assert.equal(p.activation('act-aes-3')?.state, 'recreated');
    assert.equal(p.activation('act-aes-3')?.cold, true);
  });

  it('classifies warm states and prewarmed containers', () => {
    assert.equal(p.activation('act-aes-2')?.cold, false);
    assert.equal(p.activation('act-aes-4')?.state, 'warming');
    assert.equal(p.activation('act-aes-4')?.cold, false);
    const hello = p.activation('act-hello-1');
    assert.equal(hello?.state, 'prewarmed');
    assert.equal(hello?.cold, true); // a prewarmed container is initialised for the activation (initTime present)
  });

  it('builds spans create_start → delete_start; a missing delete line leaves the span open', () => {
    const spans = p.containerSpans('faasmark-aes');
    assert.deepEqual(
      spans.map((s) => [s.container, s.createdMs, s.deletedMs, s.activations]),
      [
        [
          'wskowdev-invoker-00-2-guest-faasmarkaes',
          ms('2026-03-05T18:24:20.105Z'),
          ms('2026-03-05T18:25:22.990Z'),
          ['act-aes-1', 'act-aes-2'],
        ],
        [
          'wskowdev-invoker-00-3-guest-faasmarkaes',
          ms('2026-03-05T18:24:24.010Z'),
          null,
          ['act-aes-3', 'act-aes-4'],
        ],
      ],
    );
    assert.ok(spans.every((s) => s.createdFromMarker));
  });

  it('keeps other actions and prewarm containers apart', () => {
    const all = p.containerSpans();
    assert.equal(all.length, 3);
    const pre = all.find((s) => s.container.includes('prewarm'));
    assert.deepEqual(pre?.actions, ['hello']);
    assert.equal(pre?.prewarmed, true);
    assert.equal(pre?.createdMs, ms('2026-03-05T18:24:10.001Z'));
    assert.deepEqual(
      p.activationStates('faasmark-aes').map((a) => a.activationId),
      ['act-aes-1', 'act-aes-2', 'act-aes-3', 'act-aes-4'],
    );
  });

  it('reads a timestamp without zone as UTC and counts lines it cannot parse', () => {
    assert.equal(p.activation('act-aes-4')?.atMs, ms('2026-03-05T18:24:27.000Z'));
    assert.equal(p.unparsed, 2); // the two stack-trace lines
  });
});

describe('invoker log: Docker container factory', () => {
  it('takes the id from the transaction after docker run, and docker rm as the end', () => {
    const p = parseInvokerLog(fixture('invoker-docker.log'));
    const id = '5f3c9d2a1b7e4c6d8e9f0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d';
    const [s] = p.containerSpans('faasmark-matmul');
    assert.equal(s?.container, id);
    assert.equal(s?.createdMs, ms('2026-03-05T10:00:00.010Z'));
    assert.equal(s?.deletedMs, ms('2026-03-05T10:10:05.500Z'));
    assert.deepEqual(s?.activations, ['d-act-1', 'd-act-2']);
  });
});

describe('invoker log: incremental feeding', () => {
  it('gives the same result line by line as in one go, and notifies on each containerStart', () => {
    const text = fixture('invoker-kube.log');
    const inc = new InvokerLogParser();
    let notified = 0;
    inc.onActivation(() => notified++);
    for (const line of text.split('\n')) inc.feed(line);
    assert.deepEqual(inc.containerSpans(), parseInvokerLog(text).containerSpans());
    assert.ok(notified >= 5);
  });

  it('rejects lines of other shapes (table)', () => {
    const cases = [
      '',
      'plain text',
      '[not a date] [INFO] [#tid_1] [X] msg',
      '[2026-03-05T10:00:00Z] [INFO] missing tid',
    ];
    for (const c of cases) assert.equal(parseLine(c), undefined, c);
    assert.equal(parseUtc('2026-03-05T10:00:00.000+01:00'), ms('2026-03-05T09:00:00.000Z'));
  });
});

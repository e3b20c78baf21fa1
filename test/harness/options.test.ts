import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDuration } from '../../core/duration.js';
import { UsageError } from '../../core/errors.js';
import { parseChoice, parseNumber, parseNumberList } from '../../harness/cli/options.js';

describe('parseNumber', () => {
  it('accepts valid numbers', () => {
    assert.equal(parseNumber('--arrival-rate', '2.5', { greaterThan: 0 }), 2.5);
    assert.equal(parseNumber('--max-concurrency', '10', { min: 1, integer: true }), 10);
  });
  for (const [raw, rule] of [
    ['0', { greaterThan: 0 }],
    ['-3', { greaterThan: 0 }],
    ['NaN', {}],
    ['1x', {}],
    ['', {}],
    ['Infinity', {}],
    ['1.5', { integer: true }],
    ['0', { min: 1, integer: true }],
  ] as const) {
    it(`rejects ${JSON.stringify(raw)} naming the flag`, () => {
      assert.throws(
        () => parseNumber('--flag', raw, rule),
        (err: unknown) =>
          err instanceof UsageError &&
          err.message.startsWith('--flag must be') &&
          err.message.includes(JSON.stringify(raw)),
      );
    });
  }
});

describe('parseNumberList', () => {
  it('parses comma lists', () => {
    assert.deepEqual(parseNumberList('--keep-alive', '1,5,30', { greaterThan: 0 }), [1, 5, 30]);
  });
  it('names the junk element', () => {
    assert.throws(() => parseNumberList('--keep-alive', '1,x,3', { greaterThan: 0 }), /--keep-alive .*"x"/);
    assert.throws(() => parseNumberList('--keep-alive', '1,,3'), /--keep-alive/);
  });
});

describe('parseDuration', () => {
  it('parses units', () => {
    assert.equal(parseDuration('warmup', '10s'), 10);
    assert.equal(parseDuration('warmup', '5m'), 300);
    assert.equal(parseDuration('warmup', '1m30s'), 90);
    assert.equal(parseDuration('warmup', '500ms'), 0.5);
    assert.equal(parseDuration('warmup', '42'), 42);
    assert.equal(parseDuration('warmup', 7), 7);
  });
  it('rejects junk', () => {
    assert.throws(() => parseDuration('suite.warmup', '10 parsecs'), /suite.warmup must be a duration/);
    assert.throws(() => parseDuration('suite.warmup', -1), /suite.warmup/);
  });
});

describe('parseChoice', () => {
  it('lists accepted values', () => {
    assert.equal(parseChoice('--variant', 'thesis', ['thesis', 'original']), 'thesis');
    assert.throws(
      () => parseChoice('--variant', 'x', ['thesis', 'original']),
      /--variant must be one of thesis, original, got "x"/,
    );
  });
});

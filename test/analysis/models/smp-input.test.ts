import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseSmpInputs } from '../../../analysis/models/smp-input.js';
import { InputError } from '../../../core/errors.js';

describe('parseSmpInputs', () => {
  it('reads a JSON array and JSONL (blank lines skipped) into the same inputs', () => {
    const items = [
      { arrivalRate: 1, warm: 0.1, cold: 2, keepAlive: 5 },
      {
        arrivalRate: 2,
        warm: 0.1,
        cold: 2,
        keepAlive: 5,
        maxConcurrency: 3,
        variant: 'original',
        fasterSolution: false,
      },
    ];
    const fromArray = parseSmpInputs(JSON.stringify(items), 'a.json');
    const fromJsonl = parseSmpInputs(`${items.map((i) => JSON.stringify(i)).join('\n\n')}\n`, 'a.jsonl');
    assert.deepEqual(fromArray, items);
    assert.deepEqual(fromJsonl, items);
  });
  it('ignores output-named keys (reference tables can be fed back)', () => {
    const [input] = parseSmpInputs(
      '{"arrivalRate":1,"warm":1,"cold":2,"keepAlive":3,"avgRespTime":9,"notes":[]}',
      'f',
    );
    assert.deepEqual(input, { arrivalRate: 1, warm: 1, cold: 2, keepAlive: 3 });
  });
  const cases: [string, string, RegExp][] = [
    ['empty file', '  \n', /f: no input objects found/],
    ['broken array', '[{"arrivalRate":1', /f: not valid JSON/],
    [
      'broken JSONL line',
      '{"arrivalRate":1,"warm":1,"cold":2,"keepAlive":3}\n{oops}',
      /f: line 2 is not valid JSON/,
    ],
    ['non-object item', '[1]', /f: item 1 must be an object/],
    [
      'unknown key',
      '[{"arrivalRate":1,"warm":1,"cold":2,"keepAlive":3,"tau":4}]',
      /item 1: unknown key "tau"/,
    ],
    [
      'missing key',
      '[{"arrivalRate":1,"warm":1,"cold":2}]',
      /item 1: keepAlive must be a finite number > 0, got nothing/,
    ],
    [
      'bad variant',
      '[{"arrivalRate":1,"warm":1,"cold":2,"keepAlive":3,"variant":"x"}]',
      /item 1: variant must be one of/,
    ],
    ['string number', '[{"arrivalRate":"1","warm":1,"cold":2,"keepAlive":3}]', /item 1: arrivalRate must be/],
    [
      'non-boolean fasterSolution',
      '[{"arrivalRate":1,"warm":1,"cold":2,"keepAlive":3,"fasterSolution":"no"}]',
      /fasterSolution must be true or false/,
    ],
    [
      'second item bad',
      '[{"arrivalRate":1,"warm":1,"cold":2,"keepAlive":3},{"arrivalRate":1,"warm":1,"cold":2,"keepAlive":3,"maxConcurrency":0}]',
      /item 2: maxConcurrency must be an integer/,
    ],
  ];
  for (const [name, text, re] of cases) {
    it(`rejects ${name}`, () => {
      assert.throws(
        () => parseSmpInputs(text, 'f'),
        (e: unknown) => e instanceof InputError && re.test(e.message),
      );
    });
  }
});

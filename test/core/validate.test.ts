/**
 * The shared validator (core/validate.ts): one instance for draft-07 and draft 2020-12
 * schemas, defaults filled into a copy, schemas compiled once per `$id`, and the one message
 * format (`<where>.<path> <rule>, got <value>`) as a case table.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compile, joinPath, validate } from '../../core/validate.js';

const draft07 = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'test/validate/draft-07',
  type: 'object',
  additionalProperties: false,
  definitions: { positive: { type: 'number', exclusiveMinimum: 0 } },
  properties: {
    rate: { $ref: '#/definitions/positive' },
    mode: { enum: ['a', 'b'], default: 'a' },
    at: { type: 'string', format: 'date-time' },
  },
} as const;

const draft2020 = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'test/validate/2020-12',
  type: 'object',
  additionalProperties: false,
  $defs: { port: { type: 'integer', minimum: 1, maximum: 65535 } },
  properties: {
    port: { $ref: '#/$defs/port' },
    key: {
      type: 'string',
      pattern: '^[^:]+:[^:]+$',
      writeOnly: true,
      errorMessage: 'must look like <a>:<b>',
    },
    artifact: { type: 'object', anyOf: [{ required: ['wasm'] }, { required: ['native'] }] },
    count: {
      oneOf: [
        { type: 'integer', minimum: 1 },
        { type: 'string', pattern: '^[0-9]+$' },
      ],
    },
  },
} as const;

describe('core/validate', () => {
  it('validates draft-07 and draft 2020-12 schemas through one instance, defaults into a copy', () => {
    const input = { rate: 2 };
    const ok = validate<{ rate: number; mode: string }>(draft07, input, 'x');
    assert.deepEqual(ok, { value: { rate: 2, mode: 'a' }, problems: [] });
    assert.deepEqual(input, { rate: 2 }, 'the input is not changed');
    assert.deepEqual(validate(draft2020, { port: 80 }, 'y').problems, []);
    assert.deepEqual(validate(draft07, { at: 'yesterday' }, 'x').problems, [
      'x.at must be a date-time, got "yesterday"',
    ]);
  });

  it('compiles a schema once per $id', () => {
    assert.equal(compile(draft07), compile({ ...draft07 }));
    const anonymous = { type: 'string' };
    assert.equal(compile(anonymous), compile(anonymous));
  });

  it('joins paths the way users write them', () => {
    assert.equal(joinPath('sim', '/serviceTime/cv'), 'sim.serviceTime.cv');
    assert.equal(joinPath('s.yaml:', '/keepAlive/1'), 's.yaml: keepAlive[1]');
    assert.equal(joinPath('s.yaml: platforms[1]', '/workloads/a~1b'), 's.yaml: platforms[1].workloads.a/b');
  });

  const cases: Array<[string, unknown, string[]]> = [
    ['a bound', { rate: 0 }, ['w.rate must be > 0, got 0']],
    ['an enum', { mode: 'c' }, ['w.mode must be one of a, b, got "c"']],
    ['an unknown key with a suggestion', { rte: 1 }, ['w: unknown key "rte" (did you mean "rate"?)']],
    ['a type', 'x', ['w must be object, got "x"']],
  ];
  for (const [label, value, problems] of cases) {
    it(`names the path, the rule and the value: ${label}`, () => {
      assert.deepEqual(validate(draft07, value, 'w').problems, problems);
    });
  }

  it('never echoes a writeOnly value, folds anyOf / oneOf into one line', () => {
    assert.deepEqual(
      validate(draft2020, { key: 'no-colon-SECRET', artifact: {}, count: 'many' }, 'p').problems,
      [
        'p.key must look like <a>:<b>',
        'p.artifact needs wasm or native, got {}',
        'p.count must be an integer >= 1 or a string matching ^[0-9]+$, got "many"',
      ],
    );
  });
});

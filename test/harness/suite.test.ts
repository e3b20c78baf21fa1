import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Ajv } from 'ajv';
import { ConfigError } from '../../core/errors.js';
import { rootPath } from '../../core/paths.js';
import { exitCodeFor } from '../../harness/cli/exit.js';
import { loadSuite, parseSuiteText, shippedSuites, validateSuite } from '../../harness/suite/load.js';
import { filterPoints, planSuite } from '../../harness/suite/plan.js';
import { suiteSchema } from '../../harness/suite/schema.js';
import { fakeResolver } from './fakes/resolver.js';

// A suite in the documented shape (docs/engine.md "Suite reference").
const ISSUE_EXAMPLE = `name: quick
seed: 204
arrivals: poisson            # poisson | conditional-poisson | deterministic | trace
warmup: 10s
duration: 60s
sweep: keep-alive            # keep-alive | load
arrivalRate: 1               # number or list (req/s)
keepAlive: [1, 5, 30]        # number or list (s); ignored by Wasm platforms
workloads: [aes]
platforms:
  - name: local-container
    routing: mru
  - name: local-wasm
`;

const resolver = fakeResolver();
const validate = (raw: unknown, file = 'suite.yaml') => validateSuite(raw, { file, resolver });

async function problemsOf(raw: unknown): Promise<string[]> {
  try {
    await validate(raw);
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    assert.equal(exitCodeFor(err), 2);
    return err.problems;
  }
  assert.fail('expected a ConfigError');
}

const base = () => parseSuiteText(ISSUE_EXAMPLE, 'suite.yaml') as Record<string, unknown>;

describe('suite loading', () => {
  it("resolves inputPreset: thesis into every workload's input, overrides merged over it", async () => {
    const raw = {
      ...base(),
      workloads: ['aes', 'matmul'],
      inputPreset: 'thesis',
      workloadInput: { matmul: { seed: 7 } },
    };
    const s = await validate(raw);
    assert.equal(s.inputPreset, 'thesis');
    assert.equal(s.workloadInput.aes?.iterations, 40_000);
    assert.deepEqual(s.workloadInput.matmul, { n: 500, seed: 7 });
    const plain = await validate(base());
    assert.equal(plain.inputPreset, undefined);
    assert.deepEqual(plain.workloadInput, {});
  });

  it('accepts the issue example and normalises it', async () => {
    const s = await validate(base());
    assert.equal(s.name, 'quick');
    assert.equal(s.seed, 204);
    assert.equal(s.warmup, 10);
    assert.equal(s.duration, 60);
    assert.deepEqual(s.arrivalRate, [1]);
    assert.deepEqual(s.keepAlive, [1, 5, 30]);
    assert.deepEqual(
      s.platforms.map((p) => [p.name, p.label, p.config]),
      [
        ['local-container', 'local-container', { name: 'local-container', routing: 'mru' }],
        ['local-wasm', 'local-wasm', { name: 'local-wasm' }],
      ],
    );
    assert.deepEqual(s.thresholds, { maxRateShortfall: 0.05, errorBudget: 0.01, minRequests: 30 });
  });

  it('accepts the issue example with the real platform schemas, once they are built', async (t) => {
    if (
      !existsSync(rootPath('platforms', 'local-container', 'config.ts')) ||
      !existsSync(rootPath('platforms', 'local-wasm', 'config.ts'))
    ) {
      t.skip('platform config modules not built yet');
      return;
    }
    const s = await validateSuite(base(), { file: 'suite.yaml' });
    assert.equal(s.platforms.length, 2);
  });

  it('names the path and the problem (message shape)', async () => {
    const raw = base();
    (raw.platforms as Record<string, unknown>[])[0] = { name: 'local-container', routing: 'lru' };
    assert.deepEqual(await problemsOf(raw), [
      'suite.yaml: platforms[0].routing must be one of mru, newest, random, got "lru"',
    ]);
  });

  const cases: [string, (r: Record<string, unknown>) => void, RegExp][] = [
    [
      'unknown top-level key with a suggestion',
      (r) => (r.keepalive = 5),
      /suite.yaml: unknown key "keepalive" \(did you mean "keepAlive"\?\)/,
    ],
    [
      'unknown platform key',
      (r) => ((r.platforms as Record<string, unknown>[])[1] = { name: 'local-wasm', wrokers: 2 }),
      /platforms\[1\]: unknown key "wrokers" \(did you mean "workers"\?\)/,
    ],
    [
      'unknown platform',
      (r) => (r.platforms = [{ name: 'lambda' }]),
      /platforms\[0\].name must be one of local-container, local-wasm, sim, openwhisk, spin, got "lambda"/,
    ],
    ['bad duration', (r) => (r.warmup = '10 parsecs'), /warmup must be a duration like 30, "500ms"/],
    ['negative rate', (r) => (r.arrivalRate = -3), /arrivalRate must be > 0, got -3/],
    ['bad list element', (r) => (r.keepAlive = [1, 'x']), /keepAlive\[1\] must be number, got "x"/],
    [
      'unknown arrivals',
      (r) => (r.arrivals = 'bursty'),
      /arrivals must be one of poisson, conditional-poisson, deterministic, trace, got "bursty"/,
    ],
    [
      'unknown workload',
      (r) => (r.workloads = ['aes', 'md5']),
      /workloads\[1\] must be one of aes, matmul, whatlang, float, got "md5"/,
    ],
    ['missing duration', (r) => delete r.duration, /suite.yaml: missing required key "duration"/],
    ['zero duration', (r) => (r.duration = 0), /duration must be > 0/],
    ['trace without a file', (r) => (r.arrivals = 'trace'), /arrivals: trace needs a trace/],
    [
      'container without keepAlive',
      (r) => delete r.keepAlive,
      /keepAlive is required for container platforms/,
    ],
    [
      'duplicate platform entries',
      (r) => (r.platforms = [{ name: 'local-container' }, { name: 'local-container' }]),
      /needs a distinct label/,
    ],
    ['repeat 0', (r) => (r.repeat = 0), /repeat must be >= 1, got 0/],
    [
      'unknown workloadInput key',
      (r) => (r.workloadInput = { md5: {} }),
      /workloadInput: key "md5" must be one of aes/,
    ],
    ['bad workload input', (r) => (r.workloadInput = { aes: { iterations: -1 } }), /workloadInput\.aes: /],
    ['unknown input preset', (r) => (r.inputPreset = 'huge'), /inputPreset must be one of default, thesis/],
    [
      'profile spacing not a duration',
      (r) => (r.modelInputs = { spacing: 'fast' }),
      /suite.yaml: modelInputs.spacing must be a duration like 30, "500ms"/,
    ],
    [
      'negative profile spacing',
      (r) => (r.modelInputs = { spacing: -1 }),
      /suite.yaml: modelInputs.spacing must be >= 0, got -1/,
    ],
    [
      'profile spacing too long',
      (r) => (r.modelInputs = { spacing: '2m' }),
      /suite.yaml: modelInputs.spacing must be at most 60 s .*got "2m"/,
    ],
    [
      'negative priming',
      (r) => (r.modelInputs = { priming: -1 }),
      /suite.yaml: modelInputs.priming must be >= 0, got -1/,
    ],
    [
      'fractional priming',
      (r) => (r.modelInputs = { priming: 1.5 }),
      /suite.yaml: modelInputs.priming must be integer, got 1.5/,
    ],
    [
      'misspelt spacing',
      (r) => (r.modelInputs = { spcing: '1s' }),
      /suite.yaml: modelInputs: unknown key "spcing" \(did you mean "spacing"\?\)/,
    ],
    [
      'given inputs incomplete',
      (r) => (r.modelInputs = { source: 'given', given: { aes: { warm: 0.02 } } }),
      /modelInputs.given.aes.cold is required/,
    ],
  ];
  for (const [name, mutate, re] of cases) {
    it(`rejects: ${name}`, async () => {
      const raw = base();
      mutate(raw);
      const problems = await problemsOf(raw);
      assert.ok(
        problems.some((p) => re.test(p)),
        `no problem matched ${re}:\n${problems.join('\n')}`,
      );
    });
  }

  it('profile spacing and priming: thesis defaults (2 s, 2), durations parsed once', async () => {
    const d = await validate(base());
    assert.deepEqual(d.modelInputs, {
      source: 'profile',
      runs: 5,
      spacing: 2,
      priming: 2,
      coldRuns: 3,
      given: {},
    });
    const raw = base();
    raw.modelInputs = { runs: 3, spacing: '500ms', priming: 0 };
    const s = await validate(raw);
    assert.deepEqual(s.modelInputs, {
      source: 'profile',
      runs: 3,
      spacing: 0.5,
      priming: 0,
      coldRuns: 3,
      given: {},
    });
  });

  it("the plan's estimate includes the profile's gaps (capped at keepAlive / 2 on containers)", async () => {
    const raw = base();
    raw.modelInputs = { runs: 5, spacing: '2s', priming: 2 };
    const points = planSuite(await validate(raw));
    const run = 10 + 60 + 5; // warm-up + duration + POINT_OVERHEAD_SECONDS
    // containers: 3 cold + 2 + 5 calls → 9 gaps of min(2, τ/2); Wasm: 2 + 5 calls → 6 gaps of 2 s
    assert.deepEqual(
      points.map((p) => [p.id, p.estimatedSeconds]),
      [
        ['local-container.aes.rate1.ka1.rep0', run + 9 * 0.5],
        ['local-container.aes.rate1.ka5.rep0', run + 9 * 2],
        ['local-container.aes.rate1.ka30.rep0', run + 9 * 2],
        ['local-wasm.aes.rate1.rep0', run + 6 * 2],
      ],
    );
  });

  it('reports every problem at once', async () => {
    const raw = base();
    raw.arrivalRate = 0;
    raw.sweep = 'both';
    raw.bogus = 1;
    assert.equal((await problemsOf(raw)).length, 3);
  });

  it('scale multiplies warm-up and duration', async () => {
    const s = await validateSuite(base(), { file: 'suite.yaml', resolver, scale: 0.1 });
    assert.equal(s.warmup, 1);
    assert.equal(s.duration, 6);
  });

  it('reads a trace file relative to the suite', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fm-suite-'));
    writeFileSync(join(dir, 'trace.csv'), 'minute,count\n0,30\n1,90\n');
    writeFileSync(
      join(dir, 's.yaml'),
      `${ISSUE_EXAMPLE}\ntrace: {file: trace.csv, within: poisson}\n`.replace(
        'arrivals: poisson',
        'arrivals: trace',
      ),
    );
    const s = await loadSuite(join(dir, 's.yaml'), { resolver });
    assert.deepEqual(s.trace?.counts, [30, 90]);
    assert.equal(s.trace?.within, 'poisson');
  });

  it('reports YAML syntax errors as bad input', () => {
    assert.throws(
      () => parseSuiteText('name: [unclosed', 'x.yaml'),
      (e: unknown) => e instanceof ConfigError && exitCodeFor(e) === 2,
    );
  });

  it('the published schema is a valid JSON Schema with a versioned $id', () => {
    const schema = suiteSchema();
    assert.match(String(schema.$id), /suite\/v\d+\.json$/);
    new Ajv({ strict: false }).compile(schema);
  });
});

describe('plan', () => {
  it('containers get rate × keep-alive points, Wasm one per rate; repetitions interleave', async () => {
    const raw = base();
    raw.repeat = 2;
    const points = planSuite(await validate(raw));
    assert.deepEqual(
      points.map((p) => p.id),
      [
        'local-container.aes.rate1.ka1.rep0',
        'local-container.aes.rate1.ka5.rep0',
        'local-container.aes.rate1.ka30.rep0',
        'local-wasm.aes.rate1.rep0',
        'local-container.aes.rate1.ka1.rep1',
        'local-container.aes.rate1.ka5.rep1',
        'local-container.aes.rate1.ka30.rep1',
        'local-wasm.aes.rate1.rep1',
      ],
    );
    assert.equal(points[3]?.keepAlive, null);
    assert.equal(points[3]?.executor, 'wasm');
    assert.deepEqual(
      points.map((p) => p.seed),
      [204, 204, 204, 204, 205, 205, 205, 205],
    );
    assert.equal(points[0]?.expectedRequests, 70);
  });

  it('--only filters by substring or glob', async () => {
    const points = planSuite(await validate(base()));
    assert.deepEqual(
      filterPoints(points, 'wasm').map((p) => p.id),
      ['local-wasm.aes.rate1.rep0'],
    );
    assert.equal(filterPoints(points, 'local-container.*.ka*').length, 3);
  });
});

describe('shipped suites', () => {
  for (const name of ['quick', 'thesis-keepalive', 'thesis-load', 'thesis-load-wasm', 'nightly']) {
    it(`${name} is shipped and valid`, async () => {
      assert.ok(shippedSuites().includes(name));
      // the real platform schemas once every platform's config module is built, else the fakes
      const real = ['local-container', 'local-wasm', 'sim', 'openwhisk', 'spin'].every((p) =>
        existsSync(rootPath('platforms', p, 'config.ts')),
      );
      const s = await loadSuite(name, real ? {} : { resolver: fakeResolver() });
      assert.equal(s.name, name);
      assert.ok(planSuite(s).length > 0);
    });
  }
});

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { SMP_OUTPUT_KEYS, type SmpInput, solveSmp } from '../../../analysis/models/smp.js';
import { runCli } from '../../helpers/cli.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'faasmark-models-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const AES = ['--warm', '0.0259', '--cold', '2.5849'];

describe('faasmark predict smp', () => {
  it('single point with --json: one object with inputs and the 11 outputs', async () => {
    const r = await runCli(['predict', 'smp', '--arrival-rate', '1', ...AES, '--keep-alive', '1', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.ok(!Array.isArray(doc));
    assert.deepEqual(Object.keys(doc).slice(0, 6), [
      'arrivalRate',
      'warm',
      'cold',
      'keepAlive',
      'maxConcurrency',
      'variant',
    ]);
    assert.equal(doc.maxConcurrency, 1000);
    assert.equal(doc.variant, 'thesis');
    const expected = solveSmp({ arrivalRate: 1, warm: 0.0259, cold: 2.5849, keepAlive: 1 });
    for (const key of SMP_OUTPUT_KEYS) assert.equal(doc[key], expected[key], key);
    assert.equal(doc.avgRespTime, 1.497603024162979); // thesis Model block, aes τ = 1
  });

  it('comma lists sweep rate-major into an array; original variant and M pass through', async () => {
    const r = await runCli([
      'predict',
      'smp',
      '--arrival-rate',
      '1,2',
      ...AES,
      '--keep-alive',
      '1,10,60',
      '--variant',
      'original',
      '--max-concurrency',
      '5',
      '--json',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.length, 6);
    assert.deepEqual(
      doc.map((d: SmpInput) => [d.arrivalRate, d.keepAlive]),
      [
        [1, 1],
        [1, 10],
        [1, 60],
        [2, 1],
        [2, 10],
        [2, 60],
      ],
    );
    assert.ok(doc.every((d: SmpInput) => d.variant === 'original' && d.maxConcurrency === 5));
    // a one-element list is still a single point
    const single = await runCli([
      'predict',
      'smp',
      '--arrival-rate',
      '1',
      ...AES,
      '--keep-alive',
      '60',
      '--json',
    ]);
    assert.ok(!Array.isArray(JSON.parse(single.stdout)));
  });

  it('prints a table by default', async () => {
    const r = await runCli(['predict', 'smp', '--arrival-rate', '1', ...AES, '--keep-alive', '1']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /avgRespTime \(s\)\s+│ 1\.4976/);
    const sweep = await runCli(['predict', 'smp', '--arrival-rate', '1', ...AES, '--keep-alive', '1,10']);
    assert.match(sweep.stdout, /respTime/);
    assert.equal(sweep.stdout.split('\n').filter((l) => l.startsWith('│ 1 ')).length, 2);
  });

  it('--input: JSON array and JSONL give arrays in input order, matching pacsltk', async () => {
    const ref = JSON.parse(
      readFileSync(new URL('./fixtures/pacsltk-reference.json', import.meta.url), 'utf8'),
    ) as {
      points: { input: SmpInput; output: Record<string, number> }[];
    };
    const picked = ref.points.filter((_, i) => i % 37 === 0);
    const arrayFile = join(dir, 'points.json');
    writeFileSync(arrayFile, JSON.stringify(picked.map((p) => p.input)));
    const jsonlFile = join(dir, 'points.jsonl');
    // JSONL rows may carry expected outputs (a reference table fed back as is)
    writeFileSync(
      jsonlFile,
      `${picked.map((p) => JSON.stringify({ ...p.input, ...p.output })).join('\n')}\n`,
    );
    for (const file of [arrayFile, jsonlFile]) {
      const r = await runCli(['predict', 'smp', '--input', file, '--json']);
      assert.equal(r.code, 0, r.stderr);
      const doc = JSON.parse(r.stdout);
      assert.equal(doc.length, picked.length);
      doc.forEach((d: Record<string, number>, i: number) => {
        assert.equal(d.keepAlive, picked[i]!.input.keepAlive);
        assert.equal(d.arrivalRate, picked[i]!.input.arrivalRate);
        const e = picked[i]!.output.avgRespTime!;
        assert.ok(Math.abs(d.avgRespTime! - e) <= 1e-9 * e, `item ${i}`);
      });
    }
  });

  it('solves faster_solution=false at M = 1000 where pacsltk crashes, with a note', async () => {
    const r = await runCli([
      'predict',
      'smp',
      '--arrival-rate',
      '0.5',
      ...AES,
      '--keep-alive',
      '1',
      '--no-faster-solution',
      '--json',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.fasterSolution, false);
    assert.match(doc.notes[0], /underflow/);
  });
});

describe('bad input: exit 2, nothing on stdout, a message naming the flag', () => {
  const badJson = join(dir, 'bad.json');
  const unknownKey = join(dir, 'unknown.jsonl');
  writeFileSync(badJson, '[{"arrivalRate": 1,');
  writeFileSync(unknownKey, '{"arrivalRate":1,"warm":1,"cold":2,"keepalive":5}\n');
  const point = ['predict', 'smp', '--arrival-rate', '1', ...AES];
  const cases: [string, string[], RegExp][] = [
    [
      'zero rate',
      ['predict', 'smp', '--arrival-rate', '0', ...AES, '--keep-alive', '1'],
      /--arrival-rate must be .*> 0/,
    ],
    [
      'negative warm',
      ['predict', 'smp', '--arrival-rate', '1', '--warm', '-1', '--cold', '2', '--keep-alive', '1'],
      /--warm must be a number > 0, got "-1"/,
    ],
    [
      'NaN cold',
      ['predict', 'smp', '--arrival-rate', '1', '--warm', '1', '--cold', 'NaN', '--keep-alive', '1'],
      /--cold must be/,
    ],
    [
      'junk in keep-alive list',
      [...point, '--keep-alive', '1,x,3'],
      /--keep-alive must be a comma-separated list.*"x"/,
    ],
    ['empty list element', [...point, '--keep-alive', '1,,3'], /--keep-alive must be a comma-separated list/],
    [
      'max concurrency 0',
      [...point, '--keep-alive', '1', '--max-concurrency', '0'],
      /--max-concurrency must be an integer >= 1/,
    ],
    [
      'fractional max concurrency',
      [...point, '--keep-alive', '1', '--max-concurrency', '2.5'],
      /--max-concurrency must be an integer/,
    ],
    [
      'unknown variant',
      [...point, '--keep-alive', '1', '--variant', 'paper'],
      /--variant must be one of thesis, original, got "paper"/,
    ],
    ['missing keep-alive', point, /--keep-alive is required/],
    ['--input and point flags', ['predict', 'smp', '--input', badJson, '--warm', '1'], /cannot be combined/],
    ['--input missing file', ['predict', 'smp', '--input', join(dir, 'nope.json')], /cannot read \(ENOENT\)/],
    ['--input bad JSON', ['predict', 'smp', '--input', badJson], /not valid JSON/],
    [
      '--input unknown key',
      ['predict', 'smp', '--input', unknownKey],
      /item 1: unknown key "keepalive"; accepted keys: arrivalRate/,
    ],
    [
      'mginf zero service time',
      ['predict', 'mginf', '--arrival-rate', '1', '--service-time', '0'],
      /--service-time must be/,
    ],
    [
      'mginf 0 cores',
      ['predict', 'mginf', '--arrival-rate', '1', '--service-time', '1', '--cores', '0'],
      /--cores must be an integer >= 1/,
    ],
    [
      'mginf junk rate list',
      ['predict', 'mginf', '--arrival-rate', '1,a', '--service-time', '1'],
      /--arrival-rate must be a comma-separated list/,
    ],
    [
      'capacity bad threshold',
      ['predict', 'capacity', '--warm', '1', '--cold', '2', '--keep-alive', '5', '--threshold', '2'],
      /--threshold must be/,
    ],
    [
      'recommend negative memory',
      ['recommend', 'keep-alive', '--arrival-rate', '1', ...AES, '--memory-mb', '-5'],
      /--memory-mb must be/,
    ],
    [
      'recommend tolerance 0',
      ['recommend', 'keep-alive', '--arrival-rate', '1', ...AES, '--tolerance', '0'],
      /--tolerance must be a number > 0/,
    ],
    [
      'recommend unknown variant',
      ['recommend', 'keep-alive', '--arrival-rate', '1', ...AES, '--variant', 'x'],
      /--variant must be one of thesis, original/,
    ],
    ['unknown option', [...point, '--keep-alive', '1', '--keepalive', '3'], /unknown option/],
  ];
  for (const [name, argv, message] of cases) {
    it(name, async () => {
      const r = await runCli(argv);
      assert.equal(r.code, 2, `exit code for ${argv.join(' ')}: ${r.stderr}`);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, message);
    });
  }
});

describe('faasmark predict mginf / capacity, recommend keep-alive', () => {
  it('mginf --json, with the capacity companion under --cores', async () => {
    const r = await runCli([
      'predict',
      'mginf',
      '--arrival-rate',
      '2',
      '--service-time',
      '0.5',
      '--cores',
      '2',
      '--json',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.meanResponseTime, 0.5);
    assert.equal(doc.meanInSystem, 1);
    assert.equal(doc.inSystemP99, 4);
    assert.equal(doc.capacity.model, 'M/G/c-PS');
    assert.ok(Math.abs(doc.capacity.meanResponseTime - 0.5 * (4 / 3)) < 1e-12);
    const plain = JSON.parse(
      (await runCli(['predict', 'mginf', '--arrival-rate', '2', '--service-time', '0.5', '--json'])).stdout,
    );
    assert.equal(plain.capacity, undefined);
  });
  it('mginf past the knee says saturated instead of printing NaN', async () => {
    const r = await runCli([
      'predict',
      'mginf',
      '--arrival-rate',
      '3,5',
      '--service-time',
      '2.44',
      '--cores',
      '10',
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /saturated \(∞\)/);
    assert.match(r.stdout, /note: saturated/);
    assert.doesNotMatch(r.stdout, /NaN/);
  });
  it('capacity --json gives the saturation arrival rate', async () => {
    const r = await runCli([
      'predict',
      'capacity',
      '--warm',
      '1.5288',
      '--cold',
      '4.1202',
      '--keep-alive',
      '60',
      '--max-concurrency',
      '8',
      '--json',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.ok(doc.saturationArrivalRate > 1 && doc.saturationArrivalRate < 8 / 1.5288);
    assert.ok(doc.atSaturation.rejectionProb > 0.01);
  });
  it('recommend keep-alive --json with memory cost', async () => {
    const r = await runCli([
      'recommend',
      'keep-alive',
      '--arrival-rate',
      '1',
      '--warm',
      '1.5288',
      '--cold',
      '4.1202',
      '--memory-mb',
      '256',
      '--json',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.ok(doc.keepAlive > 10 && doc.keepAlive < 60);
    assert.ok(doc.avgRespTime <= 1.05 * 1.5288);
    assert.ok(Math.abs(doc.idleGbSecondsPerHour - doc.avgIdleCount * 900) < 1e-9);
    const table = await runCli([
      'recommend',
      'keep-alive',
      '--arrival-rate',
      '1',
      '--warm',
      '1.5288',
      '--cold',
      '4.1202',
    ]);
    assert.match(table.stdout, /recommended keep-alive/);
  });
});

describe('spawned CLI', () => {
  it('real process: exit 0 with JSON on stdout, exit 2 with nothing on stdout for bad input', () => {
    const run = (args: string[]) =>
      spawnSync(process.execPath, ['--import', 'tsx', 'harness/bin.ts', ...args], {
        cwd: root,
        encoding: 'utf8',
      });
    const ok = run([
      'predict',
      'smp',
      '--arrival-rate',
      '1',
      ...AES,
      '--keep-alive',
      '1',
      '--variant',
      'original',
      '--json',
    ]);
    assert.equal(ok.status, 0, ok.stderr);
    const coldProb = JSON.parse(ok.stdout).coldProb; // reference (pacsltk), 1e-9 relative
    assert.ok(Math.abs(coldProb - 0.7167461994994052) <= 1e-9 * 0.7167461994994052, String(coldProb));
    const bad = run(['predict', 'smp', '--arrival-rate', '1', ...AES, '--keep-alive', '1,x']);
    assert.equal(bad.status, 2);
    assert.equal(bad.stdout, '');
    assert.match(bad.stderr, /--keep-alive/);
  });
});

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { rootPath } from '../../core/paths.js';
import { loadSuite } from '../../harness/suite/load.js';

const text = readFileSync(rootPath('ci', 'nightly.yml'), 'utf8');
const wf = parse(text) as Record<string, unknown>;

/**
 * The subset of the GitHub Actions workflow syntax this workflow relies on
 * (docs.github.com "Workflow syntax for GitHub Actions"): triggers, jobs with runs-on and
 * steps, each step either `uses` or `run`.
 */
const SCHEMA = {
  type: 'object',
  required: ['name', 'on', 'jobs'],
  properties: {
    name: { type: 'string' },
    on: {
      type: 'object',
      required: ['schedule', 'workflow_dispatch'],
      properties: {
        schedule: {
          type: 'array',
          minItems: 1,
          items: {
            type: 'object',
            required: ['cron'],
            additionalProperties: false,
            // five fields: minute hour day-of-month month day-of-week
            properties: { cron: { type: 'string', pattern: '^\\S+ \\S+ \\S+ \\S+ \\S+$' } },
          },
        },
        workflow_dispatch: { type: ['object', 'null'] },
      },
    },
    permissions: { type: 'object', additionalProperties: { enum: ['read', 'write', 'none'] } },
    env: { type: 'object', additionalProperties: { type: 'string' } },
    jobs: {
      type: 'object',
      minProperties: 2,
      additionalProperties: {
        type: 'object',
        required: ['runs-on', 'steps'],
        properties: {
          'runs-on': { type: 'string' },
          'timeout-minutes': { type: 'integer', minimum: 1 },
          steps: {
            type: 'array',
            minItems: 1,
            items: {
              type: 'object',
              oneOf: [{ required: ['uses'] }, { required: ['run'] }],
              properties: {
                name: { type: 'string' },
                uses: { type: 'string', pattern: '^[\\w.-]+/[\\w.-]+@v\\d+$' },
                run: { type: 'string' },
                if: { type: 'string' },
                with: { type: 'object' },
                env: { type: 'object' },
              },
              additionalProperties: false,
            },
          },
        },
      },
    },
  },
};

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
}
type Job = { steps: Step[] };

const jobs = wf.jobs as Record<string, Job>;
const runText = (job: Job) => job.steps.map((s) => s.run ?? '').join('\n');

describe('ci/nightly.yml', () => {
  it('matches the schema subset it relies on', () => {
    const validate = new Ajv({ allErrors: true, strict: false }).compile(SCHEMA);
    assert.ok(validate(wf), JSON.stringify(validate.errors, null, 2));
  });
  it('runs nightly and on demand', () => {
    const on = wf.on as { schedule: { cron: string }[]; workflow_dispatch: unknown };
    assert.equal(on.schedule.length, 1);
    assert.ok('workflow_dispatch' in on);
  });
  it('has the cluster job: kind, helm, MRU invoker, Spin CLI, the suite, artifacts, gate', () => {
    const job = jobs.cluster as Job;
    const run = runText(job);
    for (const needle of [
      'kind-linux-amd64',
      'get.helm.sh/helm-',
      'docker pull "$OPENWHISK_INVOKER_IMAGE"',
      'platforms/openwhisk/mru/build-invoker.sh',
      '/spin/spin" --version',
      'FAASMARK_SPIN_BIN',
      'npx faasmark run',
      'ci/nightly-cluster.yaml',
      'npx faasmark report results/nightly-cluster',
      'gh run list --workflow',
      'gh run download',
      'npx faasmark gate --baseline baseline/nightly-cluster --candidate results/nightly-cluster',
    ]) {
      assert.ok(run.includes(needle), `cluster job runs ${needle}`);
    }
    const upload = job.steps.find((s) => s.uses?.startsWith('actions/upload-artifact@'));
    assert.equal(upload?.with?.path, 'results/nightly-cluster');
    assert.equal(upload?.if, 'always()', 'results are uploaded even when the run fails');
  });
  it('has the embedded job running the quick suite with its own gate', () => {
    const run = runText(jobs.embedded as Job);
    assert.match(run, /npx faasmark run quick/);
    assert.match(run, /npx faasmark gate --baseline baseline\/quick --candidate results\/quick/);
    assert.doesNotMatch(run, /kind|helm/, 'no cluster in the embedded job');
  });
  it('every script it calls exists', () => {
    for (const p of [
      'harness/cli/commands/gate/index.ts',
      'ci/nightly-cluster.yaml',
      'scripts/install-system-deps.sh',
      'platforms/openwhisk/mru/build-invoker.sh',
    ]) {
      assert.doesNotThrow(() => readFileSync(rootPath(p)), p);
    }
  });
  it('marks the settings a fork must adjust', () => {
    assert.ok((text.match(/SETTING/g) ?? []).length >= 5);
  });
});

describe('ci/nightly-cluster.yaml', () => {
  const dir = mkdtempSync(join(tmpdir(), 'faasmark-ci-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  it('is a valid suite once the workflow substitutes the invoker image', async () => {
    const file = join(dir, 'nightly-cluster.yaml');
    writeFileSync(
      file,
      readFileSync(rootPath('ci', 'nightly-cluster.yaml'), 'utf8').replace(
        'INVOKER_IMAGE',
        'faasmark/openwhisk-invoker:mru-ef725a6',
      ),
    );
    const suite = (await loadSuite(file)) as unknown as { name: string; platforms: { name: string }[] };
    assert.equal(suite.name, 'nightly-cluster');
    assert.deepEqual(
      suite.platforms.map((p) => p.name),
      ['openwhisk', 'spin'],
    );
  });
});

/**
 * .github/workflows/nightly.yml against the plan it runs (harness/cli/commands/nightly/plan.ts,
 * docs/ci.md): no drift (and drift is detected), every step script is valid bash under
 * `set -euo pipefail`, the jobs build what they run before any suite, the JDK is 11, the
 * triggers and permissions; and the suites the workflow runs validate in a dry run, while a
 * cluster suite without actions is refused with exit 2 and nothing created.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parse, stringify } from 'yaml';
import { rootPath } from '../../core/paths.js';
import { nightlySuite } from '../../harness/cli/commands/nightly/action.js';
import {
  checkWorkflow,
  clusterJob,
  embeddedJob,
  type PlanInputs,
  scriptName,
  scriptText,
} from '../../harness/cli/commands/nightly/plan.js';
import { MRU_INVOKER_IMAGE } from '../../platforms/openwhisk/pins.js';
import { runCli } from '../helpers/cli.js';

const text = readFileSync(rootPath('.github', 'workflows', 'nightly.yml'), 'utf8');
const suiteText = readFileSync(rootPath('ci', 'nightly-cluster.yaml'), 'utf8');
const { actionImages } = nightlySuite(suiteText, MRU_INVOKER_IMAGE);
const inputs: PlanInputs = {
  out: '$RUNNER_TEMP/nightly',
  invokerImage: MRU_INVOKER_IMAGE,
  actionImages,
  embeddedSuite: 'quick',
  embeddedRepeat: 2,
};
const jobs = [clusterJob(inputs), embeddedJob(inputs)];
const dir = mkdtempSync(join(tmpdir(), 'faasmark-ci-'));
after(() => rmSync(dir, { recursive: true, force: true }));

type Step = { name?: string; run?: string; uses?: string; if?: string; with?: Record<string, unknown> };
const fresh = () => parse(text) as { jobs: Record<string, { steps: Step[] }>; on: Record<string, unknown> };

describe('.github/workflows/nightly.yml and the plan', () => {
  it('runs exactly the plan, in order (no drift)', () => {
    assert.deepEqual(checkWorkflow(fresh(), jobs), []);
  });

  it('detects drift: a missing, renamed, reordered or extra step, a lost upload (table)', () => {
    const cases: Array<[string, (wf: ReturnType<typeof fresh>) => void, RegExp]> = [
      [
        'drop',
        (wf) =>
          wf.jobs.cluster?.steps.splice(
            wf.jobs.cluster.steps.findIndex((s) => s.run?.includes('04-action-images')),
            1,
          ),
        /run step 6: runs `bash "\$RUNNER_TEMP\/nightly\/cluster\/05-invoker-image\.sh"`, expected `bash "\$RUNNER_TEMP\/nightly\/cluster\/04-action-images\.sh"`/,
      ],
      [
        'rename',
        (wf) => {
          const step = wf.jobs.embedded?.steps.find((s) => s.run?.includes('03-suite')) as Step;
          step.name = 'x';
        },
        /jobs\.embedded run step 5: name "x"/,
      ],
      [
        'extra',
        (wf) => wf.jobs.embedded?.steps.push({ run: 'echo sneaky' }),
        /jobs\.embedded: runs `echo sneaky`, which is not a plan step/,
      ],
      [
        'if',
        (wf) => {
          const step = wf.jobs.cluster?.steps.find((s) => s.run?.includes('07-report')) as Step;
          delete step.if;
        },
        /if undefined, expected "always\(\)"/,
      ],
      [
        'upload',
        (wf) => {
          const step = wf.jobs.cluster?.steps.find((s) =>
            s.uses?.startsWith('actions/upload-artifact'),
          ) as Step;
          step.with = { name: 'x', path: 'y' };
        },
        /jobs\.cluster: needs an actions\/upload-artifact step/,
      ],
      ['job', (wf) => void delete wf.jobs.embedded, /jobs\.embedded: missing/],
      [
        'shell',
        (wf) => void delete (wf as { defaults?: unknown }).defaults,
        /defaults\.run\.shell must be bash/,
      ],
    ];
    for (const [name, mutate, re] of cases) {
      const wf = fresh();
      mutate(wf);
      const problems = checkWorkflow(wf, jobs);
      assert.ok(
        problems.some((p) => re.test(p)),
        `${name}: ${problems.join('\n')}`,
      );
    }
  });

  it('every step script is valid bash and starts with set -euo pipefail', () => {
    for (const job of jobs) {
      job.steps.forEach((step, i) => {
        const file = join(dir, `${job.id}-${scriptName(i, step)}`);
        const body = scriptText(job, i, step);
        writeFileSync(file, body);
        assert.match(body, /^#!\/usr\/bin\/env bash\n(#.*\n)+set -euo pipefail\n/);
        const r = spawnSync('bash', ['-n', file], { encoding: 'utf8' });
        assert.equal(r.status, 0, `${file}: ${r.stderr}`);
      });
    }
  });

  it('each job builds what it runs before the suite: setup, build check, action images, invoker, tools', () => {
    const [cluster, embedded] = jobs as [(typeof jobs)[0], (typeof jobs)[0]];
    const ids = cluster.steps.map((s) => s.id);
    assert.deepEqual(ids.slice(0, ids.indexOf('suite')), [
      'setup',
      'check-builds',
      'tools',
      'action-images',
      'invoker-image',
    ]);
    const images = cluster.steps.find((s) => s.id === 'action-images')?.commands.join('\n') ?? '';
    for (const [w, image] of Object.entries(actionImages))
      assert.match(
        images,
        new RegExp(`bash workloads/docker/build-image\\.sh ${w} ${image.replace(/[/.]/g, '\\$&')}`),
      );
    const invoker = cluster.steps.find((s) => s.id === 'invoker-image')?.commands.join('\n') ?? '';
    assert.match(
      invoker,
      /bash platforms\/openwhisk\/mru\/build-invoker\.sh \| tee "\$RUNNER_TEMP\/nightly\/invoker-image\.json"/,
    );
    assert.match(invoker, /test -s /, 'an empty image JSON fails the step');
    assert.deepEqual(
      embedded.steps.map((s) => s.id),
      ['setup', 'check-builds', 'suite', 'report', 'baseline', 'gate'],
    );
    assert.match(
      embedded.steps[2]?.commands[0] ?? '',
      /^npx faasmark run quick --repeat 2 --out results\/quick$/,
    );
    assert.match(embedded.steps[0]?.commands[0] ?? '', /bash scripts\/setup\.sh$/);
  });

  it('the cluster job runs JDK 11 through actions/setup-java before the plan', () => {
    const steps = fresh().jobs.cluster?.steps ?? [];
    const java = steps.findIndex((s) => s.uses?.startsWith('actions/setup-java@'));
    assert.ok(java >= 0);
    assert.deepEqual(steps[java]?.with, { distribution: 'temurin', 'java-version': '11' });
    assert.ok(java < steps.findIndex((s) => s.run?.includes('nightly plan')));
  });

  it('runs nightly and on demand (threshold, an invoker pinned by digest), with read-only permissions', () => {
    const wf = parse(text) as {
      on: Record<string, { inputs?: Record<string, unknown> } | unknown[]>;
      permissions: unknown;
    };
    assert.equal((wf.on.schedule as unknown[]).length, 1);
    assert.deepEqual(Object.keys((wf.on.workflow_dispatch as { inputs: object }).inputs).sort(), [
      'invoker_image',
      'threshold',
    ]);
    assert.deepEqual(wf.permissions, { contents: 'read', actions: 'read' });
  });

  it('the workflow lives where GitHub runs it; ci/ holds only the cluster suite', () => {
    assert.ok(!existsSync(rootPath('ci', 'nightly.yml')));
    assert.ok(existsSync(rootPath('ci', 'nightly-cluster.yaml')));
  });
});

describe('the suites the workflow runs', () => {
  it('validate in a dry run: nightly-cluster as written and with an invoker pinned by digest, quick --repeat 2', async () => {
    const digest = `ghcr.io/me/openwhisk-invoker@sha256:${'ab'.repeat(32)}`;
    for (const image of [MRU_INVOKER_IMAGE, digest]) {
      const file = join(dir, `cluster-${image === digest ? 'digest' : 'built'}.yaml`);
      writeFileSync(file, stringify(nightlySuite(suiteText, image).doc));
      const r = await runCli(['run', file, '--dry-run', '--json']);
      assert.equal(r.code, 0, r.stderr);
      assert.ok((JSON.parse(r.stdout) as { points: unknown[] }).points.length > 0);
    }
    const q = await runCli(['run', 'quick', '--repeat', '2', '--dry-run']);
    assert.equal(q.code, 0, q.stderr);
  });

  it('a cluster suite without actions is refused: exit 2, the missing action named, nothing created', async () => {
    const doc = parse(suiteText) as { platforms: Array<Record<string, unknown>> };
    delete doc.platforms[0]?.actions;
    delete doc.platforms[0]?.loadActionImages;
    const file = join(dir, 'no-actions.yaml');
    writeFileSync(file, stringify(doc));
    const out = join(dir, 'results-no-actions');
    for (const args of [
      ['run', file, '--dry-run'],
      ['run', file, '--out', out],
    ]) {
      const r = await runCli(args);
      assert.equal(r.code, 2, args.join(' '));
      assert.match(r.stderr, /platforms\[0\]\.actions\.aes is missing: the suite runs aes/);
      assert.equal(r.stdout, '');
    }
    assert.ok(!existsSync(out), 'no results directory');
  });
});

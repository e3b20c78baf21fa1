/**
 * `faasmark nightly plan`, the local rehearsal of the nightly workflow (docs/ci.md): flags
 * parsed strictly; the plan printed with its pins; --out writes one script per step, the suite
 * as the night runs it and plan.json; an invalid plan (a script or the workflow missing, a
 * drifted workflow) writes nothing. Run against a copy of the files it checks, so that files
 * can be removed or drifted; the real tree is checked at the end.
 */
import assert from 'node:assert/strict';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parse } from 'yaml';
import { rootPath } from '../../core/paths.js';
import {
  CALLED_SCRIPTS,
  nightlySuite,
  planAction,
  validatePlan,
} from '../../harness/cli/commands/nightly/action.js';
import { parseNightlyPlanFlags } from '../../harness/cli/commands/nightly/index.js';
import { clusterJob, embeddedJob, NIGHTLY_PINS } from '../../harness/cli/commands/nightly/plan.js';
import { setSinks } from '../../harness/cli/io.js';
import { DEPLOY_KUBE_COMMIT, MRU_INVOKER_IMAGE, OPENWHISK_COMMIT } from '../../platforms/openwhisk/pins.js';
import { runCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'faasmark-plan-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A root holding what the plan checks: the workflow and the called scripts (stubs where absent). */
function fakeRoot(name: string, opts: { without?: string } = {}): string {
  const root = join(dir, name);
  for (const rel of ['.github/workflows/nightly.yml', ...CALLED_SCRIPTS]) {
    if (rel === opts.without) continue;
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    if (existsSync(rootPath(rel))) cpSync(rootPath(rel), join(root, rel));
    else writeFileSync(join(root, rel), '#!/usr/bin/env bash\n');
  }
  return root;
}

async function plan(args: Parameters<typeof parseNightlyPlanFlags>[0], root: string) {
  let stdout = '';
  const collect = (s: string) => {
    stdout += s;
  };
  setSinks({ stdout: collect, stderr: () => {}, isTTY: false });
  try {
    await planAction(parseNightlyPlanFlags(args), root);
    return { stdout, error: undefined as (Error & { problems?: string[] }) | undefined };
  } catch (err) {
    return { stdout, error: err as Error & { problems?: string[] } };
  } finally {
    setSinks(undefined);
  }
}

describe('faasmark nightly plan', () => {
  it('parses its flags strictly (table)', () => {
    assert.deepEqual(parseNightlyPlanFlags({}), { jobs: ['cluster', 'embedded'], json: false });
    assert.deepEqual(parseNightlyPlanFlags({ job: 'cluster', out: 'x' }).jobs, ['cluster']);
    const digest = `ghcr.io/me/invoker@sha256:${'c'.repeat(64)}`;
    assert.equal(parseNightlyPlanFlags({ invokerImage: digest }).invokerImage, digest);
    const bad: Array<[Parameters<typeof parseNightlyPlanFlags>[0], RegExp]> = [
      [{ job: 'nope' }, /--job must be one of all, cluster, embedded, got "nope"/],
      [{ invokerImage: 'faasmark/invoker:mru-ef725a6' }, /--invoker-image takes an image pinned by digest/],
      [{ invokerImage: 'x@sha256:12' }, /--invoker-image must be an image reference/],
      [{ out: ' ' }, /--out needs a directory/],
    ];
    for (const [flags, re] of bad) assert.throws(() => parseNightlyPlanFlags(flags), re);
  });

  it('prints every step with the pins resolved', async () => {
    const r = await plan({}, fakeRoot('print'));
    assert.equal(r.error, undefined, r.error?.message);
    for (const needle of [
      `kind ${NIGHTLY_PINS.kind}`,
      `helm ${NIGHTLY_PINS.helm}`,
      `Spin CLI ${NIGHTLY_PINS.spin}`,
      'JDK 11 (temurin)',
      `OpenWhisk ${OPENWHISK_COMMIT}`,
      `openwhisk-deploy-kube ${DEPLOY_KUBE_COMMIT}`,
      'containerd-shim-spin v0.24.0',
      `IMAGE=${MRU_INVOKER_IMAGE} bash platforms/openwhisk/mru/build-invoker.sh`,
      'bash workloads/docker/build-image.sh aes faasmark/aes:nightly',
      'npx faasmark run quick --repeat 2 --out results/quick',
    ])
      assert.ok(r.stdout.includes(needle), needle);
  });

  it('--out writes the step scripts, the suite as the night runs it and plan.json; --json is the same plan', async () => {
    const out = join(dir, 'out');
    const digest = `ghcr.io/me/invoker@sha256:${'d'.repeat(64)}`;
    const r = await plan({ job: 'cluster', out, invokerImage: digest, json: true }, fakeRoot('write'));
    assert.equal(r.error, undefined, r.error?.message);
    const names = readdirSync(join(out, 'cluster')).sort();
    assert.deepEqual(names, [
      '01-setup.sh',
      '02-check-builds.sh',
      '03-tools.sh',
      '04-action-images.sh',
      '05-invoker-image.sh',
      '06-suite.sh',
      '07-report.sh',
      '08-baseline.sh',
      '09-gate.sh',
      'nightly-cluster.yaml',
    ]);
    assert.equal(statSync(join(out, 'cluster', '06-suite.sh')).mode & 0o777, 0o755);
    assert.match(
      readFileSync(join(out, 'cluster', '05-invoker-image.sh'), 'utf8'),
      new RegExp(`docker pull ${digest.replace(/[.]/g, '\\.')}`),
    );
    assert.match(
      readFileSync(join(out, 'cluster', '06-suite.sh'), 'utf8'),
      new RegExp(`npx faasmark run "${out}/cluster/nightly-cluster\\.yaml"`),
    );
    const suite = parse(readFileSync(join(out, 'cluster', 'nightly-cluster.yaml'), 'utf8')) as {
      platforms: Array<{ invokerImage?: string }>;
    };
    assert.equal(suite.platforms[0]?.invokerImage, digest);
    const doc = JSON.parse(r.stdout) as { invokerImage: string; jobs: Array<{ id: string }> };
    assert.equal(doc.invokerImage, digest);
    assert.deepEqual(
      doc.jobs.map((j) => j.id),
      ['cluster'],
    );
    assert.deepEqual(JSON.parse(readFileSync(join(out, 'plan.json'), 'utf8')), doc);
    assert.ok(!readdirSync(dir).some((f) => f.includes('.partial-')), 'no partial directory left');
  });

  it('an invalid plan writes nothing: a missing script, a drifted workflow (exit 2 through the CLI)', async () => {
    const out = join(dir, 'never');
    const missing = await plan({ out }, fakeRoot('missing', { without: 'workloads/docker/build-image.sh' }));
    assert.equal(missing.error?.constructor.name, 'ConfigError');
    assert.deepEqual(missing.error?.problems, [
      'workloads/docker/build-image.sh does not exist (a plan step calls it)',
    ]);
    const drifted = fakeRoot('drift');
    const wf = join(drifted, '.github/workflows/nightly.yml');
    writeFileSync(wf, readFileSync(wf, 'utf8').replace('07-report.sh', '07-rep0rt.sh'));
    const d = await plan({ out }, drifted);
    assert.ok(
      d.error?.problems?.some((p) =>
        /nightly\.yml: jobs\.cluster run step \d+: runs `bash "\$RUNNER_TEMP\/nightly\/cluster\/07-rep0rt\.sh"`/.test(
          p,
        ),
      ),
    );
    assert.ok(!existsSync(out));
    const cli = await runCli(['nightly', 'plan', '--job', 'bogus']);
    assert.equal(cli.code, 2);
    assert.equal(cli.stdout, '');
  });

  it('this tree: everything validates, scripts/setup.sh included', async () => {
    const inputs = {
      out: '$RUNNER_TEMP/nightly',
      invokerImage: MRU_INVOKER_IMAGE,
      actionImages: nightlySuite(
        readFileSync(rootPath('ci', 'nightly-cluster.yaml'), 'utf8'),
        MRU_INVOKER_IMAGE,
      ).actionImages,
      embeddedSuite: 'quick',
      embeddedRepeat: 2,
    };
    const problems = await validatePlan(
      [clusterJob(inputs), embeddedJob(inputs)],
      inputs,
      rootPath('ci', 'nightly-cluster.yaml'),
    );
    assert.deepEqual(problems, []);
  });
});

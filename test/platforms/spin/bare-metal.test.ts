/**
 * The bare-metal Spin adapter driven end to end against the stand-in `spin` (fake-spin.mjs):
 * start, readiness, invocation (the fixture WAGI module really runs under node:wasi), teardown,
 * and every fault path the issue names — missing binary, port in use, start failure, hang,
 * crash mid-run — each checked for leftover processes.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createPointClock } from '../../../core/clock.js';
import { ConfigError, MissingToolError, PlatformError, TimeoutError } from '../../../core/errors.js';
import { runCleanups } from '../../../core/lifecycle.js';
import type { Platform } from '../../../core/platform.js';
import type { PlatformContext } from '../../../platforms/registry.js';
import { create } from '../../../platforms/spin/index.js';
import {
  alive,
  descendants,
  fakeSpinBinary,
  fixtureApp,
  readRecords,
  tempDir,
  wagiEchoModule,
} from './helpers.js';

/** The parts of describe().details these tests read. */
interface Details {
  apps: Record<
    string,
    { route: string; manifest: string; manifestOrigin: string; component: { executor: string; kind: string } }
  >;
  crashed: boolean;
  inFlight: string;
  instanceReuse: Record<string, unknown>;
}

const bin = fakeSpinBinary();
const app = fixtureApp('aes');
const logs: string[] = [];

function context(): PlatformContext {
  return {
    buildDir: join(app.dir, 'no-build'),
    workDir: tempDir('faasmark-spin-work-'),
    log: (line) => logs.push(line),
  };
}

function recordFile(): string {
  return join(tempDir('faasmark-spin-rec-'), 'record.jsonl');
}

async function platformWith(extra: Record<string, unknown>, ctx = context()): Promise<Platform> {
  return create(
    { name: 'spin', binary: bin.path, manifests: { aes: app.manifest }, startTimeout: 10, ...extra },
    ctx,
  );
}

let baseline: number[] = [];
before(() => {
  baseline = descendants();
});
after(async () => {
  await runCleanups();
});

/** Everything this process started is gone again (the stand-in's own helper included). */
function assertNothingLeft(pids: Array<number | null | undefined> = []): void {
  assert.deepEqual(
    descendants().filter((p) => !baseline.includes(p)),
    [],
    'no child process left',
  );
  for (const pid of pids) if (pid) assert.equal(alive(pid), false, `pid ${pid} is gone`);
}

describe('spin bare metal: start, measure, teardown', () => {
  it('starts spin up with the configured flags, answers through the WAGI module, and stops', async () => {
    const record = recordFile();
    const runtimeConfig = join(app.dir, 'runtime-config.toml');
    writeFileSync(runtimeConfig, '[key_value_store.default]\ntype = "spin"\n');
    const platform = await platformWith({
      env: { FAKE_SPIN_RECORD: record },
      runtimeConfigFile: runtimeConfig,
      pooling: false,
      maxInstanceCount: 7,
    });
    await platform.setup({ requestTimeout: 5 }, createPointClock());
    await platform.deploy('aes');
    await platform.deploy('aes'); // idempotent: no second spin up
    const input = { message: 'faasmark aes message', iterations: 3 };
    const result = await platform.invoke({ workload: 'aes', input });
    assert.equal(result.status, 'ok');
    assert.equal(result.httpStatus, 200);
    assert.deepEqual(result.body, input, 'the echo module returned the request body it read on stdin');

    const records = readRecords(record);
    assert.equal(records.length, 1);
    const argv = records[0]!.argv;
    assert.equal(argv[0], 'up');
    assert.match(argv[argv.indexOf('--listen') + 1]!, /^127\.0\.0\.1:\d+$/);
    assert.equal(argv[argv.indexOf('-f') + 1], app.manifest);
    assert.equal(argv[argv.indexOf('--runtime-config-file') + 1], runtimeConfig);
    assert.ok(argv.includes('--disable-pooling'));
    assert.equal(records[0]!.env.SPIN_MAX_INSTANCE_COUNT, '7');
    assert.equal(records[0]!.env.SPIN_WASMTIME_INSTANCE_COUNT, '7');

    const d = await platform.describe();
    assert.equal(d.version, '3.6.3');
    assert.equal(d.executor, 'wasm');
    assert.equal(d.warnings, undefined);
    const details = d.details as unknown as Details;
    assert.equal(details.apps.aes!.route, '/aes');
    assert.equal(details.apps.aes!.component.executor, 'wagi');
    assert.equal(details.apps.aes!.component.kind, 'core-module');
    assert.equal(details.crashed, false);
    assert.match(details.inFlight, /client-side/);
    assert.deepEqual(platform.capabilities, {
      coldFlag: false,
      executorSpans: false,
      platformTimes: false,
      keepAlive: false,
      routing: false,
      forceCold: false,
    });
    assert.deepEqual(await platform.executorSpans(), []);
    assert.deepEqual(platform.health?.(), { ok: true });

    const pid = records[0]!.pid;
    assert.equal(alive(pid), true);
    await platform.teardown();
    await platform.teardown(); // safe twice
    assertNothingLeft([pid]);
    const after = await platform.invoke({ workload: 'aes', input });
    assert.equal(after.status, 'error');
  });

  it("a point's maxConcurrency overrides maxInstanceCount", async () => {
    const record = recordFile();
    const platform = await platformWith({ env: { FAKE_SPIN_RECORD: record }, maxInstanceCount: 7 });
    await platform.setup({ maxConcurrency: 3 }, createPointClock());
    await platform.deploy('aes');
    await platform.teardown();
    assert.equal(readRecords(record)[0]!.env.SPIN_MAX_INSTANCE_COUNT, '3');
    assertNothingLeft();
  });

  it('generates a WAGI spin.toml from the built artifact when no manifest is configured', async () => {
    const buildDir = tempDir('faasmark-spin-build-');
    mkdirSync(join(buildDir, 'matmul', 'wasm'), { recursive: true });
    writeFileSync(join(buildDir, 'matmul', 'wasm', 'matmul.wasm'), wagiEchoModule());
    const ctx = { ...context(), buildDir };
    const platform = await create({ name: 'spin', binary: bin.path, startTimeout: 10 }, ctx);
    await platform.setup({}, createPointClock());
    await platform.deploy('matmul');
    const r = await platform.invoke({ workload: 'matmul', input: { n: 4, seed: 1 } });
    assert.equal(r.status, 'ok');
    assert.deepEqual(r.body, { n: 4, seed: 1 });
    const details = (await platform.describe()).details as unknown as Details;
    assert.equal(details.apps.matmul!.manifestOrigin, 'generated');
    assert.equal(details.apps.matmul!.route, '/matmul');
    assert.ok(details.apps.matmul!.manifest.startsWith(ctx.workDir));
    await platform.teardown();
    assertNothingLeft();
  });

  it('reports a workload without a Wasm build as a BuildError naming the build command', async () => {
    const platform = await create({ name: 'spin', binary: bin.path }, context());
    await platform.setup({}, createPointClock());
    await assert.rejects(platform.deploy('whatlang'), (err: unknown) => {
      return (
        err instanceof Error &&
        /no Wasm artifact/.test(err.message) &&
        /build:workloads/.test(String((err as { hint?: string }).hint))
      );
    });
  });
});

describe('spin bare metal: faults', () => {
  it('a missing binary is a MissingToolError that says how to install Spin', async () => {
    const platform = await create({ name: 'spin', binary: '/nonexistent/spin' }, context());
    await assert.rejects(platform.setup({}, createPointClock()), (err: unknown) => {
      assert.ok(err instanceof MissingToolError);
      assert.match(err.hint ?? '', /spinframework\/spin\/releases/);
      assert.match(err.hint ?? '', /FAASMARK_SPIN_BIN/);
      return true;
    });
  });

  it('a fixed port already in use is refused before spin starts', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const port = (blocker.address() as { port: number }).port;
    const record = recordFile();
    try {
      const platform = await platformWith({ port, env: { FAKE_SPIN_RECORD: record } });
      await platform.setup({}, createPointClock());
      await assert.rejects(platform.deploy('aes'), (err: unknown) => {
        return err instanceof PlatformError && err.message.includes(`127.0.0.1:${port} is already in use`);
      });
      assert.equal(readRecords(record).length, 0, 'spin was never started');
    } finally {
      await new Promise<void>((r) => blocker.close(() => r()));
    }
    assertNothingLeft();
  });

  it('when Spin itself reports the port taken, it retries on fresh ports, then says so', async () => {
    const record = recordFile();
    const platform = await platformWith({ env: { FAKE_SPIN_RECORD: record, FAKE_SPIN_FORCE_IN_USE: '1' } });
    await platform.setup({}, createPointClock());
    await assert.rejects(platform.deploy('aes'), (err: unknown) => {
      return err instanceof PlatformError && /already in use/.test(err.message);
    });
    const records = readRecords(record);
    assert.equal(records.length, 3, 'three attempts');
    assertNothingLeft(records.map((r) => r.pid));
  });

  it('an app that fails to start shows its stderr', async () => {
    const platform = await platformWith({
      env: { FAKE_SPIN_FAIL_START: 'failed to instantiate component aes: boom' },
    });
    await platform.setup({}, createPointClock());
    await assert.rejects(platform.deploy('aes'), (err: unknown) => {
      assert.ok(err instanceof PlatformError);
      assert.match(err.message, /exited with code 1 before answering/);
      assert.match(err.message, /failed to instantiate component aes: boom/);
      return true;
    });
    assertNothingLeft();
  });

  it('a hang ends in a bounded TimeoutError with nothing left running (its helper process included)', async () => {
    const record = recordFile();
    const platform = await platformWith({
      startTimeout: 0.8,
      stopGrace: 1,
      env: { FAKE_SPIN_RECORD: record, FAKE_SPIN_HANG: '1', FAKE_SPIN_CHILD: '1' },
    });
    await platform.setup({}, createPointClock());
    await assert.rejects(platform.deploy('aes'), (err: unknown) => {
      return err instanceof TimeoutError && /did not answer .* within 0\.8 s/.test(err.message);
    });
    const [rec] = readRecords(record);
    assert.ok(rec?.childPid, 'the stand-in started a helper');
    assertNothingLeft([rec!.pid, rec!.childPid]);
  });

  it('escalates to SIGKILL when spin ignores SIGTERM', async () => {
    const record = recordFile();
    const platform = await platformWith({
      stopGrace: 0.3,
      env: { FAKE_SPIN_RECORD: record, FAKE_SPIN_IGNORE_SIGTERM: '1' },
    });
    await platform.setup({}, createPointClock());
    await platform.deploy('aes');
    await platform.teardown();
    assertNothingLeft([readRecords(record)[0]!.pid]);
  });

  it('a crash mid-run turns requests into errors and marks the platform unhealthy', async () => {
    const record = recordFile();
    const platform = await platformWith({ env: { FAKE_SPIN_RECORD: record, FAKE_SPIN_CRASH_AFTER: '2' } });
    await platform.setup({ requestTimeout: 5 }, createPointClock());
    await platform.deploy('aes');
    for (let i = 0; i < 2; i++)
      assert.equal((await platform.invoke({ workload: 'aes', input: { i } })).status, 'ok');
    const crashed = await platform.invoke({ workload: 'aes', input: { i: 2 } });
    assert.equal(crashed.status, 'error');
    assert.match(crashed.errorMessage ?? '', /spin up exited with code 101 mid-run/);
    const next = await platform.invoke({ workload: 'aes', input: { i: 3 } });
    assert.equal(next.status, 'error');
    assert.match(next.errorMessage ?? '', /request not sent/);
    const health = platform.health?.();
    assert.equal(health?.ok, false);
    assert.match(health?.reason ?? '', /panicked/);
    const details = (await platform.describe()).details as Record<string, unknown>;
    assert.equal(details.crashed, true);
    await platform.teardown();
    assertNothingLeft([readRecords(record)[0]!.pid]);
  });

  it("requests beyond the instance cap get Spin's empty 500: error records, counted and warned", async () => {
    const platform = await platformWith({ maxInstanceCount: 2, env: { FAKE_SPIN_REQUEST_DELAY_MS: '400' } });
    await platform.setup({ requestTimeout: 5 }, createPointClock());
    await platform.deploy('aes');
    const results = await Promise.all(
      [0, 1, 2, 3].map((i) => platform.invoke({ workload: 'aes', input: { i } })),
    );
    assert.deepEqual(results.map((r) => r.status).sort(), ['error', 'error', 'ok', 'ok']);
    for (const r of results.filter((x) => x.status === 'error')) assert.equal(r.httpStatus, 500);
    let details = (await platform.describe()).details as unknown as { instanceLimitHits: number };
    for (let i = 0; i < 100 && details.instanceLimitHits < 2; i++) {
      await new Promise((r) => setTimeout(r, 20)); // stderr can trail the HTTP answer
      details = (await platform.describe()).details as unknown as { instanceLimitHits: number };
    }
    assert.equal(details.instanceLimitHits, 2);
    assert.ok(
      (await platform.describe()).warnings?.some((w) =>
        /refused 2 instantiation\(s\) at its instance cap \(2\)/.test(w),
      ),
    );
    await platform.teardown();
    assertNothingLeft();
  });

  it('instance reuse on Spin < 3.6 is a ConfigError; on 3.6 it passes the flags and warns', async () => {
    const old = await platformWith({ instanceReuse: { maxCount: 4 }, env: { FAKE_SPIN_VERSION: '3.5.1' } });
    await assert.rejects(old.setup({}, createPointClock()), (err: unknown) => {
      return (
        err instanceof ConfigError && /needs Spin >= 3\.6/.test(err.message) && /3\.5\.1/.test(err.message)
      );
    });
    const record = recordFile();
    const platform = await platformWith({
      instanceReuse: { maxCount: 4, idleTimeout: '2s' },
      env: { FAKE_SPIN_RECORD: record },
    });
    await platform.setup({}, createPointClock());
    await platform.deploy('aes');
    const argv = readRecords(record)[0]!.argv;
    assert.equal(argv[argv.indexOf('--max-instance-reuse-count') + 1], '4');
    assert.equal(argv[argv.indexOf('--idle-instance-timeout') + 1], '2000ms');
    const d = await platform.describe();
    assert.equal(d.warnings?.length, 1);
    assert.match(d.warnings![0]!, /M\/G\/∞ .* does not hold as is/);
    assert.equal((d.details as unknown as Details).instanceReuse.maxInstanceReuseCount, 4);
    await platform.teardown();
    assertNothingLeft();
  });
});

/**
 * No secret reaches any output (docs/architecture.md "Secrets"): a known secret is planted in
 * every field of every platform's config that can carry one — the environment, an action
 * server's flags, the OpenWhisk key and a token in its log command, Spin's env and runtime
 * config, a kubeconfig's token, credentials in a Helm repository URL — and a suite runs per
 * platform (the CLI spawned for sim, local-container, local-wasm, OpenWhisk on the fake API and
 * Spin on the stand-in; in process with scripted clusters for OpenWhisk on Kubernetes and
 * SpinKube). Every file of each run directory and everything printed is then searched for
 * the secrets and the forms they travel in (base64, the halves of `<uuid>:<key>`).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCleanups } from '../../core/lifecycle.js';
import { rootPath } from '../../core/paths.js';
import type { Platform } from '../../core/platform.js';
import { log, setSinks } from '../../harness/cli/io.js';
import { runSuite } from '../../harness/engine/runner.js';
import { validateSuite } from '../../harness/suite/load.js';
import { registryResolver } from '../../harness/suite/platform-resolver.js';
import { create as createOpenWhisk } from '../../platforms/openwhisk/index.js';
import type { CommandRunner } from '../../platforms/openwhisk/runner.js';
import { parseConfig as parseSpinConfig } from '../../platforms/spin/config.js';
import { SpinKubePlatform } from '../../platforms/spin/spinkube/platform.js';
import type { CommandResult, KubeRunner, LongRunning } from '../../platforms/spin/spinkube/runner.js';
import { captureOutput } from '../helpers/processes.js';
import { fixtureWorkload } from '../platforms/local-container/helpers.js';
import { FakeCluster } from '../platforms/openwhisk/fake-cluster.js';
import { FakeOpenWhisk } from '../platforms/openwhisk/fake-openwhisk.js';
import { fakeSpinBinary, fixtureApp } from '../platforms/spin/helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'fm-secrets-'));
const secret = (where: string) => `${where}-SECRET-${randomBytes(12).toString('hex')}`;
/** Every planted secret, by where it was planted. */
const planted = new Map<string, string>();
function plant(where: string): string {
  const s = secret(where);
  planted.set(where, s);
  return s;
}
const ENV_TOKEN = plant('env');

after(async () => {
  await runCleanups();
  rmSync(dir, { recursive: true, force: true });
});

/** The forms a secret travels in: itself, base64 (a Basic header), each half of `<uuid>:<key>`. */
function forms(s: string): string[] {
  return [s, Buffer.from(s).toString('base64'), ...(s.includes(':') ? s.split(':') : [])];
}

function filesUnder(root: string): string[] {
  return readdirSync(root).flatMap((name) => {
    const full = join(root, name);
    return statSync(full).isDirectory() ? filesUnder(full) : [full];
  });
}

/** Where any planted secret appears: every file under `runDir`, and the captured output. */
function leaks(runDir: string, output: string): string[] {
  const found: string[] = [];
  const check = (where: string, text: string) => {
    for (const [name, s] of planted)
      for (const f of forms(s)) if (text.includes(f)) found.push(`${name} secret in ${where}`);
  };
  const files = filesUnder(runDir);
  assert.ok(files.length >= 4, `the run wrote files: ${files.join(', ')}`);
  for (const f of files) check(f.slice(runDir.length + 1), readFileSync(f, 'latin1'));
  check('stdout/stderr', output);
  return found;
}

/** `faasmark run` spawned (bin.ts: hooks, env secrets), stdout and stderr captured. */
function faasmarkRun(suite: string, out: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', rootPath('harness', 'bin.ts'), 'run', suite, '--out', out],
      {
        cwd: rootPath(),
        env: { ...process.env, FAASMARK_TEST_API_TOKEN: ENV_TOKEN, FAASMARK_RUNTIME_DIR: join(dir, 'rt') },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const output = captureOutput(child);
    child.once('close', (code) => resolve({ code, output: output.all() }));
  });
}

let suites = 0;
function suiteFile(lines: string[], platform: Record<string, unknown>): string {
  const file = join(dir, `suite-${++suites}.yaml`);
  const head = ['name: secrets', 'warmup: 0s', 'duration: 2s', 'drainTimeout: 10s', 'workloads: [aes]'];
  writeFileSync(file, [...head, ...lines, 'platforms:', `  - ${JSON.stringify(platform)}`, ''].join('\n'));
  return file;
}

const GIVEN = 'modelInputs: {source: given, given: {aes: {warm: 0.01, cold: 0.05, wasm: 0.01}}}';

describe('planted secrets reach no output (the CLI, spawned)', () => {
  const cases: [string, () => Promise<string>][] = [
    [
      'sim',
      async () =>
        suiteFile(['arrivalRate: 10', 'keepAlive: 1', GIVEN], {
          name: 'sim',
          serviceTime: { warm: 0.01, cold: 0.05 },
        }),
    ],
    [
      'local-container',
      async () =>
        suiteFile(['arrivalRate: 10', 'keepAlive: 5', GIVEN], {
          name: 'local-container',
          workloads: { aes: fixtureWorkload('secrets', [`--token=${plant('local-container-flag')}`]) },
        }),
    ],
    [
      'local-wasm',
      async () =>
        suiteFile(['sweep: load', 'arrivalRate: 10', GIVEN], {
          name: 'local-wasm',
          workloads: { aes: { wasm: rootPath('test/fixtures/wasi/echo.wasm') } },
        }),
    ],
  ];
  for (const [name, suite] of cases) {
    it(name, async () => {
      const out = join(dir, `run-${name}`);
      const r = await faasmarkRun(await suite(), out);
      assert.ok(r.code === 0 || r.code === 1, r.output);
      assert.deepEqual(leaks(out, r.output), []);
    });
  }

  it('openwhisk (existing, the fake API): the key and a token in the log command', async () => {
    const auth = `23bc46b1-71f6-4ed5-8c54-816aa4f8c502:${plant('openwhisk-key')}`;
    planted.set('openwhisk-key', auth);
    const logFile = join(dir, 'invoker.log');
    writeFileSync(logFile, '');
    const fake = new FakeOpenWhisk({ auth, coldStartMs: 20, runMs: 5, storeDelayMs: 5, logFile });
    const apiHost = await fake.start();
    try {
      const out = join(dir, 'run-openwhisk');
      const suite = suiteFile(['sweep: load', 'arrivalRate: 10', 'keepAlive: 30', GIVEN], {
        name: 'openwhisk',
        mode: 'existing',
        keepAlive: 30, // an existing deployment's keep-alive is declared, not set
        apiHost,
        auth,
        actions: { aes: { image: 'faasmark/aes:dev' } },
        invokerLog: { command: `OW_LOG_TOKEN=${plant('openwhisk-log-command')} cat ${logFile}` },
        poll: { initialDelay: 0.01, maxDelay: 0.05, maxWait: 5 },
        logJoinWait: 0.2,
      });
      const r = await faasmarkRun(suite, out);
      assert.ok(r.code === 0 || r.code === 1, r.output);
      assert.ok(fake.requests.length > 10, 'the run reached the fake API');
      assert.deepEqual(leaks(out, r.output), []);
    } finally {
      await fake.stop();
    }
  });

  it('spin (bare metal, the stand-in): its env and its runtime config', async () => {
    const bin = fakeSpinBinary();
    const app = fixtureApp('aes');
    const runtimeConfig = join(dir, 'runtime-config.toml');
    writeFileSync(
      runtimeConfig,
      `[key_value_store.default]\ntype = "redis"\nurl = "redis://u:${plant('spin-runtime-config')}@db:6379"\n`,
    );
    const out = join(dir, 'run-spin');
    const suite = suiteFile(['sweep: load', 'arrivalRate: 10', GIVEN], {
      name: 'spin',
      binary: bin.path,
      manifests: { aes: app.manifest },
      env: { SPIN_VARIABLE_API_TOKEN: plant('spin-env') },
      runtimeConfigFile: runtimeConfig,
      startTimeout: 10,
    });
    const r = await faasmarkRun(suite, out);
    assert.ok(r.code === 0 || r.code === 1, r.output);
    assert.match(r.output, /spin\.aes/, 'the point ran');
    assert.deepEqual(leaks(out, r.output), []);
  });
});

/** A KubeRunner for SpinKube: every command succeeds; the port-forward points at `podPort`. */
function spinKubeRunner(podPort: number): KubeRunner {
  const forward = (): LongRunning => {
    let done: () => void = () => {};
    const exited = new Promise<void>((r) => {
      done = r;
    });
    return {
      exit: null,
      exited,
      async waitFor(pattern: RegExp) {
        const m = pattern.exec(`Forwarding from 127.0.0.1:${podPort} -> 80\n`);
        if (!m) throw new Error('no match');
        return m;
      },
      output: () => '',
      async stop() {
        done();
      },
    } as unknown as LongRunning;
  };
  return {
    async run(_command: string, args: string[]): Promise<Partial<CommandResult> & CommandResult> {
      const line = args.join(' ');
      if (line.includes('version -o json'))
        return { exitCode: 0, stdout: '{"serverVersion":{"gitVersion":"v1.31.0"}}', stderr: '' };
      return { exitCode: 0, stdout: '', stderr: '' };
    },
    start: forward,
  };
}

describe('planted secrets reach no output (scripted clusters, in process)', () => {
  let pod: Server;
  let podPort = 0;
  let output = '';
  before(async () => {
    pod = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'));
    });
    await new Promise<void>((r) => pod.listen(0, '127.0.0.1', () => r()));
    podPort = (pod.address() as { port: number }).port;
    setSinks({
      stdout: (s) => {
        output += s;
      },
      stderr: (s) => {
        output += s;
      },
      isTTY: false,
    });
  });
  after(async () => {
    setSinks(undefined);
    await new Promise<void>((r) => pod.close(() => r()));
  });

  async function runInProcess(
    entry: Record<string, unknown>,
    make: (
      config: Record<string, unknown>,
      ctx: Parameters<typeof createOpenWhisk>[1],
    ) => Platform | Promise<Platform>,
    out: string,
  ) {
    const suite = await validateSuite(
      {
        name: 'secrets',
        warmup: '0s',
        duration: '2s',
        drainTimeout: '10s',
        sweep: 'load',
        arrivalRate: 10,
        keepAlive: 30,
        workloads: ['aes'],
        modelInputs: { source: 'given', given: { aes: { warm: 0.01, cold: 0.05, wasm: 0.01 } } },
        platforms: [entry],
      },
      { file: 'secrets.yaml' },
    );
    await runSuite({
      suite,
      out,
      log: (line) => log(line),
      resolver: { checkConfig: registryResolver.checkConfig, create: async (_n, c, ctx) => make(c, ctx) },
    });
  }

  it('openwhisk (kubernetes, scripted kind + helm + kubectl, the fake API): key, kubeconfig, Helm repository credentials', async () => {
    const auth = `kube-uuid-0001:${plant('openwhisk-kube-key')}`;
    planted.set('openwhisk-kube-key', auth);
    const kubeToken = plant('openwhisk-kubeconfig');
    const fake = new FakeOpenWhisk({ auth, keepAlive: 30, coldStartMs: 20, runMs: 5, storeDelayMs: 5 });
    const apiHost = await fake.start();
    // the fake cluster (repository chart), with a kind kubeconfig that carries a token
    const cluster = new FakeCluster({
      api: fake,
      dockerImages: ['faasmark/invoker:mru-1.0.0', 'faasmark/aes:dev'],
      healthDelayMs: 10,
    });
    const runner: CommandRunner = {
      run: (command, args, options) =>
        command === 'kind' && args[0] === 'get' && args[1] === 'kubeconfig'
          ? Promise.resolve({
              exitCode: 0,
              stdout: `apiVersion: v1\nusers:\n- name: kind\n  user:\n    token: ${kubeToken}\n`,
              stderr: '',
            })
          : cluster.run(command, args, options),
      follow: (command, args, onLine) => cluster.follow(command, args, onLine),
    };
    const out = join(dir, 'run-openwhisk-kube');
    try {
      await runInProcess(
        {
          name: 'openwhisk',
          mode: 'kubernetes',
          apiHost,
          auth,
          actions: { aes: { image: 'faasmark/aes:dev' } },
          invokerImage: 'faasmark/invoker:mru-1.0.0',
          helm: {
            chart: 'openwhisk/openwhisk',
            chartVersion: '1.0.0',
            repoUrl: `https://charts:${plant('helm-repo-password')}@charts.example/`,
          },
          poll: { initialDelay: 0.01, maxDelay: 0.02, maxWait: 5 },
          readyTimeout: 5,
        },
        (c, ctx) => createOpenWhisk(c, ctx, { runner }),
        out,
      );
    } finally {
      await fake.stop();
    }
    assert.ok(
      cluster.calls.some((c) => c.startsWith('helm upgrade --install')),
      'the chart was installed',
    );
    assert.deepEqual(leaks(out, output), []);
  });

  it('spinkube (K3s, scripted kubectl): the kubeconfig token', async () => {
    const kubeToken = plant('spinkube-kubeconfig');
    const out = join(dir, 'run-spinkube');
    await runInProcess(
      {
        name: 'spin',
        mode: 'spinkube',
        spinkube: { cluster: { type: 'k3s' }, installPrerequisites: false, readyTimeout: 5 },
      },
      (c, ctx) =>
        new SpinKubePlatform(parseSpinConfig(c), ctx, {
          runner: spinKubeRunner(podPort),
          startK3s: async () => ({
            kubeConfig: `apiVersion: v1\nusers:\n- name: k3s\n  user:\n    client-key-data: ${kubeToken}\n`,
            importImage: async () => {},
            stop: async () => {},
          }),
        }),
      out,
    );
    assert.deepEqual(leaks(out, output), []);
  });
});

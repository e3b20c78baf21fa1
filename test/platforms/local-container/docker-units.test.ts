/**
 * The Docker executor's parts that need no engine: OpenWhisk's cpu-share formula (reference
 * values from ContainerPoolConfig.cpuShare, docs/design/platform-facts.md), the create body,
 * who owns a container (the sweep's decision), the log stream framing, routes to the bridge,
 * DOCKER_HOST, error mapping against fake engines on unix sockets, the executor choice and the
 * bad-input errors without an engine, and a port clash.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { createPointClock } from '../../../core/clock.js';
import { runCleanups } from '../../../core/lifecycle.js';
import { createBody, openWhiskCpuShares } from '../../../platforms/local-container/docker/container-spec.js';
import {
  DockerEngine,
  demultiplex,
  EngineError,
  engineSocket,
} from '../../../platforms/local-container/docker/engine.js';
import {
  isLeftover,
  LABEL_OWNER_PID,
  LABEL_OWNER_PIDNS,
  LABEL_OWNER_START,
  processStartTime,
} from '../../../platforms/local-container/docker/ownership.js';
import { engineUnavailable, hostReaches } from '../../../platforms/local-container/docker/runtime.js';
import { create, type LocalContainerPlatform } from '../../../platforms/local-container/index.js';
import { context, fixtureWorkload } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'fm-docker-units-'));
/** Debian's python3.11 (scripts/setup-docker.sh installs it for the Python base image). */
const PYTHON = existsSync('/usr/bin/python3.11') ? '/usr/bin/python3.11' : 'python3';
after(async () => {
  await runCleanups();
  rmSync(dir, { recursive: true, force: true });
});

describe("OpenWhisk's container flags", () => {
  // ContainerPoolConfig.cpuShare: max((1024.0 / (userMemory.toBytes / reservedMemory.toBytes)).toInt, 2)
  const cases: Array<[number, number, number]> = [
    [256, 2048, 128], // the chart's 2048 MB: 8 actions of 256 MB
    [256, 1024, 256], // application.conf's 1024 MB
    [128, 2048, 64],
    [512, 2048, 256],
    [300, 2048, 170], // 2048 / 300 = 6 (whole), 1024 / 6 = 170
    [2048, 2048, 1024],
    [6, 2048, 3], // 2048 / 6 = 341, 1024 / 341 = 3
    [4, 2048, 2], // 1024 / 512 = 2: the floor of 2
  ];
  for (const [memory, userMemory, shares] of cases) {
    test(`cpu shares for ${memory} MB in ${userMemory} MB: ${shares}`, () => {
      assert.equal(openWhiskCpuShares(memory, userMemory), shares);
    });
  }

  test('the create body: memory = swap, invoker flags, read-only Mounts (never Binds), labels, port only when published', () => {
    const limits = {
      memory: 256,
      userMemory: 2048,
      pidsLimit: 1024,
      nofile: 1024,
      capDrop: ['NET_RAW', 'NET_ADMIN'],
    };
    const body = createBody({
      image: 'img',
      cmd: ['/srv', '--host', '0.0.0.0', '--port', '8080'],
      mounts: ['/srv', '/data/a', '/srv'],
      labels: { k: 'v' },
      limits,
      publish: false,
    });
    const host = body.HostConfig as Record<string, unknown>;
    assert.equal(host.Memory, 268435456);
    assert.equal(host.MemorySwap, 268435456);
    assert.equal(host.CpuShares, 128);
    assert.equal(host.PidsLimit, 1024);
    assert.deepEqual(host.Ulimits, [{ Name: 'nofile', Soft: 1024, Hard: 1024 }]);
    assert.deepEqual(host.CapDrop, ['NET_RAW', 'NET_ADMIN']);
    assert.equal(host.Binds, undefined);
    assert.deepEqual(host.Mounts, [
      { Type: 'bind', Source: '/srv', Target: '/srv', ReadOnly: true },
      { Type: 'bind', Source: '/data/a', Target: '/data/a', ReadOnly: true },
    ]);
    assert.equal(host.PortBindings, undefined);
    assert.deepEqual(body.Labels, { k: 'v' });
    const published = createBody({ image: 'img', cmd: [], mounts: [], labels: {}, limits, publish: true });
    assert.deepEqual((published.HostConfig as Record<string, unknown>).PortBindings, {
      '8080/tcp': [{ HostIp: '127.0.0.1', HostPort: '' }],
    });
  });
});

describe('ownership: which containers a start sweeps', () => {
  const ns = 'pid:[4026531836]';
  const labels = (pid: string, start: string, pidns = ns) => ({
    [LABEL_OWNER_PID]: pid,
    [LABEL_OWNER_START]: start,
    [LABEL_OWNER_PIDNS]: pidns,
  });
  const table = (pid: number) => (pid === 100 ? '555' : pid === 200 ? 'Z-never' : undefined);
  const cases: Array<[string, Record<string, string>, boolean]> = [
    ['owner alive, same start time', labels('100', '555'), false],
    ['owner gone', labels('300', '1'), true],
    ['pid reused (another start time)', labels('100', '554'), true],
    ['another pid namespace (cannot tell)', labels('300', '1', 'pid:[1]'), false],
    ['no owner labels (not ours)', { 'faasmark.executor': 'x' }, false],
    ['a malformed pid', labels('abc', '1'), false],
  ];
  for (const [name, l, leftover] of cases) {
    test(`${name}: ${leftover ? 'swept' : 'kept'}`, () => {
      assert.equal(isLeftover(l, ns, table), leftover);
    });
  }
  test("this process's start time is readable and stable", () => {
    const a = processStartTime('self');
    assert.match(a ?? '', /^\d+$/);
    assert.equal(processStartTime(process.pid), a);
    assert.equal(processStartTime(2 ** 22 + 1), undefined);
  });
});

describe('engine plumbing', () => {
  test("Docker's multiplexed log stream is demultiplexed; a truncated frame is dropped", () => {
    const frame = (stream: number, text: string) => {
      const head = Buffer.alloc(8);
      head[0] = stream;
      head.writeUInt32BE(Buffer.byteLength(text), 4);
      return Buffer.concat([head, Buffer.from(text)]);
    };
    const raw = Buffer.concat([frame(1, 'out\n'), frame(2, 'err\n'), frame(1, 'cut-off').subarray(0, 10)]);
    assert.equal(demultiplex(raw), 'out\nerr\n');
  });

  test('the bridge is reached when a direct route covers it', () => {
    // docker0 172.17.0.0/16 and eth0 192.0.2.0/24 direct; a default route via a gateway
    const routes = [
      { destination: 0xac110000, gateway: 0, mask: 0xffff0000 },
      { destination: 0xc0000200, gateway: 0, mask: 0xffffff00 },
      { destination: 0, gateway: 0xc0000201, mask: 0 },
    ];
    assert.equal(hostReaches('172.17.0.1', routes), true);
    assert.equal(hostReaches('172.18.0.1', routes), false);
    assert.equal(hostReaches('8.8.8.8', routes), false, 'via a gateway is not "on the bridge"');
    assert.equal(hostReaches('not an ip', routes), false);
  });

  test('DOCKER_HOST: unix:// is honoured, another scheme refused, else the configured or default socket', () => {
    assert.equal(engineSocket(undefined, { DOCKER_HOST: 'unix:///tmp/d.sock' }), '/tmp/d.sock');
    assert.equal(engineSocket('/x.sock', {}), '/x.sock');
    assert.equal(engineSocket(undefined, {}), '/var/run/docker.sock');
    assert.throws(
      () => engineSocket(undefined, { DOCKER_HOST: 'tcp://10.0.0.1:2375' }),
      /only a local engine on a unix socket/,
    );
  });

  test('engine answers map to kinds: 404 not-found, 409 conflict (a removal in progress is done), a closed connection lost, no socket no-engine', async () => {
    const sock = join(dir, 'fake-engine.sock');
    const server: Server = createHttpServer((req, res) => {
      if (req.url === '/_ping') {
        res.writeHead(200, { 'api-version': '1.43' });
        res.end('OK');
      } else if (req.url?.includes('/images/')) {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end('{"message":"No such image: x:1"}');
      } else if (req.url?.includes('/pause')) {
        res.writeHead(409, { 'content-type': 'application/json' });
        res.end('{"message":"already paused"}');
      } else if (req.method === 'DELETE' && req.url?.includes('/containers/going')) {
        res.writeHead(409, { 'content-type': 'application/json' });
        res.end('{"message":"removal of container going is already in progress"}');
      } else if (req.method === 'DELETE' && req.url?.includes('/containers/gone')) {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end('{"message":"No such container: gone"}');
      } else if (req.method === 'DELETE') {
        res.writeHead(409, { 'content-type': 'application/json' });
        res.end('{"message":"conflict: unable to remove"}');
      } else req.socket.destroy();
    });
    await new Promise<void>((r) => server.listen(sock, r));
    const engine = new DockerEngine(sock);
    try {
      assert.equal(await engine.negotiate(), '1.43');
      assert.equal(engine.api, '1.41', 'a newer engine is spoken to in 1.41');
      await assert.rejects(
        engine.image('x:1'),
        (e: EngineError) => e.kind === 'not-found' && /No such image: x:1/.test(e.message),
      );
      await assert.rejects(engine.pause('c'), (e: EngineError) => e.kind === 'conflict');
      // removing: gone, or being removed by another client (a racing sweep), is done; another conflict is not
      await engine.remove('gone');
      await engine.remove('going');
      await assert.rejects(engine.remove('held'), (e: EngineError) => e.kind === 'conflict');
      await assert.rejects(engine.inspect('c'), (e: EngineError) => e.kind === 'lost');
    } finally {
      await engine.close();
      server.close();
    }
    const none = new DockerEngine(join(dir, 'nothing.sock'));
    await assert.rejects(
      none.negotiate(),
      (e: EngineError) => e.kind === 'no-engine' && /connect ENOENT/.test(e.message),
    );
    await none.close();
  });

  test('an engine older than API 1.30 is refused, naming both versions', async () => {
    const sock = join(dir, 'old-engine.sock');
    const server = createHttpServer((_req, res) => {
      res.writeHead(200, { 'api-version': '1.24' });
      res.end('OK');
    });
    await new Promise<void>((r) => server.listen(sock, r));
    const engine = new DockerEngine(sock);
    await assert.rejects(engine.negotiate(), /speaks API 1\.24; faasmark needs 1\.30 or newer/);
    await engine.close();
    server.close();
  });

  test('a refused connection (stale socket file) is "no engine" too', async () => {
    const sock = join(dir, 'stale.sock');
    // a socket file nobody listens on: what a SIGKILLed dockerd leaves behind (Node unlinks its own)
    const made = spawnSync(PYTHON, [
      '-c',
      `import socket; socket.socket(socket.AF_UNIX).bind(${JSON.stringify(sock)})`,
    ]);
    assert.equal(made.status, 0, String(made.stderr));
    const engine = new DockerEngine(sock);
    await assert.rejects(
      engine.negotiate(),
      (e: EngineError) => e.kind === 'no-engine' && /ECONNREFUSED/.test(e.message),
    );
    await engine.close();
  });
});

describe('executor choice and bad input without an engine', () => {
  const nowhere = () => join(dir, `no-engine-${Math.random()}.sock`);
  async function withDockerHost<T>(value: string, fn: () => Promise<T>): Promise<T> {
    const saved = process.env.DOCKER_HOST;
    process.env.DOCKER_HOST = value;
    try {
      return await fn();
    } finally {
      if (saved === undefined) delete process.env.DOCKER_HOST;
      else process.env.DOCKER_HOST = saved;
    }
  }

  test('auto without an engine: OS processes, and the log and describe() say why', async () => {
    const log: string[] = [];
    const p = (await withDockerHost(`unix://${nowhere()}`, () =>
      create(
        { name: 'local-container', workloads: { fx: fixtureWorkload('auto') } },
        { ...context, log: (l) => log.push(l) },
      ),
    )) as LocalContainerPlatform;
    assert.match(
      log.join('\n'),
      /executor: auto → process: no usable Docker engine \(nothing answers on unix:\/\/\S+ \(connect ENOENT\)\); bash scripts\/setup-docker\.sh starts one/,
    );
    await p.setup({}, createPointClock());
    await p.deploy('fx');
    assert.equal((await p.invoke({ workload: 'fx', input: {} })).status, 'ok');
    const d = await p.describe();
    assert.equal(d.details?.executor, 'process');
    assert.equal(d.engine?.name, 'process');
    assert.match(String(d.version), /^os processes/);
    const [span] = await p.executorSpans();
    assert.deepEqual(
      span?.events?.map((e) => e.kind),
      ['start', 'init'],
      'process executors record their steps too',
    );
    await p.teardown();
  });

  test('executor docker without an engine: one bad-input error (exit 2) naming the socket and the fix', async () => {
    const sock = nowhere();
    await withDockerHost(`unix://${sock}`, async () => {
      await assert.rejects(
        create({ name: 'local-container', executor: 'docker' }, context),
        (err: unknown) => {
          const e = err as { code?: string; message?: string; hint?: string };
          assert.equal(e.code, 'FM_MISSING_TOOL');
          assert.match(e.message ?? '', new RegExp(`a Docker engine \\(nothing answers on unix://${sock}`));
          assert.match(e.hint ?? '', /bash scripts\/setup-docker\.sh.*or set executor: process/);
          return true;
        },
      );
    });
  });

  test('permission denied on the socket is bad input naming root or the group', () => {
    const e = engineUnavailable(
      new EngineError('permission denied on /var/run/docker.sock (EACCES)', 'permission'),
      '/var/run/docker.sock',
    );
    assert.equal(e.code, 'FM_CONFIG');
    assert.match(
      e.message,
      /permission denied on \/var\/run\/docker\.sock: using the Docker engine needs root or the socket's group/,
    );
    assert.match(e.hint ?? '', /run faasmark as root.*usermod -aG docker/);
  });

  test('a configured port in use is bad input (exit 2), not a platform failure', async () => {
    const blocker = createNetServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as { port: number }).port;
    const p = await create({ name: 'local-container', executor: 'process', port }, context);
    await assert.rejects(p.setup({}, createPointClock()), (err: unknown) => {
      const e = err as { code?: string; message?: string };
      assert.equal(e.code, 'FM_CONFIG');
      assert.match(
        e.message ?? '',
        new RegExp(`local-container\\.port ${port} is in use on 127\\.0\\.0\\.1`),
      );
      return true;
    });
    await p.teardown();
    blocker.close();
  });
});

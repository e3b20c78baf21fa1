/**
 * The Docker variant of a local-container executor: the same action server in a container,
 * created, started and removed with the docker CLI (execa). The workload's files (and the
 * command itself) are bind-mounted read-only at their host paths into a base image that only
 * has to provide a libc (scripts/build-docker-base-image.sh builds one offline). The server
 * listens on 0.0.0.0:8080 inside; the port is published on 127.0.0.1 only.
 * Cold start = docker create + start + listening + /init, measured, never simulated.
 */
import { randomBytes } from 'node:crypto';
import { execa } from 'execa';
import { Pool } from 'undici';
import { MissingToolError, PlatformError } from '../../core/errors.js';
import { runToCompletion } from '../external/command-runner.js';
import { postInit, ServerExecutor } from './executor.js';

export interface DockerExecutorOptions {
  docker: string;
  image: string;
  command: string;
  args: string[];
  files: string[];
}

/** The label every faasmark container carries (`docker ps -aq --filter label=faasmark`). */
export const CONTAINER_LABEL = 'faasmark.executor';

/** How to get a Docker engine here (docs/embedded-platforms.md). */
export const DOCKER_HINT =
  'install and start an engine: `apt-get install -y docker.io && (dockerd > /var/log/dockerd.log 2>&1 &)`, ' +
  'then build the base image offline: `scripts/build-docker-base-image.sh` (see docs/embedded-platforms.md); ' +
  'or use `executor: process`';

/**
 * Check that an engine answers and the image exists.
 * @throws MissingToolError without a docker CLI; PlatformError without an engine or image.
 */
export async function checkDocker(docker: string, image: string): Promise<string> {
  const res = await runToCompletion(docker, ['version', '--format', '{{.Server.Version}}'], {
    timeout: 10,
    execa: {},
    missing: () => new MissingToolError('docker', DOCKER_HINT),
    timedOut: () =>
      new PlatformError('no Docker engine reachable: `docker version` did not answer within 10 s', {
        hint: DOCKER_HINT,
      }),
  });
  if (res.exitCode !== 0) {
    throw new PlatformError(`no Docker engine reachable: ${res.stderr.trim().split('\n')[0]}`, {
      hint: DOCKER_HINT,
    });
  }
  const version = res.stdout.trim();
  const inspect = await execa(docker, ['image', 'inspect', '--format', '{{.Id}}', image], { reject: false });
  if (inspect.exitCode !== 0) {
    throw new PlatformError(`Docker image ${image} not found`, {
      hint: `build it offline: scripts/build-docker-base-image.sh ${image}`,
    });
  }
  return `docker ${version}, image ${image} ${String(inspect.stdout).trim()}`;
}

export class DockerExecutor extends ServerExecutor {
  private container: string | undefined;
  private logs: ReturnType<typeof execa> | undefined;

  constructor(
    id: string,
    private readonly options: DockerExecutorOptions,
  ) {
    super(id);
  }

  async start(timeoutS: number): Promise<void> {
    const { docker, image, command, args, files } = this.options;
    const mounts = [...new Set([command, ...files])].flatMap((p) => ['-v', `${p}:${p}:ro`]);
    const name = `faasmark-${this.id}-${randomBytes(3).toString('hex')}`;
    const created = await execa(
      docker,
      [
        'create',
        '--name',
        name,
        '--label',
        `${CONTAINER_LABEL}=${this.id}`,
        '-p',
        '127.0.0.1::8080',
        ...mounts,
        image,
        command,
        ...args,
        '--host',
        '0.0.0.0',
        '--port',
        '8080',
      ],
      { reject: false, timeout: timeoutS * 1000 },
    );
    if (created.exitCode !== 0) {
      throw new PlatformError(`executor ${this.id}: docker create failed: ${String(created.stderr).trim()}`);
    }
    this.container = String(created.stdout).trim();
    const started = await execa(docker, ['start', this.container], {
      reject: false,
      timeout: timeoutS * 1000,
    });
    if (started.exitCode !== 0) {
      throw new PlatformError(`executor ${this.id}: docker start failed: ${String(started.stderr).trim()}`);
    }
    await this.waitListening(timeoutS);
    const port = await execa(docker, ['port', this.container, '8080/tcp'], { reject: false });
    const hostPort = /127\.0\.0\.1:(\d+)/.exec(String(port.stdout))?.[1];
    if (!hostPort)
      throw new PlatformError(`executor ${this.id}: no published port (${String(port.stdout).trim()})`);
    this.client = new Pool(`http://127.0.0.1:${hostPort}`, {
      connections: 1,
      pipelining: 1,
      keepAliveTimeout: 600_000,
    });
    await postInit(this.client, timeoutS, this.id);
  }

  /** Follow the container's stdout until the `{"listening":port}` line (no polling). */
  private waitListening(timeoutS: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const logs = execa(this.options.docker, ['logs', '-f', this.container as string], {
        reject: false,
        buffer: false,
      });
      this.logs = logs;
      let text = '';
      let done = false;
      const timer = setTimeout(
        () => finish(new Error(`no {"listening":port} line within ${timeoutS} s`)),
        timeoutS * 1000,
      );
      const finish = (err?: Error) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        if (err) reject(new PlatformError(`executor ${this.id}: ${err.message}`));
        else resolve();
      };
      logs.stdout?.on('data', (chunk: Buffer) => {
        text += chunk.toString();
        if (/\{"listening":\d+\}/.test(text)) finish();
      });
      void logs.then((r) => {
        // the log stream ends when the container stops
        if (!done)
          finish(new Error(`container exited before listening: ${String(r.stderr ?? '').slice(-300)}`));
        else if (!this.destroying) this.deathListener?.('container stopped');
      });
    });
  }

  async destroy(): Promise<void> {
    this.destroying = true;
    await this.client?.destroy();
    this.client = undefined;
    if (this.container) await execa(this.options.docker, ['rm', '-f', this.container], { reject: false });
    this.container = undefined;
    this.logs?.kill();
    await this.logs?.catch(() => undefined);
  }
}

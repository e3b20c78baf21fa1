/**
 * Which executor local-container runs, decided once when the platform is created: `docker`
 * (an engine must answer: else one clear error, exit 2), `process`, or `auto` (the default:
 * docker when an engine answers, else OS processes, and the log says why). The choice is
 * named in the log and in describe() (docs/embedded-platforms.md "Executors").
 */
import type { LocalContainerConfig } from './config.js';
import { engineSocket } from './docker/engine.js';
import { DockerRuntime, engineUnavailable } from './docker/runtime.js';

export type ExecutorChoice =
  | { kind: 'process'; requested: LocalContainerConfig['executor']; reason: string }
  | { kind: 'docker'; requested: LocalContainerConfig['executor']; reason: string; runtime: DockerRuntime };

/** @throws MissingToolError / ConfigError (exit 2) when `executor: docker` finds no usable engine */
export async function chooseExecutor(config: LocalContainerConfig): Promise<ExecutorChoice> {
  const requested = config.executor;
  if (requested === 'process')
    return { kind: 'process', requested, reason: 'executor: process (configured)' };
  let runtime: DockerRuntime;
  try {
    runtime = await DockerRuntime.connect(config.docker);
  } catch (err) {
    const socket = socketForMessages(config.docker.socket);
    if (requested === 'docker') throw engineUnavailable(err, socket);
    const why = err instanceof Error ? err.message : String(err);
    return {
      kind: 'process',
      requested,
      reason: `executor: auto → process: no usable Docker engine (${why}); bash scripts/setup-docker.sh starts one`,
    };
  }
  const f = runtime.facts;
  const via =
    f.address === 'bridge'
      ? 'on their bridge IP'
      : 'on published 127.0.0.1 ports (the bridge is not reachable from here)';
  return {
    kind: 'docker',
    requested,
    runtime,
    reason: `executor: ${requested === 'auto' ? 'auto → ' : ''}docker: Docker Engine ${f.version} (API ${f.api}) on unix://${f.socket}, containers reached ${via}`,
  };
}

function socketForMessages(configured: string | undefined): string {
  try {
    return engineSocket(configured);
  } catch {
    return process.env.DOCKER_HOST ?? configured ?? '';
  }
}

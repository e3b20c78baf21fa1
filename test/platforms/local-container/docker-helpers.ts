/**
 * Shared helpers of the Docker executor tests (not a test file): one engine-and-images check
 * per test process, and the rule that a missing engine fails the tests in CI (CI=true: .ci/run
 * starts one) and skips them elsewhere, with the reason. Tests only ever remove containers they
 * own: by their owner pid (this process or a child it spawned) or their platform instance.
 */
import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import { DEFAULT_IMAGE } from '../../../platforms/local-container/config.js';
import { DockerEngine, engineSocket } from '../../../platforms/local-container/docker/engine.js';
import { LABEL_INSTANCE, LABEL_OWNER_PID } from '../../../platforms/local-container/docker/ownership.js';

let ready: Promise<{ engine: DockerEngine } | { reason: string }> | undefined;

async function check(): Promise<{ engine: DockerEngine } | { reason: string }> {
  const engine = new DockerEngine(engineSocket(undefined));
  try {
    await engine.negotiate();
  } catch (err) {
    await engine.close();
    return {
      reason: `no Docker engine: ${err instanceof Error ? err.message : err} (bash scripts/setup-docker.sh starts one)`,
    };
  }
  try {
    await engine.image(DEFAULT_IMAGE);
  } catch {
    return { reason: `base image ${DEFAULT_IMAGE} missing (bash scripts/setup-docker.sh builds it)` };
  }
  return { engine };
}

/** The engine when it answers and the base image exists; else fails (CI) or skips (elsewhere) `t`. */
export async function requireDocker(t: TestContext): Promise<DockerEngine | undefined> {
  ready ??= check();
  const r = await ready;
  if ('engine' in r) return r.engine;
  if (process.env.CI === 'true') assert.fail(`CI=true: the Docker tests must run, but ${r.reason}`);
  t.skip(r.reason);
  return undefined;
}

/** The engine when it answers and the base image exists (no test context: cleanup hooks). */
export async function engineIfReady(): Promise<DockerEngine | undefined> {
  ready ??= check();
  const r = await ready;
  return 'engine' in r ? r.engine : undefined;
}

/** Containers (any state) of one platform instance. */
export async function containersOfInstance(engine: DockerEngine, instance: string): Promise<string[]> {
  return (await engine.list([`${LABEL_INSTANCE}=${instance}`])).map((c) => c.Id);
}

/** Containers (any state) whose owner is process `pid`. */
export async function containersOfPid(engine: DockerEngine, pid: number): Promise<string[]> {
  return (await engine.list([`${LABEL_OWNER_PID}=${pid}`])).map((c) => c.Id);
}

/** Remove the containers of owner `pid` (a test's own cleanup, e.g. after a child was killed). */
export async function removeContainersOfPid(engine: DockerEngine, pid: number): Promise<void> {
  await Promise.all((await containersOfPid(engine, pid)).map((id) => engine.remove(id)));
}

/** Poll `fn` until it returns true or `timeoutMs` passes (waits on other processes only). */
export async function until(
  fn: () => Promise<boolean> | boolean,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await fn())) {
    if (Date.now() > deadline) assert.fail(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** `faasmark serve`: start the platform, print its URL, serve until SIGINT/SIGTERM, tear down. */
import { readFile } from 'node:fs/promises';
import { createPointClock } from '../../../../core/clock.js';
import { UsageError } from '../../../../core/errors.js';
import { shutdownSignal } from '../../../../core/lifecycle.js';
import { rootPath } from '../../../../core/paths.js';
import { loadPlatformModule } from '../../../../platforms/registry.js';
import { log, out, outJson } from '../../io.js';
import type { ServePlan } from './index.js';

/** Read --config: one platform entry (YAML or JSON). @throws UsageError */
export async function readConfigFile(path: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new UsageError(`--config ${path}: cannot read (${err instanceof Error ? err.message : err})`);
  }
  const { parse: parseYaml } = await import('yaml');
  let parsed: unknown;
  try {
    parsed = parseYaml(text);
  } catch (err) {
    throw new UsageError(
      `--config ${path}: not valid YAML/JSON (${err instanceof Error ? err.message : err})`,
    );
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new UsageError(
      `--config ${path}: must hold one platform entry (a mapping), got ${JSON.stringify(parsed)}`,
    );
  }
  return parsed as Record<string, unknown>;
}

/** Start the platform, print its URL, serve until SIGINT/SIGTERM (lifecycle cleans up). */
export async function serveAction(plan: ServePlan, json: boolean): Promise<void> {
  const mod = await loadPlatformModule(plan.platform);
  const platform = await mod.create(plan.config, {
    buildDir: rootPath('workloads', 'build'),
    workDir: process.cwd(),
    log,
  });
  const signal = shutdownSignal();
  try {
    await platform.setup({ signal }, createPointClock());
    await platform.deploy(plan.workload);
  } catch (err) {
    await platform.teardown();
    throw err;
  }
  const base = (platform as unknown as { url: string }).url;
  const url = `${base}/${plan.workload}`;
  if (json) outJson({ schemaVersion: 1, platform: plan.platform, workload: plan.workload, url });
  else out(url);
  log(
    `serving ${plan.workload} on ${plan.platform}: curl -s -X POST ${url} -d '{}'  (Ctrl-C stops and cleans up)`,
  );
  await new Promise<void>((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
  await platform.teardown();
}

/** `faasmark probe capacity`: deploy on the platform, probe it (harness/loadgen/capacity-probe.ts), print. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPointClock } from '../../../../core/clock.js';
import { UsageError } from '../../../../core/errors.js';
import { onShutdown, shutdownSignal } from '../../../../core/lifecycle.js';
import { rootPath } from '../../../../core/paths.js';
import { getWorkload } from '../../../../workloads/registry.js';
import { probeCapacity } from '../../../loadgen/capacity-probe.js';
import { type PlatformResolver, registryResolver } from '../../../suite/platform-resolver.js';
import { log, out, outJson } from '../../io.js';
import type { ProbeOptions } from './index.js';
import { renderCapacity } from './render.js';

export async function probeCapacityAction(
  o: ProbeOptions,
  resolver: PlatformResolver = registryResolver,
): Promise<void> {
  const def = getWorkload(o.workload);
  const input = def.validateInput(def.defaultInput);
  const workDir = await mkdtemp(join(tmpdir(), 'faasmark-probe-'));
  const platform = await resolver.create(
    o.platform,
    { name: o.platform },
    { buildDir: rootPath('workloads', 'build'), workDir, log },
  );
  const unregister = onShutdown(`probe ${o.platform}`, () => platform.teardown());
  try {
    await platform.setup(
      { keepAlive: 600, requestTimeout: 60, signal: shutdownSignal() },
      createPointClock(),
    );
    await platform.deploy(o.workload);
    const url = (platform as unknown as { url?: unknown }).url;
    if (typeof url !== 'string') {
      throw new UsageError(`platform ${o.platform} exposes no HTTP endpoint faasmark can probe`, {
        hint: 'probe local-wasm or local-container; for a remote platform point autocannon at its URL yourself',
      });
    }
    log(`probing ${url}/${o.workload}: ${o.connections} connections, ${o.duration} s closed loop`);
    const r = await probeCapacity({
      url: `${url}/${o.workload}`,
      body: input,
      duration: o.duration,
      connections: o.connections,
      signal: shutdownSignal(),
    });
    if (o.json) outJson({ schemaVersion: 1, platform: o.platform, workload: o.workload, ...r });
    else out(renderCapacity(o, r));
  } finally {
    await platform.teardown();
    unregister();
    await rm(workDir, { recursive: true, force: true });
  }
}

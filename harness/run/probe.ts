/** The implementation of `faasmark probe capacity` (see harness/loadgen/capacity-probe.ts). */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fmt, renderTable } from '../../analysis/table.js';
import { createPointClock } from '../../core/clock.js';
import { UsageError } from '../../core/errors.js';
import { onShutdown, shutdownSignal } from '../../core/lifecycle.js';
import { rootPath } from '../../core/paths.js';
import { PLATFORM_NAMES } from '../../platforms/registry.js';
import { log, out, outJson } from '../cli/io.js';
import { parseChoice } from '../cli/options.js';
import { probeCapacity } from '../loadgen/capacity-probe.js';
import { type PlatformResolver, registryResolver } from '../suite/platform-resolver.js';

export interface ProbeOptions {
  platform: string;
  workload: string;
  duration: number;
  connections: number;
  json: boolean;
  resolver?: PlatformResolver;
}

export async function probeCommand(o: ProbeOptions): Promise<void> {
  parseChoice('--platform', o.platform, PLATFORM_NAMES);
  const { getWorkload } = await import('../../workloads/registry.js');
  const def = getWorkload(o.workload);
  const input = def.validateInput(def.defaultInput);
  const resolver = o.resolver ?? registryResolver;
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
    if (o.json) {
      outJson({ schemaVersion: 1, platform: o.platform, workload: o.workload, ...r });
      return;
    }
    out(
      renderTable(
        [
          'platform',
          'workload',
          'connections',
          'throughput (req/s)',
          'p50 (s)',
          'p99 (s)',
          'non-2xx',
          'errors',
        ],
        [
          [
            o.platform,
            o.workload,
            r.connections,
            fmt(r.throughput),
            fmt(r.latency.p50),
            fmt(r.latency.p99),
            r.non2xx,
            r.errors,
          ],
        ],
      ),
    );
    out(`suggested load sweep: arrivalRate: [${r.suggestedRates.join(', ')}]`);
  } finally {
    await platform.teardown();
    unregister();
    await rm(workDir, { recursive: true, force: true });
  }
}

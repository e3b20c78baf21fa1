/**
 * `faasmark probe capacity --platform P --workload W`: closed-loop autocannon against the
 * platform's HTTP endpoint to find its maximum throughput, and the load-sweep rates to use.
 */
import type { Command } from 'commander';
import { parsePositiveDuration } from '../../../../core/duration.js';
import { PLATFORM_NAMES, type PlatformName } from '../../../../platforms/registry.js';
import { parseChoice, parseNumber } from '../../options.js';

export interface ProbeFlags {
  platform: string;
  workload: string;
  duration: string;
  connections: string;
  json?: boolean;
}

export interface ProbeOptions {
  platform: PlatformName;
  workload: string;
  /** seconds */
  duration: number;
  connections: number;
  json: boolean;
}

/** Parse `probe capacity` flags (pure). @throws UsageError naming the flag */
export function parseProbeFlags(flags: ProbeFlags): ProbeOptions {
  return {
    platform: parseChoice('--platform', flags.platform, PLATFORM_NAMES),
    workload: flags.workload,
    duration: parsePositiveDuration('--duration', flags.duration),
    connections: parseNumber('--connections', flags.connections, { integer: true, min: 1, max: 10_000 }),
    json: Boolean(flags.json),
  };
}

export default function register(program: Command): void {
  const probe = program.command('probe').description('probe a platform before a sweep');
  probe
    .command('capacity')
    .description(
      "closed-loop (autocannon) maximum throughput of a platform's HTTP endpoint; suggests load-sweep rates",
    )
    .requiredOption('--platform <name>', 'platform with an HTTP endpoint (local-wasm, local-container)')
    .requiredOption('--workload <name>', 'workload to call (aes, matmul, whatlang, float)')
    .option('--duration <d>', 'probe duration (e.g. 10s)', '10s')
    .option('--connections <n>', 'concurrent connections (closed loop)', '10')
    .option('--json', 'print the result as JSON')
    .action(async (flags: ProbeFlags) => {
      const options = parseProbeFlags(flags);
      const { probeCapacityAction } = await import('./action.js');
      await probeCapacityAction(options);
    });
}

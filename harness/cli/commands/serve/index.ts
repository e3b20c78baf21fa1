/**
 * `faasmark serve local-wasm|local-container --workload aes [...]`: start one embedded
 * platform for manual poking (curl), print its URL on stdout, serve until Ctrl-C, then stop
 * every executor, worker and server (core/lifecycle.ts). Flags are parsed strictly by the
 * pure, exported {@link parseServeFlags}; the platform is imported lazily by ./action.ts.
 */
import type { Command } from 'commander';
import { parseDuration, parsePositiveDuration } from '../../../../core/duration.js';
import { UsageError } from '../../../../core/errors.js';
import { ROUTING_POLICIES } from '../../../../core/platform.js';
import { parseChoice, parseNumber } from '../../options.js';

export const SERVE_PLATFORMS = ['local-wasm', 'local-container'] as const;
export type ServePlatform = (typeof SERVE_PLATFORMS)[number];

export interface ServeFlags {
  workload?: string;
  keepAlive?: string;
  routing?: string;
  port?: string;
  executor?: string;
  maxConcurrency?: string;
  overflow?: string;
  workers?: string;
  requestTimeout?: string;
  config?: string;
  json?: boolean;
}

export interface ServePlan {
  platform: ServePlatform;
  workload: string;
  /** The platform's config entry (flags over the --config file). */
  config: Record<string, unknown>;
}

const CONTAINER_ONLY: Array<[keyof ServeFlags, string]> = [
  ['keepAlive', '--keep-alive'],
  ['routing', '--routing'],
  ['executor', '--executor'],
];
const WASM_ONLY: Array<[keyof ServeFlags, string]> = [['workers', '--workers']];

/**
 * Turn the positional platform and the flags into a plan; `fileConfig` is the parsed
 * --config file (a platform entry), if any.
 * @throws UsageError naming the flag, rule and value
 */
export function parseServeFlags(
  platformArg: string,
  flags: ServeFlags,
  fileConfig: Record<string, unknown> = {},
): ServePlan {
  const platform = parseChoice('platform', platformArg, SERVE_PLATFORMS);
  if (!flags.workload) throw new UsageError('--workload is required (e.g. --workload aes)');
  const forbidden = platform === 'local-wasm' ? CONTAINER_ONLY : WASM_ONLY;
  for (const [key, name] of forbidden) {
    if (flags[key] !== undefined)
      throw new UsageError(`${name} does not apply to ${platform} (see faasmark serve --help)`);
  }
  if (fileConfig.name !== undefined && fileConfig.name !== platform) {
    throw new UsageError(`--config is an entry for ${JSON.stringify(fileConfig.name)}, not ${platform}`);
  }
  const config: Record<string, unknown> = { ...fileConfig, name: platform };
  if (flags.port !== undefined)
    config.port = parseNumber('--port', flags.port, { integer: true, min: 0, max: 65535 });
  if (flags.keepAlive !== undefined) config.keepAlive = parseDuration('--keep-alive', flags.keepAlive);
  if (flags.routing !== undefined) config.routing = parseChoice('--routing', flags.routing, ROUTING_POLICIES);
  if (flags.executor !== undefined)
    config.executor = parseChoice('--executor', flags.executor, ['auto', 'process', 'docker']);
  if (flags.maxConcurrency !== undefined) {
    config.maxConcurrency = parseNumber('--max-concurrency', flags.maxConcurrency, { integer: true, min: 1 });
  }
  if (flags.overflow !== undefined)
    config.overflow = parseChoice('--overflow', flags.overflow, ['reject', 'queue']);
  if (flags.workers !== undefined)
    config.workers = parseNumber('--workers', flags.workers, { integer: true, min: 1, max: 256 });
  if (flags.requestTimeout !== undefined)
    config.requestTimeout = parsePositiveDuration('--request-timeout', flags.requestTimeout);
  return { platform, workload: flags.workload, config };
}

export default function register(program: Command): void {
  program
    .command('serve')
    .description(
      'start an embedded platform (local-wasm or local-container) serving one workload; prints its URL',
    )
    .argument('<platform>', `one of ${SERVE_PLATFORMS.join(', ')}`)
    .requiredOption(
      '--workload <name>',
      'workload to deploy (aes, matmul, whatlang, float, or one named in --config)',
    )
    .option('--port <n>', 'port on 127.0.0.1 (default 0: any free port)')
    .option(
      '--keep-alive <duration>',
      'local-container: idle time before an executor is destroyed (e.g. 10, 10s, 5m)',
    )
    .option('--routing <policy>', `local-container: ${ROUTING_POLICIES.join(', ')} (default mru)`)
    .option(
      '--executor <kind>',
      'local-container: docker, process, or auto (default: docker when a Docker engine answers, else process)',
    )
    .option('--max-concurrency <n>', 'max executors (local-container) / requests in flight (local-wasm)')
    .option('--overflow <mode>', 'beyond --max-concurrency: reject (429) or queue (default reject)')
    .option('--workers <n>', 'local-wasm: worker threads (default: number of cores)')
    .option('--request-timeout <duration>', 'per-request timeout (default 60s)')
    .option(
      '--config <file>',
      'a platform entry (YAML/JSON) with further options, e.g. workloads: {name: {wasm|native}}',
    )
    .option('--json', 'print {platform, workload, url} as JSON')
    .action(async (platformArg: string, flags: ServeFlags) => {
      const { readConfigFile, serveAction } = await import('./action.js');
      const fileConfig = flags.config ? await readConfigFile(flags.config) : {};
      await serveAction(parseServeFlags(platformArg, flags, fileConfig), Boolean(flags.json));
    });
}

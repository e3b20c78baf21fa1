/**
 * `faasmark openwhisk`: Helm values, the routing and keep-alive probes, and the invoker-log
 * parser. Flags are parsed strictly here (pure, exported, tested unspawned); the auth key is
 * read from env FAASMARK_OW_AUTH only — never a flag, so it stays out of shell history and
 * `ps`. The implementations (./action.ts) are imported lazily.
 */
import type { Command } from 'commander';
import { UsageError } from '../../../../core/errors.js';
import type { InvokerLogSource } from '../../../../platforms/openwhisk/config.js';
import type { ValuesOptions } from '../../../../platforms/openwhisk/values.js';
import { parseNumber } from '../../options.js';

export interface ValuesFlags {
  keepAlive?: string;
  pauseGrace?: string;
  invokerImage?: string;
  userMemory?: string;
  invokesPerMinute?: string;
  invokesConcurrent?: string;
  controllerHeap?: string;
  invokerHeap?: string;
  apiHostName?: string;
  apiHostPort?: string;
  singleNode?: boolean;
  json?: boolean;
}

const INT_POS = { integer: true, min: 1 } as const;

/**
 * Parse `openwhisk values` flags. The --invoker-image format is checked by the action against
 * the chart schema's pattern (platforms/openwhisk/config.ts, which loads ajv).
 * @throws UsageError naming the flag
 */
export function parseValuesFlags(f: ValuesFlags): ValuesOptions {
  if (f.keepAlive === undefined)
    throw new UsageError('--keep-alive is required (seconds, e.g. --keep-alive 30)');
  const o: ValuesOptions = { keepAlive: parseNumber('--keep-alive', f.keepAlive, { greaterThan: 0 }) };
  if (f.pauseGrace !== undefined)
    o.pauseGrace = parseNumber('--pause-grace', f.pauseGrace, { greaterThan: 0 });
  if (o.pauseGrace !== undefined && o.pauseGrace >= o.keepAlive) {
    throw new UsageError(`--pause-grace must be < --keep-alive (${o.keepAlive}), got ${o.pauseGrace}`);
  }
  if (f.invokerImage !== undefined) o.invokerImage = f.invokerImage;
  if (f.userMemory !== undefined)
    o.userMemoryMb = parseNumber('--user-memory', f.userMemory, { integer: true, min: 256 });
  if (f.invokesPerMinute !== undefined)
    o.actionsInvokesPerminute = parseNumber('--invokes-per-minute', f.invokesPerMinute, INT_POS);
  if (f.invokesConcurrent !== undefined)
    o.actionsInvokesConcurrent = parseNumber('--invokes-concurrent', f.invokesConcurrent, INT_POS);
  if (f.controllerHeap !== undefined)
    o.controllerHeapMb = parseNumber('--controller-heap', f.controllerHeap, { integer: true, min: 256 });
  if (f.invokerHeap !== undefined)
    o.invokerHeapMb = parseNumber('--invoker-heap', f.invokerHeap, { integer: true, min: 256 });
  if (f.apiHostName !== undefined) o.apiHostName = f.apiHostName;
  if (f.apiHostPort !== undefined)
    o.apiHostPort = parseNumber('--api-host-port', f.apiHostPort, { integer: true, min: 1, max: 65535 });
  if (f.singleNode) o.singleNode = true;
  return o;
}

export interface ProbeFlags {
  apiHost?: string;
  namespace?: string;
  insecure?: boolean;
  action?: string;
  invokerLog?: string;
  invokerLogCommand?: string;
  json?: boolean;
  // routing
  containers?: string;
  requests?: string;
  gap?: string;
  // keep-alive
  minGap?: string;
  maxGap?: string;
  resolution?: string;
}

export interface ProbeTarget {
  apiHost: string;
  auth: string;
  namespace: string;
  insecure: boolean;
  action: string;
  invokerLog?: InvokerLogSource;
}

/** Parse the flags every probe shares, and the key from `env`. @throws UsageError */
export function parseProbeTarget(f: ProbeFlags, env: NodeJS.ProcessEnv, needLog: boolean): ProbeTarget {
  if (!f.apiHost) throw new UsageError('--api-host is required (e.g. --api-host https://localhost:31001)');
  if (!/^https?:\/\/[^/\s]+\/?$/.test(f.apiHost))
    throw new UsageError(`--api-host must be http(s)://host[:port], got ${JSON.stringify(f.apiHost)}`);
  if (!f.action)
    throw new UsageError(
      '--action is required: the name of a deployed action to probe (one container per activation)',
    );
  const auth = env.FAASMARK_OW_AUTH;
  if (!auth || !/^[^:\s]+:[^:\s]+$/.test(auth)) {
    throw new UsageError(
      'env FAASMARK_OW_AUTH must hold the namespace key <uuid>:<key> (it is never taken as a flag)',
    );
  }
  if (f.invokerLog && f.invokerLogCommand)
    throw new UsageError('give --invoker-log or --invoker-log-command, not both');
  const t: ProbeTarget = {
    apiHost: f.apiHost.replace(/\/$/, ''),
    auth,
    namespace: f.namespace ?? '_',
    insecure: Boolean(f.insecure),
    action: f.action,
  };
  if (f.invokerLog) t.invokerLog = { file: f.invokerLog };
  else if (f.invokerLogCommand) t.invokerLog = { command: f.invokerLogCommand };
  else if (needLog) {
    throw new UsageError(
      'the routing probe needs the invoker log to map activations to containers: --invoker-log FILE or --invoker-log-command "kubectl -n openwhisk logs owdev-invoker-0"',
    );
  }
  return t;
}

export interface RoutingProbeFlags {
  containers: number;
  requests: number;
  gap: number;
}

/** Parse `probe routing`'s own flags. @throws UsageError */
export function parseRoutingFlags(f: ProbeFlags): RoutingProbeFlags {
  return {
    containers: parseNumber('--containers', f.containers ?? '3', { integer: true, min: 2, max: 50 }),
    requests: parseNumber('--requests', f.requests ?? '12', { integer: true, min: 4, max: 1000 }),
    gap: parseNumber('--gap', f.gap ?? '1', { greaterThan: 0 }),
  };
}

export interface KeepAliveProbeFlags {
  minGap: number;
  maxGap: number;
  resolution: number;
}

/** Parse `probe keep-alive`'s own flags. @throws UsageError */
export function parseKeepAliveProbeFlags(f: ProbeFlags): KeepAliveProbeFlags {
  const minGap = parseNumber('--min-gap', f.minGap ?? '1', { greaterThan: 0 });
  const maxGap = parseNumber('--max-gap', f.maxGap ?? '1200', { greaterThan: 0 });
  const resolution = parseNumber('--resolution', f.resolution ?? '1', { greaterThan: 0 });
  if (maxGap < minGap) throw new UsageError(`--max-gap must be >= --min-gap (${minGap}), got ${maxGap}`);
  return { minGap, maxGap, resolution };
}

export interface ParseLogFlags {
  action?: string;
  json?: boolean;
}

export default function register(program: Command): void {
  const ow = program
    .command('openwhisk')
    .description('OpenWhisk helpers: Helm values, probes, invoker-log parsing');

  ow.command('values')
    .description(
      'print Helm values for apache/openwhisk-deploy-kube (keep-alive split, limits, invoker image)',
    )
    .option('--keep-alive <s>', 'effective keep-alive (s) = pause-grace + idle-container')
    .option('--pause-grace <s>', 'pause-grace part (s); default min(10, keep-alive/2)')
    .option('--invoker-image <ref>', 'invoker image (the MRU build): name[:tag] or name@sha256:<digest>')
    .option('--user-memory <MB>', 'whisk.containerPool.userMemory (MB)')
    .option('--invokes-per-minute <n>', 'whisk.limits.actionsInvokesPerminute')
    .option('--invokes-concurrent <n>', 'whisk.limits.actionsInvokesConcurrent')
    .option('--controller-heap <MB>', 'controller JVM heap (MB)')
    .option('--invoker-heap <MB>', 'invoker JVM heap (MB)')
    .option('--api-host-name <host>', 'whisk.ingress.apiHostName')
    .option('--api-host-port <port>', 'whisk.ingress.apiHostPort and nginx.httpsNodePort')
    .option(
      '--single-node',
      "one unlabelled node (kind, k3s): chart affinity/tolerations and persistence off, and the invoker's user-pod node affinity off",
    )
    .option('--json', 'one JSON document instead of YAML')
    .action(async (flags: ValuesFlags) => {
      const options = parseValuesFlags(flags);
      const { valuesAction } = await import('./action.js');
      await valuesAction(options, Boolean(flags.json));
    });

  const probe = ow
    .command('probe')
    .description('measure what an OpenWhisk installation does (auth from env FAASMARK_OW_AUTH)');
  const common = (c: Command) =>
    c
      .option('--api-host <url>', 'API host, e.g. https://localhost:31001')
      .option('--namespace <ns>', 'namespace', '_')
      .option('--insecure', 'accept a self-signed certificate')
      .option('--action <name>', 'a deployed action to probe')
      .option('--invoker-log <file>', 'invoker log file (followed)')
      .option('--invoker-log-command <cmd>', 'shell command printing the invoker log')
      .option('--json', 'one JSON document');

  common(
    probe
      .command('routing')
      .description('detect whether warm requests go to the most recently used container'),
  )
    .option('--containers <k>', 'containers created by a concurrent burst', '3')
    .option('--requests <n>', 'sequential warm requests', '12')
    .option('--gap <s>', 'idle gap between sequential requests (s)', '1')
    .action(async (flags: ProbeFlags) => {
      const target = parseProbeTarget(flags, process.env, true);
      const options = parseRoutingFlags(flags);
      const { probeRoutingAction } = await import('./action.js');
      await probeRoutingAction(target, options, Boolean(flags.json));
    });

  common(
    probe
      .command('keep-alive')
      .description('measure the effective idle lifetime of a container (growing gaps, then bisection)'),
  )
    .option('--min-gap <s>', 'first idle gap (s)', '1')
    .option('--max-gap <s>', 'largest idle gap (s)', '1200')
    .option('--resolution <s>', 'bisection resolution (s)', '1')
    .action(async (flags: ProbeFlags) => {
      const target = parseProbeTarget(flags, process.env, false);
      const options = parseKeepAliveProbeFlags(flags);
      const { probeKeepAliveAction } = await import('./action.js');
      await probeKeepAliveAction(target, options, Boolean(flags.json));
    });

  ow.command('parse-log')
    .description(
      'invoker log → executor spans (container, created, deleted, activations) and per-activation container states',
    )
    .argument('<file>', 'invoker log (kubectl -n openwhisk logs owdev-invoker-0 > invoker.log)')
    .option('--action <name>', 'only containers/activations of this action')
    .option('--json', 'one JSON document')
    .action(async (file: string, flags: ParseLogFlags) => {
      const { parseLogAction } = await import('./action.js');
      await parseLogAction(file, flags);
    });
}

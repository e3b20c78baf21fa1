/**
 * `faasmark openwhisk`: Helm values, the routing and keep-alive probes, and the invoker-log
 * parser (issue 6). The implementations live in platforms/openwhisk/cli.ts, imported lazily.
 */
import type { Command } from 'commander';

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
    .option('--invoker-image <name:tag>', 'invoker image (the MRU build)')
    .option('--user-memory <MB>', 'whisk.containerPool.userMemory (MB)')
    .option('--invokes-per-minute <n>', 'whisk.limits.actionsInvokesPerminute')
    .option('--invokes-concurrent <n>', 'whisk.limits.actionsInvokesConcurrent')
    .option('--controller-heap <MB>', 'controller JVM heap (MB)')
    .option('--invoker-heap <MB>', 'invoker JVM heap (MB)')
    .option('--api-host-name <host>', 'whisk.ingress.apiHostName')
    .option('--api-host-port <port>', 'whisk.ingress.apiHostPort and nginx.httpsNodePort')
    .option('--single-node', 'disable node affinity/tolerations and persistence (kind, k3s)')
    .option('--json', 'one JSON document instead of YAML')
    .action(async (flags) => {
      const { runValues } = await import('./openwhisk-actions.js');
      await runValues(flags);
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
    .action(async (flags) => {
      const { runProbeRouting } = await import('./openwhisk-actions.js');
      await runProbeRouting(flags);
    });

  common(
    probe
      .command('keep-alive')
      .description('measure the effective idle lifetime of a container (growing gaps, then bisection)'),
  )
    .option('--min-gap <s>', 'first idle gap (s)', '1')
    .option('--max-gap <s>', 'largest idle gap (s)', '1200')
    .option('--resolution <s>', 'bisection resolution (s)', '1')
    .action(async (flags) => {
      const { runProbeKeepAlive } = await import('./openwhisk-actions.js');
      await runProbeKeepAlive(flags);
    });

  ow.command('parse-log')
    .description(
      'invoker log → executor spans (container, created, deleted, activations) and per-activation container states',
    )
    .argument('<file>', 'invoker log (kubectl -n openwhisk logs owdev-invoker-0 > invoker.log)')
    .option('--action <name>', 'only containers/activations of this action')
    .option('--json', 'one JSON document')
    .action(async (file: string, flags) => {
      const { runParseLog } = await import('./openwhisk-actions.js');
      await runParseLog(file, flags);
    });
}

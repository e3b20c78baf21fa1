/**
 * `faasmark spin`: SpinKube manifests for a workload and the local Spin CLI's version
 * (issue 7). The implementations live in platforms/spin/cli.ts, imported lazily.
 */
import type { Command } from 'commander';

export default function register(program: Command): void {
  const spin = program
    .command('spin')
    .description('Spin helpers: SpinKube manifests, the local spin version');

  spin
    .command('manifest')
    .description(
      'print the SpinKube SpinApp (core.spinkube.dev/v1alpha1) for a workload, validated against the CRD',
    )
    .argument('<workload>', 'aes, matmul, whatlang or float')
    .option(
      '--image <ref>',
      'OCI reference of the app (spin registry push); default localhost:5000/faasmark-<workload>:latest',
    )
    .option('--replicas <n>', "pods (fixed; scaling is Kubernetes', not per request)", '1')
    .option('--autoscaling', 'leave replicas to an HPA/KEDA (enableAutoscaling: true)')
    .option('--executor <name>', 'SpinAppExecutor', 'containerd-shim-spin')
    .option('--namespace <ns>', 'namespace', 'faasmark')
    .option('--cpu-limit <q>', 'resources.limits.cpu, e.g. 500m')
    .option('--memory-limit <q>', 'resources.limits.memory, e.g. 256Mi')
    .option(
      '--runtime-config-file <file>',
      'runtime-config.toml, shipped as a Secret (runtimeConfig.loadFromSecret)',
    )
    .option(
      '--with-prerequisites',
      'also print the Namespace, RuntimeClass wasmtime-spin-v2 and SpinAppExecutor',
    )
    .option('--json', 'one JSON document instead of YAML')
    .action(async (workload: string, flags) => {
      const { runManifest } = await import('./spin-actions.js');
      await runManifest(workload, flags);
    });

  spin
    .command('version')
    .description(
      'find the spin binary (--binary, FAASMARK_SPIN_BIN, PATH) and print its version and instance-reuse support',
    )
    .option('--binary <path>', 'spin binary')
    .option('--json', 'one JSON document')
    .action(async (flags) => {
      const { runVersion } = await import('./spin-actions.js');
      await runVersion(flags);
    });
}

/**
 * `faasmark spin`: SpinKube manifests for a workload, its app image (docs/spin.md "App
 * images") and the local Spin CLI's version. Flags are parsed strictly here; the
 * implementations (./action.ts) are imported lazily.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../../../../core/errors.js';
import { parseImageRef, pullsAlways } from '../../../../platforms/external/image-ref.js';
import { parseNumber } from '../../options.js';

export interface ManifestFlags {
  image?: string;
  replicas?: string;
  autoscaling?: boolean;
  executor?: string;
  namespace?: string;
  cpuLimit?: string;
  memoryLimit?: string;
  runtimeConfigFile?: string;
  withPrerequisites?: boolean;
  json?: boolean;
}

export interface ManifestOptions {
  image?: string;
  /** Fixed pods; absent with --autoscaling. */
  replicas?: number;
  autoscaling: boolean;
  executor?: string;
  namespace?: string;
  cpuLimit?: string;
  memoryLimit?: string;
  runtimeConfigFile?: string;
  withPrerequisites: boolean;
  json: boolean;
}

/**
 * Parse `spin manifest` flags. The SpinApp itself (quantities, namespace) is validated by the
 * action against the CRD. @throws UsageError naming the flag
 */
export function parseManifestFlags(flags: ManifestFlags): ManifestOptions {
  if (flags.autoscaling && flags.replicas !== undefined && flags.replicas !== '1') {
    throw new UsageError('--replicas cannot be combined with --autoscaling (the HPA/KEDA sets the replicas)');
  }
  const replicas = parseNumber('--replicas', flags.replicas ?? '1', { min: 1, integer: true, max: 1000 });
  if (flags.runtimeConfigFile && !existsSync(flags.runtimeConfigFile)) {
    throw new UsageError(`--runtime-config-file: ${resolve(flags.runtimeConfigFile)} does not exist`);
  }
  return {
    ...(flags.image ? { image: flags.image } : {}),
    ...(flags.autoscaling ? {} : { replicas }),
    autoscaling: Boolean(flags.autoscaling),
    ...(flags.executor ? { executor: flags.executor } : {}),
    ...(flags.namespace ? { namespace: flags.namespace } : {}),
    ...(flags.cpuLimit ? { cpuLimit: flags.cpuLimit } : {}),
    ...(flags.memoryLimit ? { memoryLimit: flags.memoryLimit } : {}),
    ...(flags.runtimeConfigFile ? { runtimeConfigFile: flags.runtimeConfigFile } : {}),
    withPrerequisites: Boolean(flags.withPrerequisites),
    json: Boolean(flags.json),
  };
}

export interface ImageFlags {
  tag?: string;
  contextOnly?: string;
  json?: boolean;
}

export interface ImageOptions {
  /** Undefined: the SpinKube default for the workload. */
  tag?: string;
  /** Write the build context there instead of building. */
  contextOnly?: string;
  json: boolean;
}

/** Parse `spin image` flags. @throws UsageError naming the flag */
export function parseImageFlags(flags: ImageFlags): ImageOptions {
  if (flags.tag !== undefined) {
    const ref = parseImageRef(flags.tag);
    if (!ref || ref.digest)
      throw new UsageError(
        `--tag must be an image name with a tag (no digest: the image is built here), got ${JSON.stringify(flags.tag)}`,
      );
    if (pullsAlways(ref))
      throw new UsageError(
        `--tag needs a tag other than latest (a loaded :latest image would be pulled again), got ${JSON.stringify(flags.tag)}`,
      );
  }
  return {
    ...(flags.tag !== undefined ? { tag: flags.tag } : {}),
    ...(flags.contextOnly !== undefined ? { contextOnly: flags.contextOnly } : {}),
    json: Boolean(flags.json),
  };
}

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
      'image of the app (faasmark spin image, or spin registry push); default faasmark/spin-<workload>:local',
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
    .action(async (workload: string, flags: ManifestFlags) => {
      const options = parseManifestFlags(flags);
      const { manifestAction } = await import('./action.js');
      await manifestAction(workload, options);
    });

  spin
    .command('image')
    .description(
      "build a workload's Spin app as a container image (FROM scratch: /spin.toml + the .wasm) that containerd-shim-spin runs; loaded into kind/K3s by SpinKube runs",
    )
    .argument('<workload>', 'aes, matmul, whatlang or float (built first: npm run build:workloads)')
    .option('--tag <ref>', 'image name:tag (default faasmark/spin-<workload>:local, the SpinKube default)')
    .option(
      '--context-only <dir>',
      'write the build context (Dockerfile, spin.toml, .wasm) to DIR; do not build',
    )
    .option('--json', 'one JSON document')
    .action(async (workload: string, flags: ImageFlags) => {
      const options = parseImageFlags(flags);
      const { imageAction } = await import('./action.js');
      await imageAction(workload, options);
    });

  spin
    .command('version')
    .description(
      'find the spin binary (--binary, FAASMARK_SPIN_BIN, PATH) and print its version and instance-reuse support',
    )
    .option('--binary <path>', 'spin binary')
    .option('--json', 'one JSON document')
    .action(async (flags: { binary?: string; json?: boolean }) => {
      const { versionAction } = await import('./action.js');
      await versionAction(flags.binary, Boolean(flags.json));
    });
}

/**
 * `faasmark spin manifest` and `faasmark spin version` (harness/commands/spin.ts declares the
 * flags). Flags are parsed strictly here; output goes through harness/io.ts.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError, UsageError } from '../../../core/errors.js';
import { readSpinVersion, resolveSpinBinary } from '../../../platforms/spin/binary.js';
import { parseConfig } from '../../../platforms/spin/config.js';
import {
  namespaceObject,
  renderYaml,
  runtimeClassObject,
  SPINKUBE_NOTES,
  shimExecutorObject,
} from '../../../platforms/spin/spinkube/manifest.js';
import { workloadObjects } from '../../../platforms/spin/spinkube/platform.js';
import { supportsInstanceReuse } from '../../../platforms/spin/version.js';
import { getWorkload } from '../../../workloads/registry.js';
import { out, outJson } from '../io.js';
import { parseNumber } from '../options.js';

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

/** Build the objects `spin manifest` prints. @throws UsageError / InputError / ConfigError before printing anything. */
export function manifestObjects(workload: string, flags: ManifestFlags) {
  getWorkload(workload); // InputError naming the known workloads
  if (flags.autoscaling && flags.replicas !== undefined && flags.replicas !== '1') {
    throw new UsageError('--replicas cannot be combined with --autoscaling (the HPA/KEDA sets the replicas)');
  }
  const replicas = parseNumber('--replicas', flags.replicas ?? '1', { min: 1, integer: true, max: 1000 });
  if (flags.runtimeConfigFile && !existsSync(flags.runtimeConfigFile)) {
    throw new UsageError(`--runtime-config-file: ${resolve(flags.runtimeConfigFile)} does not exist`);
  }
  const limits = {
    ...(flags.cpuLimit ? { cpu: flags.cpuLimit } : {}),
    ...(flags.memoryLimit ? { memory: flags.memoryLimit } : {}),
  };
  let config: ReturnType<typeof parseConfig>;
  try {
    config = parseConfig(
      {
        name: 'spin',
        mode: 'spinkube',
        ...(flags.runtimeConfigFile ? { runtimeConfigFile: flags.runtimeConfigFile } : {}),
        spinkube: {
          ...(flags.image ? { images: { [workload]: flags.image } } : {}),
          ...(flags.autoscaling ? { enableAutoscaling: true } : { replicas }),
          ...(flags.executor ? { executor: flags.executor } : {}),
          ...(flags.namespace ? { namespace: flags.namespace } : {}),
          ...(Object.keys(limits).length ? { resources: { limits } } : {}),
        },
      },
      'flags',
    );
  } catch (err) {
    if (err instanceof ConfigError)
      throw new UsageError(err.message.replace(/^flags: invalid spin platform config/, 'invalid flags'));
    throw err;
  }
  let app: ReturnType<typeof workloadObjects>;
  try {
    app = workloadObjects(config, workload);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    const named = err.problems.map((p) =>
      p
        .replace('spec.resources.limits.cpu', '--cpu-limit')
        .replace('spec.resources.limits.memory', '--memory-limit'),
    );
    throw new UsageError(`invalid flags for the SpinApp:\n${named.map((p) => `  - ${p}`).join('\n')}`);
  }
  const sk = config.spinkube;
  return flags.withPrerequisites
    ? [
        namespaceObject(sk.namespace),
        runtimeClassObject(),
        shimExecutorObject(sk.namespace, sk.executor),
        ...app,
      ]
    : app;
}

export async function runManifest(workload: string, flags: ManifestFlags): Promise<void> {
  const objects = manifestObjects(workload, flags);
  if (flags.json) {
    outJson({ schemaVersion: 1, workload, notes: SPINKUBE_NOTES.join(' '), objects });
    return;
  }
  out(
    renderYaml(objects, [
      `faasmark SpinKube manifest for ${workload} (kubectl apply -f -)`,
      ...SPINKUBE_NOTES,
      'Prerequisites: cert-manager, spin-operator (CRDs + chart), RuntimeClass wasmtime-spin-v2,',
      'containerd-shim-spin on the nodes, a SpinAppExecutor in this namespace (docs/spin.md).',
    ]),
  );
}

export async function runVersion(flags: { binary?: string; json?: boolean }): Promise<void> {
  const binary = resolveSpinBinary(flags.binary);
  const version = await readSpinVersion(binary.path);
  const reuse = supportsInstanceReuse(version);
  if (flags.json) {
    outJson({
      schemaVersion: 1,
      binary: binary.path,
      source: binary.source,
      version: version.text,
      output: version.raw,
      instanceReuse: reuse,
    });
    return;
  }
  out(
    `${version.raw}\nbinary: ${binary.path} (from ${binary.source})\ninstance reuse flags: ${
      reuse ? 'yes (Spin >= 3.6; WASIp3 components are reused by default)' : 'no (one instance per request)'
    }`,
  );
}

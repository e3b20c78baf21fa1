/** `faasmark spin manifest` (the SpinApp objects, validated against the CRD), `spin image` (the app image) and `spin version`. */
import { ConfigError, UsageError } from '../../../../core/errors.js';
import { readSpinVersion, resolveSpinBinary } from '../../../../platforms/spin/binary.js';
import { parseConfig } from '../../../../platforms/spin/config.js';
import {
  buildAppImage,
  defaultAppImage,
  writeAppImageContext,
} from '../../../../platforms/spin/spinkube/app-image.js';
import {
  namespaceObject,
  runtimeClassObject,
  SPINKUBE_NOTES,
  shimExecutorObject,
} from '../../../../platforms/spin/spinkube/manifest.js';
import { workloadObjects } from '../../../../platforms/spin/spinkube/platform.js';
import { execaKubeRunner } from '../../../../platforms/spin/spinkube/runner.js';
import { supportsInstanceReuse } from '../../../../platforms/spin/version.js';
import { getWorkload } from '../../../../workloads/registry.js';
import { out, outJson } from '../../io.js';
import type { ImageOptions, ManifestOptions } from './index.js';
import { manifestYaml, versionText } from './render.js';

/** The objects `spin manifest` prints. @throws UsageError / InputError before printing anything. */
export function manifestObjects(workload: string, o: ManifestOptions) {
  getWorkload(workload); // InputError naming the known workloads
  const limits = {
    ...(o.cpuLimit ? { cpu: o.cpuLimit } : {}),
    ...(o.memoryLimit ? { memory: o.memoryLimit } : {}),
  };
  let config: ReturnType<typeof parseConfig>;
  try {
    config = parseConfig(
      {
        name: 'spin',
        mode: 'spinkube',
        ...(o.runtimeConfigFile ? { runtimeConfigFile: o.runtimeConfigFile } : {}),
        spinkube: {
          ...(o.image ? { images: { [workload]: o.image } } : {}),
          ...(o.autoscaling ? { enableAutoscaling: true } : { replicas: o.replicas }),
          ...(o.executor ? { executor: o.executor } : {}),
          ...(o.namespace ? { namespace: o.namespace } : {}),
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
  return o.withPrerequisites
    ? [
        namespaceObject(sk.namespace),
        runtimeClassObject(),
        shimExecutorObject(sk.namespace, sk.executor),
        ...app,
      ]
    : app;
}

export async function manifestAction(workload: string, o: ManifestOptions): Promise<void> {
  const objects = manifestObjects(workload, o);
  if (o.json) outJson({ schemaVersion: 1, workload, notes: SPINKUBE_NOTES.join(' '), objects });
  else out(manifestYaml(workload, objects));
}

export async function versionAction(binaryFlag: string | undefined, json: boolean): Promise<void> {
  const binary = resolveSpinBinary(binaryFlag);
  const version = await readSpinVersion(binary.path);
  const reuse = supportsInstanceReuse(version);
  if (json) {
    outJson({
      schemaVersion: 1,
      binary: binary.path,
      source: binary.source,
      version: version.text,
      output: version.raw,
      instanceReuse: reuse,
    });
  } else out(versionText(binary, version, reuse));
}

export async function imageAction(workload: string, o: ImageOptions): Promise<void> {
  getWorkload(workload); // InputError naming the known workloads
  const tag = o.tag ?? defaultAppImage(workload);
  if (o.contextOnly) {
    const c = writeAppImageContext(workload, o.contextOnly);
    if (o.json)
      outJson({
        schemaVersion: 1,
        workload,
        context: c.dir,
        route: c.route,
        wasm: c.wasm,
        executor: c.executor,
      });
    else out(`${c.dir} (docker build -t ${tag} ${c.dir})`);
    return;
  }
  const built = await buildAppImage(execaKubeRunner(), workload, tag);
  if (o.json) outJson({ schemaVersion: 1, workload, image: tag, ...built });
  else out(`${tag} ${built.imageId}`);
}

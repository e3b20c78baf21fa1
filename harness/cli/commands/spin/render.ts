/** What `faasmark spin …` prints as text: the SpinKube YAML with its notes, the version report. */
import type { ResolvedBinary } from '../../../../platforms/spin/binary.js';
import { type K8sObject, renderYaml, SPINKUBE_NOTES } from '../../../../platforms/spin/spinkube/manifest.js';
import type { SpinVersion } from '../../../../platforms/spin/version.js';

export function manifestYaml(workload: string, objects: K8sObject[]): string {
  return renderYaml(objects, [
    `faasmark SpinKube manifest for ${workload} (kubectl apply -f -)`,
    ...SPINKUBE_NOTES,
    'Prerequisites: cert-manager, spin-operator (CRDs + chart), RuntimeClass wasmtime-spin-v2,',
    'containerd-shim-spin on the nodes, a SpinAppExecutor in this namespace (docs/spin.md).',
  ]);
}

export function versionText(binary: ResolvedBinary, version: SpinVersion, reuse: boolean): string {
  return `${version.raw}\nbinary: ${binary.path} (from ${binary.source})\ninstance reuse flags: ${
    reuse ? 'yes (Spin >= 3.6; WASIp3 components are reused by default)' : 'no (one instance per request)'
  }`;
}

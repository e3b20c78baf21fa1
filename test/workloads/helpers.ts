/**
 * Shared by the workload tests: artifact checks. Without a build, tests that need one
 * fail with a clear message in CI (env CI=true: `.ci/run` builds first) and are skipped
 * with the reason locally.
 */
import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import { getWorkload } from '../../workloads/registry.js';
import type { WorkloadName } from '../../workloads/types.js';

const IN_CI = process.env.CI === 'true' || process.env.CI === '1';

/** True when every named build exists; otherwise fails (CI) or skips (locally) the test. */
export function needBuilds(t: TestContext, builds: readonly [WorkloadName, 'native' | 'wasm'][]): boolean {
  const missing = builds
    .filter(([name, kind]) => getWorkload(name).artifacts()[kind] === undefined)
    .map(([n, k]) => `${n}/${k}`);
  if (missing.length === 0) return true;
  const reason = `workload builds missing: ${missing.join(', ')} — run \`npm run build:workloads\` first`;
  if (IN_CI) assert.fail(reason);
  t.skip(reason);
  return false;
}

export const BOTH = (name: WorkloadName): [WorkloadName, 'native' | 'wasm'][] => [
  [name, 'native'],
  [name, 'wasm'],
];

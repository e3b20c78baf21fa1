/** The host fingerprint recorded in every run manifest: CPU model, cores, memory, kernel, OS, Node. */
import { execFile } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { availableParallelism, cpus, type as osType, version as osVersion, release, totalmem } from 'node:os';
import { promisify } from 'node:util';
import type { HostFingerprint } from '../results/types.js';

export function hostFingerprint(): HostFingerprint {
  const cpu = cpus()[0];
  return {
    cpuModel: cpu?.model.trim() || 'unknown',
    cores: availableParallelism(),
    memoryBytes: totalmem(),
    kernel: release(),
    os: `${osType()} ${osVersion()}`,
    node: process.version,
  };
}

/**
 * `git rev-parse HEAD` of the repository whose top level is `root`, or null when git or that
 * repository is absent. The top level must be `root` itself: an installed faasmark inside
 * someone else's repository (node_modules/faasmark) must not record their commit.
 */
export async function gitCommit(root: string): Promise<string | null> {
  try {
    const { stdout } = await promisify(execFile)('git', ['rev-parse', '--show-toplevel', 'HEAD'], {
      cwd: root,
      timeout: 5000,
    });
    const [top, sha] = stdout.trim().split('\n');
    if (!top || !sha || realpathSync(top) !== realpathSync(root)) return null;
    return /^[0-9a-f]{40}$/.test(sha) ? sha : null;
  } catch {
    return null;
  }
}

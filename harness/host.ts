/** The host fingerprint recorded in every run manifest: CPU model, cores, memory, kernel, OS, Node. */
import { execFile } from 'node:child_process';
import { availableParallelism, cpus, release, totalmem, type as osType, version as osVersion } from 'node:os';
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

/** `git rev-parse HEAD` in `cwd`, or null when git or the repository is absent. */
export async function gitCommit(cwd: string): Promise<string | null> {
  try {
    const { stdout } = await promisify(execFile)('git', ['rev-parse', 'HEAD'], { cwd, timeout: 5000 });
    const sha = stdout.trim();
    return /^[0-9a-f]{40}$/.test(sha) ? sha : null;
  } catch {
    return null;
  }
}

/**
 * `spin --version` parsing and the version rules the adapter applies. The output looks like
 * `spin 3.6.2 (c0fc970 2026-02-25)` (Spin 2.x/3.x; 1.x printed `spin 1.1.0`).
 *
 * Instance reuse (`--max-instance-reuse-count`, `--max-instance-concurrent-reuse-count`,
 * `--idle-instance-timeout`) arrived in Spin 3.6.0 ("you can now experiment with instance
 * reuse", release notes; spinframework/spin PR #3328, crates/trigger-http/src/lib.rs): WASIp3
 * HTTP components default to 128 requests per instance (16 concurrently), WASIp2 components to 1.
 */

export interface SpinVersion {
  major: number;
  minor: number;
  patch: number;
  /** The version as printed, e.g. "3.6.2" or "3.7.0-pre0". */
  text: string;
  /** The whole first line of `spin --version`. */
  raw: string;
}

/** Parse `spin --version` output; undefined when it does not look like Spin's. */
export function parseSpinVersion(output: string): SpinVersion | undefined {
  const line = output.split(/\r?\n/).find((l) => l.trim() !== '') ?? '';
  const m = /^spin\s+v?(\d+)\.(\d+)\.(\d+)(\S*)/i.exec(line.trim());
  if (!m) return undefined;
  return {
    major: Number(m[1]),
    minor: Number(m[2]),
    patch: Number(m[3]),
    text: `${m[1]}.${m[2]}.${m[3]}${m[4] ?? ''}`,
    raw: line.trim(),
  };
}

/** True when `v` ≥ major.minor. */
export function atLeast(v: SpinVersion, major: number, minor: number): boolean {
  return v.major > major || (v.major === major && v.minor >= minor);
}

/** Spin ≥ 3.6 knows the instance-reuse flags (and reuses WASIp3 instances by default). */
export function supportsInstanceReuse(v: SpinVersion): boolean {
  return atLeast(v, 3, 6);
}

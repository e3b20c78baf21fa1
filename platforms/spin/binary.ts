/**
 * Locating the `spin` binary and asking its version. Lookup order: the platform config's
 * `binary`, env `FAASMARK_SPIN_BIN`, then `spin` on PATH. Spin is not packaged in Debian or
 * npm, so a missing binary is a MissingToolError whose hint says how to install it.
 */
import { resolve } from 'node:path';
import { execa } from 'execa';
import { MissingToolError, PlatformError } from '../../core/errors.js';
import { isExecutableFile, whichSync } from '../external/executables.js';
import { parseSpinVersion, type SpinVersion } from './version.js';

/** The Spin release faasmark's docs and nightly pin (shim v0.24.0 pairs with it, docs/design/platform-facts.md). */
export const PINNED_SPIN_VERSION = '3.6.3';

export const SPIN_INSTALL_HINT =
  `install the Spin CLI (not in Debian or npm): download spin-v${PINNED_SPIN_VERSION}-linux-amd64.tar.gz from ` +
  `https://github.com/spinframework/spin/releases/tag/v${PINNED_SPIN_VERSION}, extract it (tar -xzf … spin) and ` +
  'put `spin` on PATH (see https://spinframework.dev/install); or point faasmark at a binary with the platform ' +
  "config's `binary` or env FAASMARK_SPIN_BIN";

export interface ResolvedBinary {
  path: string;
  /** Where it came from, recorded in the manifest. */
  source: 'config' | 'FAASMARK_SPIN_BIN' | 'PATH';
}

function resolveGiven(
  value: string,
  source: ResolvedBinary['source'],
  env: NodeJS.ProcessEnv,
): ResolvedBinary {
  const found = value.includes('/') ? resolve(value) : whichSync(value, env.PATH);
  if (found && isExecutableFile(found)) return { path: found, source };
  const where = source === 'config' ? "the platform config's binary" : 'env FAASMARK_SPIN_BIN';
  throw new MissingToolError(
    'spin',
    `${where} is ${JSON.stringify(value)}, which is not an executable file; ${SPIN_INSTALL_HINT}`,
  );
}

/**
 * Resolve the spin binary.
 * @throws MissingToolError naming where it looked and how to install Spin.
 */
export function resolveSpinBinary(
  configured: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): ResolvedBinary {
  if (configured) return resolveGiven(configured, 'config', env);
  const fromEnv = env.FAASMARK_SPIN_BIN;
  if (fromEnv) return resolveGiven(fromEnv, 'FAASMARK_SPIN_BIN', env);
  const onPath = whichSync('spin', env.PATH);
  if (onPath) return { path: onPath, source: 'PATH' };
  throw new MissingToolError('spin', `no spin binary on PATH; ${SPIN_INSTALL_HINT}`);
}

/**
 * Run `<binary> --version` (bounded; `env` added to the inherited environment) and parse it.
 * @throws PlatformError when it fails or does not print a Spin version.
 */
export async function readSpinVersion(
  binary: string,
  env: Record<string, string> = {},
  timeoutSeconds = 15,
): Promise<SpinVersion> {
  const r = await execa(binary, ['--version'], {
    reject: false,
    timeout: timeoutSeconds * 1000,
    stdin: 'ignore',
    env: { ...process.env, ...env, LC_ALL: 'C' },
  });
  const version = parseSpinVersion(r.stdout);
  if (r.exitCode !== 0 || !version) {
    const detail = (r.stderr || r.stdout || r.message || '').trim().slice(0, 500);
    throw new PlatformError(
      `\`${binary} --version\` did not print a Spin version (exit ${r.exitCode ?? 'none'}): ${detail}`,
      {
        hint: `is ${binary} the Spin CLI? ${SPIN_INSTALL_HINT}`,
      },
    );
  }
  return version;
}

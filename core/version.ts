/** faasmark's version, read from package.json on first use (from source and from dist/). */
import { readFileSync } from 'node:fs';

let cached: string | undefined;

function readVersion(): string {
  for (const rel of ['../package.json', '../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === 'faasmark' && pkg.version) return pkg.version;
    } catch {
      // try the next location
    }
  }
  return '0.0.0';
}

/** The package version (package.json `version`; 0.0.0 when it cannot be found). */
export function faasmarkVersion(): string {
  cached ??= readVersion();
  return cached;
}

/** Locations inside the faasmark package, valid from source (tsx) and from dist/. */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'harness'))) return dir;
    dir = dirname(dir);
  }
  throw new Error('faasmark package root not found');
}

/** The package root (holds package.json, harness/, workloads/, results/ ...). */
export const ROOT = findRoot();

/** Absolute path inside the package root. */
export function rootPath(...parts: string[]): string {
  return resolve(ROOT, ...parts);
}

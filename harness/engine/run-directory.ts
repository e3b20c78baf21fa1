/** Reading a run directory back: point summaries (for --resume and the run summary). */
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PointSummary } from '../../results/types.js';

async function readPointSummary(dir: string): Promise<PointSummary> {
  return JSON.parse(await readFile(join(dir, 'summary.json'), 'utf8')) as PointSummary;
}

/** Every point summary under <out>/points (skipping partial directories), by point id. */
export async function readPointSummaries(out: string): Promise<Map<string, PointSummary>> {
  const found = new Map<string, PointSummary>();
  const root = join(out, 'points');
  if (!existsSync(root)) return found;
  for (const name of await readdir(root)) {
    if (name.startsWith('.')) continue;
    const file = join(root, name, 'summary.json');
    if (!existsSync(file)) continue;
    try {
      const s = await readPointSummary(join(root, name));
      found.set(s.pointId, s);
    } catch {
      // an unreadable summary is treated as missing: the point reruns
    }
  }
  return found;
}

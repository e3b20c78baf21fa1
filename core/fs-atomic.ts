/**
 * Atomic file writes: write a temporary file beside the target, fsync, then rename. Text is
 * scrubbed of the run's secrets first (core/secrets.ts).
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { scrub } from './secrets.js';

export async function writeFileAtomic(path: string, content: string | Uint8Array): Promise<void> {
  const data = typeof content === 'string' ? scrub(content) : content;
  await mkdir(dirname(path), { recursive: true });
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const fh = await open(tmp, 'w');
    try {
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

/** Write `value` as pretty JSON (trailing newline), atomically. */
export async function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`);
}

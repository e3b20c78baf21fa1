/**
 * The built CLI for the tests that run what `npx faasmark` runs: dist/harness/bin.js, built
 * (`npm run build`) when missing or older than any source it compiles, under a lock so that
 * two test files never build at once.
 */
import { spawnSync } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { rootPath } from '../../core/paths.js';

/** What tsconfig.build.json compiles. */
const SOURCE_DIRS = ['core', 'harness', 'platforms', 'workloads', 'analysis', 'ci', 'results'];
const SKIP_DIRS = new Set(['node_modules', 'build', 'target', 'dist']);

export const DIST_BIN = rootPath('dist', 'harness', 'bin.js');

function newestSource(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, e.name);
    if (e.isDirectory()) {
      if (!SKIP_DIRS.has(e.name)) newest = Math.max(newest, newestSource(full));
    } else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts')) {
      newest = Math.max(newest, statSync(full).mtimeMs);
    }
  }
  return newest;
}

/** Why dist/ must be (re)built, or null when it is up to date. */
export function distStaleness(): string | null {
  if (!existsSync(DIST_BIN)) return 'dist/harness/bin.js is missing';
  const built = statSync(DIST_BIN).mtimeMs;
  const configs = ['package.json', 'tsconfig.json', 'tsconfig.build.json'].map(
    (f) => statSync(rootPath(f)).mtimeMs,
  );
  const newest = Math.max(...configs, ...SOURCE_DIRS.map((d) => newestSource(rootPath(d))));
  return newest > built ? 'a source is newer than dist/' : null;
}

async function withLock<T>(fn: () => T): Promise<T> {
  const dir = rootPath('.faasmark-tmp');
  mkdirSync(dir, { recursive: true });
  const lock = join(dir, 'dist-build.lock');
  for (let i = 0; ; i++) {
    try {
      const fd = openSync(lock, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      break;
    } catch {
      let text = '';
      try {
        text = readFileSync(lock, 'utf8');
      } catch {
        continue; // released meanwhile
      }
      const holder = Number(text);
      let alive = text === ''; // just created: its pid is being written
      try {
        if (holder > 0) {
          process.kill(holder, 0);
          alive = true;
        }
      } catch {
        // the holder died: take the lock over
      }
      if (!alive) rmSync(lock, { force: true });
      else if (i > 3000) throw new Error(`dist build lock held by pid ${holder} for 5 minutes`);
      else await sleep(100);
    }
  }
  try {
    return fn();
  } finally {
    rmSync(lock, { force: true });
  }
}

/** dist/harness/bin.js, built first when missing or stale. @throws when the build fails */
export async function ensureDist(): Promise<string> {
  if (distStaleness() === null) return DIST_BIN;
  return withLock(() => {
    const why = distStaleness();
    if (why === null) return DIST_BIN;
    const r = spawnSync('npm', ['run', 'build'], { cwd: rootPath(), encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`npm run build failed (${why}):\n${r.stdout}\n${r.stderr}`);
    return DIST_BIN;
  });
}

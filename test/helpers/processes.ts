/** Process-tree helpers for tests that check what is left running (Linux: reads /proc). */
import { readdirSync, readFileSync } from 'node:fs';

/** Pids of every live descendant of `root` (from /proc; Linux). */
export function descendants(root: number = process.pid): number[] {
  const parent = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (fields[0] === 'Z') continue; // zombies are dead, merely unreaped
      parent.set(Number(name), Number(fields[1]));
    } catch {
      // exited while listing
    }
  }
  const out: number[] = [];
  const walk = (pid: number) => {
    for (const [child, ppid] of parent) {
      if (ppid === pid) {
        out.push(child);
        walk(child);
      }
    }
  };
  walk(root);
  return out;
}

/** What a spawned child writes, collected as it comes: stdout, stderr, and both in order. */
export function captureOutput(child: {
  stdout?: NodeJS.ReadableStream | null;
  stderr?: NodeJS.ReadableStream | null;
}): { stdout: () => string; stderr: () => string; all: () => string } {
  let out = '';
  let err = '';
  let all = '';
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
    all += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    err += d.toString();
    all += d.toString();
  });
  return { stdout: () => out, stderr: () => err, all: () => all };
}

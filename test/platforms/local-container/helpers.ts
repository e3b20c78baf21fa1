/** Shared helpers of the embedded-platform tests (not a test file). */

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createPointClock } from '../../../core/clock.js';
import type { InvokeResult, Platform } from '../../../core/platform.js';
import type { PlatformContext } from '../../../platforms/registry.js';

export const FIXTURES = fileURLToPath(new URL('../../fixtures/', import.meta.url));
export const ACTION_SERVER = `${FIXTURES}action-server.mjs`;

export const context: PlatformContext = {
  buildDir: fileURLToPath(new URL('../../../workloads/build', import.meta.url)),
  workDir: '/tmp',
  log: () => {},
};

/** Pids of live processes whose command line contains `marker` (scans /proc). */
export function pidsWith(marker: string): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const cmd = readFileSync(`/proc/${name}/cmdline`, 'utf8');
      if (cmd.includes(marker) && readFileSync(`/proc/${name}/stat`, 'utf8').split(') ')[1]?.[0] !== 'Z') {
        pids.push(Number(name));
      }
    } catch {
      // the process ended while we looked
    }
  }
  return pids;
}

/** A fixture action-server workload entry tagged with `tag` (findable with {@link pidsWith}). */
export function fixtureWorkload(tag: string, extraArgs: string[] = []) {
  return {
    native: {
      command: process.execPath,
      args: [ACTION_SERVER, '--tag', tag, ...extraArgs],
      files: [ACTION_SERVER],
    },
  };
}

/** Resolve after `ms` (test arrival schedule only; the platforms never sleep). */
export function at(t0: number, seconds: number): Promise<void> {
  const wait = t0 + seconds * 1000 - performance.now();
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, wait)));
}

/** Set up, deploy the real aes workload, encrypt and decrypt once, tear down: the round trip must hold. Returns the invocation's result. */
export async function assertAesRoundTrip(p: Platform): Promise<InvokeResult> {
  await p.setup({}, createPointClock());
  await p.deploy('aes');
  const r = await p.invoke({
    workload: 'aes',
    input: { message: 'faasmark aes message', iterations: 100 },
  });
  assert.equal(r.status, 'ok', r.errorMessage);
  assert.equal((r.body as { roundTrip: boolean }).roundTrip, true);
  await p.teardown();
  return r;
}

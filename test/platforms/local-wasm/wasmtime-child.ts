/**
 * A faasmark stand-in for the signal tests (not a test file): local-wasm with engine wasmtime
 * serving the fixture component, requests in flight (mid-point), until a signal ends it.
 * argv: <wasmtime> <component> <cache dir> <work dir> [crash]; prints `ready <pids>` on stdout;
 * with `crash`, then throws an uncaught error (a crash of faasmark). Sweeps at its start, as
 * harness/bin.ts does.
 */
import { createPointClock } from '../../../core/clock.js';
import { sweepOrphans } from '../../../core/ownership.js';
import { create } from '../../../platforms/local-wasm/index.js';
import { wasmtimePids } from './wasmtime-helpers.js';

const [binary, component, cacheDir, workDir, mode] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
  string?,
];
// what harness/bin.ts does before the CLI loads: sweep what a killed faasmark left
await sweepOrphans((line) => process.stderr.write(`${line}\n`));
const platform = create(
  {
    name: 'local-wasm',
    engine: 'wasmtime',
    warmupRuns: 1,
    wasmtime: { binary, cacheDir },
    workloads: { fx: { component }, fy: { component } },
  },
  { buildDir: workDir, workDir, log: (line) => process.stderr.write(`${line}\n`) },
);
await platform.setup({}, createPointClock());
await platform.deploy('fx');
await platform.deploy('fy');
setInterval(() => {
  void platform.invoke({ workload: 'fx', input: 30 });
  void platform.invoke({ workload: 'fy', input: 30 });
}, 10);
process.stdout.write(`ready ${wasmtimePids(process.pid).join(' ')}\n`);
if (mode === 'crash') {
  setTimeout(() => {
    throw new Error('deliberate crash mid-point');
  }, 200);
}

/**
 * Child process for the SIGINT test: starts the spin platform against the stand-in (which
 * spawns a helper), prints the pids as one JSON line, then idles until interrupted. The
 * lifecycle's SIGINT handler must stop everything before the process exits.
 * argv: <fake spin binary> <spin.toml> <record file>
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPointClock } from '../../../harness/clock.js';
import { create } from '../../../platforms/spin/index.js';

const [binary, manifest, record] = process.argv.slice(2) as [string, string, string];
const platform = await create(
  { name: 'spin', binary, manifests: { aes: manifest }, startTimeout: 10, env: { FAKE_SPIN_CHILD: '1', FAKE_SPIN_RECORD: record } },
  { buildDir: tmpdir(), workDir: mkdtempSync(join(tmpdir(), 'faasmark-spin-sigint-')), log: () => {} },
);
await platform.setup({}, createPointClock());
await platform.deploy('aes');
process.stdout.write('ready\n');
setInterval(() => {}, 1000);

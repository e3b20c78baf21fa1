import { tmpdir } from 'node:os';
import { createPointClock } from '../../../core/clock.js';
import { create } from '../../../platforms/spin/index.js';
import { tempDir } from './helpers.js';

const [binary, manifest, record] = process.argv.slice(2) as [string, string, string];
const platform = await create(
  {
    name: 'spin',
    binary,
    manifests: { aes: manifest },
    startTimeout: 10,
    env: { FAKE_SPIN_CHILD: '1', FAKE_SPIN_RECORD: record },
  },
  { buildDir: tmpdir(), workDir: tempDir('faasmark-spin-sigint-'), log: () => {} },
);
await platform.setup({}, createPointClock());
await platform.deploy('aes');
process.stdout.write('ready\n');
setInterval(() => {}, 1000);

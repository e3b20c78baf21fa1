/**
 * The real workload apps (workloads/<name>/spin.toml + the built WAGI modules) through the
 * spin adapter and the stand-in, which executes the modules with node:wasi. Skipped when the
 * workloads are not built (npm run build:workloads).
 */
import assert from 'node:assert/strict';
import { after, it } from 'node:test';
import { createPointClock } from '../../../core/clock.js';
import { runCleanups } from '../../../core/lifecycle.js';
import { create } from '../../../platforms/spin/index.js';
import { DEFAULT_BUILD_DIR, WORKLOADS } from '../../../workloads/registry.js';
import type { WorkloadName } from '../../../workloads/types.js';
import { fakeSpinBinary, tempDir } from './helpers.js';

after(async () => {
  await runCleanups();
});

const checks: Record<Exclude<WorkloadName, 'float'>, (body: Record<string, unknown>) => void> = {
  aes: (b) => assert.equal(b.roundTrip, true),
  matmul: (b) => assert.equal(b.n, 50),
  whatlang: (b) => assert.equal(b.lang, 'eng'),
};

for (const name of Object.keys(checks) as Array<keyof typeof checks>) {
  const built = WORKLOADS[name].artifacts(DEFAULT_BUILD_DIR).wasm !== undefined;
  it(`${name}: the built WAGI module answers through spin up`, {
    skip: built ? false : 'not built (npm run build:workloads)',
  }, async () => {
    const platform = await create(
      { name: 'spin', binary: fakeSpinBinary().path, startTimeout: 20 },
      {
        buildDir: DEFAULT_BUILD_DIR,
        workDir: tempDir('faasmark-spin-wl-'),
        log: () => {},
      },
    );
    try {
      await platform.setup({ requestTimeout: 30 }, createPointClock());
      await platform.deploy(name);
      const r = await platform.invoke({ workload: name, input: WORKLOADS[name].defaultInput });
      assert.equal(r.status, 'ok', r.errorMessage);
      checks[name](r.body as Record<string, unknown>);
      const details = (await platform.describe()).details as {
        apps: Record<string, { route: string; component: { executor: string } }>;
      };
      assert.equal(details.apps[name]?.route, `/${name}`);
      assert.equal(details.apps[name]?.component.executor, 'wagi');
    } finally {
      await platform.teardown();
    }
  });
}

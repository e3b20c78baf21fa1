/**
 * The real workload modules through the spin adapter and the stand-in, which executes WAGI
 * modules with node:wasi: each test writes a WAGI manifest for the built WASI command module
 * (workloads/<name>/spin.toml itself points at the wasi:http component, which the stand-in
 * cannot run). Skipped when the workloads are not built (npm run build:workloads).
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { createPointClock } from '../../../core/clock.js';
import { runCleanups } from '../../../core/lifecycle.js';
import { renderSpinToml } from '../../../platforms/spin/app.js';
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
  const wasm = WORKLOADS[name].artifacts(DEFAULT_BUILD_DIR).wasm;
  it(`${name}: the built WAGI module answers through spin up`, {
    skip: wasm?.kind === 'wasi-module' ? false : 'not built (npm run build:workloads)',
  }, async () => {
    const workDir = tempDir('faasmark-spin-wl-');
    const manifest = join(workDir, `${name}.spin.toml`);
    writeFileSync(manifest, renderSpinToml(name, (wasm as { path: string }).path, 'wagi', name));
    const platform = await create(
      { name: 'spin', binary: fakeSpinBinary().path, startTimeout: 20, manifests: { [name]: manifest } },
      {
        buildDir: DEFAULT_BUILD_DIR,
        workDir,
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

// Float component builds, run by workloads/build.ts under `node --import ./preopen.mjs`:
//   spin <source.js> <out.wasm> <stageDir>   Spin HTTP component via j2w (@spinframework/build-tools)
//   function <source.js> <out.wasm> <wit>    plain function component (no WASI) via componentize-js
import { spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const [mode, source, out, extra] = process.argv.slice(2);
if (mode === 'spin') {
  const require = createRequire(import.meta.url);
  const j2w = join(dirname(require.resolve('@spinframework/build-tools/package.json')), 'dist', 'index.js');
  const preopen = new URL('./preopen.mjs', import.meta.url).pathname;
  const res = spawnSync(process.execPath, ['--import', preopen, j2w, '-i', source, '-o', out], {
    cwd: extra,
    encoding: 'utf8',
  });
  process.stderr.write(res.stdout ?? '');
  process.stderr.write(res.stderr ?? '');
  // j2w logs errors but exits 0: success is its closing line (and the output file, checked by the caller)
  if (res.status !== 0 || !/Component successfully written/.test(res.stdout ?? '')) process.exit(1);
} else if (mode === 'function') {
  const { componentize } = await import('@bytecodealliance/componentize-js');
  const { component } = await componentize({
    sourcePath: source,
    witPath: extra,
    worldName: 'function',
    disableFeatures: ['stdio', 'random', 'clocks', 'http', 'fetch-event'],
  });
  await writeFile(out, component);
} else {
  process.stderr.write('usage: componentize.mjs spin|function <source.js> <out.wasm> <stageDir|wit>\n');
  process.exit(2);
}

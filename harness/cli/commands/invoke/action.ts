/** `faasmark invoke`: one invocation through platforms/direct/ (native or Wasm), result JSON on stdout. */
import { getWorkload } from '../../../../workloads/registry.js';
import { log, out, outJson } from '../../io.js';
import type { InvokeOptions } from './index.js';

export async function invokeAction(o: InvokeOptions): Promise<void> {
  const def = getWorkload(o.workload);
  const input = def.validateInput(o.input);
  const started = performance.now();
  let result: unknown;
  if (o.build === 'native') {
    const { runNativeOnce } = await import('../../../../platforms/direct/native-runner.js');
    result = await runNativeOnce(def.name, input);
  } else {
    const { runWasmOnce } = await import('../../../../platforms/direct/wasm-runner.js');
    result = await runWasmOnce(def.name, input);
  }
  const seconds = (performance.now() - started) / 1000;
  if (o.json) outJson({ workload: def.name, build: o.build, input, seconds, result });
  else {
    out(JSON.stringify(result));
    log(
      `${def.name} (${o.build}): ${seconds.toFixed(4)} s${o.build === 'native' ? ' incl. process start' : ' incl. compile'}`,
    );
  }
}

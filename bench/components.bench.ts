/**
 * `npm run bench -- components`: the Wasm slowdown of every workload under `wasmtime serve`
 * (its wasi:http component, a fresh instance per request) against its native action server,
 * at the default and the thesis input (docs/workloads.md "Input presets"). Both run side by
 * side; each round sends one request to each in random order, so load swings hit both alike.
 * Service time = the x-faas-service-ns header (the handler only: no HTTP, no instantiation).
 * Targets (docs/workloads.md "Slowdown"): every slowdown < 8×, float's within 1.5-6×; printed,
 * not asserted. FAASMARK_BENCH_RUNS (default 20; thesis inputs: a quarter) sets the sizes.
 */
import { Agent, request } from 'node:http';
import { type ActionServer, startActionServer } from '../platforms/direct/native-runner.js';
import { type Served, serveComponent, wasmtimeBinary } from '../test/workloads/helpers.js';
import { getWorkload, presetInput } from '../workloads/registry.js';
import { INPUT_PRESET_NAMES, WORKLOAD_NAMES, type WorkloadName } from '../workloads/types.js';

const runs = Number(process.env.FAASMARK_BENCH_RUNS ?? 20);
const agent = new Agent({ keepAlive: true, maxSockets: 1 });

/** POST /run to the native server; the x-faas-service-ns header in ms. */
function nativeService(server: ActionServer, input: unknown): Promise<number> {
  const body = JSON.stringify({ value: input });
  return new Promise((resolve, reject) => {
    const headers = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) };
    const req = request(
      { host: '127.0.0.1', port: server.port, path: '/run', method: 'POST', agent, headers },
      (res) => {
        res.resume();
        res.on('end', () =>
          res.statusCode === 200
            ? resolve(Number(res.headers['x-faas-service-ns']) / 1e6)
            : reject(new Error(`native ${res.statusCode}`)),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function componentService(served: Served, input: unknown): Promise<number> {
  const r = await served.post(JSON.stringify(input));
  if (r.status !== 200) throw new Error(`component ${r.status}: ${r.body.slice(0, 200)}`);
  return Number(r.headers['x-faas-service-ns']) / 1e6;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

async function measure(name: WorkloadName, server: ActionServer, served: Served, input: unknown, n: number) {
  const native: number[] = [];
  const wasm: number[] = [];
  for (let i = 0; i < n + 2; i++) {
    const pair = Math.random() < 0.5;
    const a = pair ? await nativeService(server, input) : await componentService(served, input);
    const b = pair ? await componentService(served, input) : await nativeService(server, input);
    if (i < 2) continue; // warm-up rounds
    native.push(pair ? a : b);
    wasm.push(pair ? b : a);
  }
  return {
    name,
    native: median(native),
    nativeMin: Math.min(...native),
    wasm: median(wasm),
    wasmMin: Math.min(...wasm),
  };
}

const wasmtime = wasmtimeBinary();
if (!wasmtime) {
  console.log('wasmtime not found: bash scripts/install-wasm-toolchain.sh (or env FAASMARK_WASMTIME)');
  process.exit(0);
}
console.log(
  `${wasmtime}; medians of ${runs} (thesis inputs: ${Math.max(3, Math.round(runs / 4))}) after 2 warm-up rounds, ms`,
);
console.log('workload  input    native (min)        wasm (min)          slowdown  target');
for (const name of WORKLOAD_NAMES) {
  const artifacts = getWorkload(name).artifacts();
  if (!artifacts.native || !artifacts.component) {
    console.log(`${name.padEnd(9)} not built (npm run build:workloads)`);
    continue;
  }
  const server = await startActionServer(name);
  const served = await serveComponent(
    wasmtime,
    artifacts.component.path,
    artifacts.component.serveArgs ?? [],
  );
  try {
    for (const preset of INPUT_PRESET_NAMES) {
      const input = presetInput(name, preset, name === 'aes' ? { seed: 1 } : {});
      const n = preset === 'thesis' ? Math.max(3, Math.round(runs / 4)) : runs;
      const r = await measure(name, server, served, input, n);
      const ratio = r.wasm / r.native;
      const ok = ratio < 8 && (name !== 'float' || (ratio >= 1.5 && ratio <= 6));
      const cell = (m: number, min: number) => `${m.toFixed(3).padStart(9)} (${min.toFixed(3)})`.padEnd(20);
      console.log(
        `${name.padEnd(9)} ${preset.padEnd(8)} ${cell(r.native, r.nativeMin)}${cell(r.wasm, r.wasmMin)}${ratio.toFixed(2).padStart(7)}×  ${ok ? 'met' : 'MISSED'}`,
      );
    }
  } finally {
    await server.stop();
    await served.stop();
  }
}
agent.destroy();

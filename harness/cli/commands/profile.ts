/**
 * `faasmark profile [workload…] [--runs 10] [--warmup 5] [--input JSON] [--json]`: service
 * times of each workload, native cold / native warm / Wasm (fresh instance per request),
 * mean / median / p95 and the Wasm slowdown, beside the thesis's Table 4.1
 * (workloads/profiler.ts states what each phase measures and the warm-up policy).
 */
import type { Command } from 'commander';
import { fmt, renderTable } from '../../../analysis/table.js';
import { UsageError } from '../../../core/errors.js';
import { log, out, outJson, progress, progressDone } from '../io.js';
import { parseNumber } from '../options.js';

export interface ProfileFlags {
  runs?: string;
  warmup?: string;
  input?: string;
  json?: boolean;
}

export default function register(program: Command): void {
  program
    .command('profile')
    .description(
      'measure native cold / native warm / Wasm service times per workload, beside thesis Table 4.1',
    )
    .argument('[workloads...]', 'aes | matmul | whatlang | float (default: all)')
    .option('--runs <n>', 'measured invocations per phase', '10')
    .option(
      '--warmup <n>',
      'invocations discarded after the first, before measuring (native warm, wasm)',
      '5',
    )
    .option('--input <json>', 'workload input (one workload only; default: the thesis parameters)')
    .option(
      '--json',
      'one object per workload with nativeCold, nativeWarm, wasm, wasmSlowdown and raw samples (seconds)',
    )
    .action(async (names: string[], flags: ProfileFlags) => {
      const { getWorkload } = await import('../../../workloads/registry.js');
      const { WORKLOAD_NAMES } = await import('../../../workloads/types.js');
      const runs = parseNumber('--runs', flags.runs ?? '10', { integer: true, min: 1, max: 10_000 });
      const warmup = parseNumber('--warmup', flags.warmup ?? '5', { integer: true, min: 0, max: 100_000 });
      const defs = (names.length > 0 ? names : [...WORKLOAD_NAMES]).map((n) => getWorkload(n));
      let input: unknown;
      if (flags.input !== undefined) {
        if (defs.length !== 1)
          throw new UsageError('--input needs exactly one workload', {
            hint: 'e.g. faasmark profile matmul --input \'{"n":100}\'',
          });
        try {
          input = JSON.parse(flags.input);
        } catch (err) {
          throw new UsageError(`--input must be JSON: ${(err as Error).message}`);
        }
      }
      for (const def of defs) def.validateInput(def === defs[0] ? input : undefined);
      const { profileWorkload } = await import('../../../platforms/direct/profiler.js');
      const profiles = [];
      for (const def of defs) {
        profiles.push(await profileWorkload(def.name, { runs, warmup, input, onProgress: progress }));
      }
      progressDone();
      if (flags.json) {
        outJson(profiles);
        return;
      }
      const ms = (s: number | undefined) => (s === undefined ? '—' : fmt(s * 1000, 3));
      const rows = profiles.flatMap((p) => [
        [
          p.workload,
          'faasmark',
          ms(p.nativeCold.mean),
          ms(p.nativeCold.median),
          ms(p.nativeCold.p95),
          ms(p.nativeWarm.mean),
          ms(p.nativeWarm.median),
          ms(p.nativeWarm.p95),
          ms(p.nativeWarm.first),
          ms(p.wasm.mean),
          ms(p.wasm.median),
          ms(p.wasm.p95),
          ms(p.wasm.first),
          `${fmt(p.wasmSlowdown, 3)}×`,
        ],
        [
          '',
          'thesis 4.1',
          ms(p.thesis.cold),
          '',
          '',
          ms(p.thesis.warm),
          '',
          '',
          '',
          ms(p.thesis.wasm),
          '',
          '',
          '',
          `${fmt(p.thesis.slowdown, 3)}×`,
        ],
      ]);
      out(
        renderTable(
          [
            'workload',
            'source',
            'cold mean',
            'cold p50',
            'cold p95',
            'warm mean',
            'warm p50',
            'warm p95',
            'warm 1st',
            'wasm mean',
            'wasm p50',
            'wasm p95',
            'wasm 1st',
            'wasm/warm',
          ],
          rows,
        ),
      );
      out(
        `times in ms; ${runs} runs per phase, ${warmup} warm-up invocations discarded after the first ("1st").`,
      );
      out(
        'cold = new native action server (spawn + /init + first /run); warm = reused server; wasm = fresh instance per request (module compiled once).',
      );
      out(
        'thesis: OpenWhisk containers (cold includes container creation) vs Spin; faasmark: local processes vs in-process node:wasi / jco.',
      );
      log(
        `wasm compile (once): ${profiles.map((p) => `${p.workload} ${ms(p.wasmCompileSeconds)} ms`).join(', ')}`,
      );
    });
}

/** `faasmark advise`: the models' verdict for given service times, a trace, or a run's profiles. */
import { readFileSync } from 'node:fs';
import { loadRun } from '../../../../analysis/report/load-results.js';
import { type Advice, type AdviseInput, advise, adviseTrace } from '../../../../analysis/verdict/advise.js';
import { InputError } from '../../../../core/errors.js';
import type { PointSummary } from '../../../../results/types.js';
import { parseTraceCounts } from '../../../arrivals.js';
import { out, outJson } from '../../io.js';
import type { AdviseRequest } from './index.js';
import { adviceText } from './render.js';

/** One answer: for which workload and load, from which service times. */
export interface AdviceCase {
  workload: string | null;
  /** λ (req/s), or null for a trace. */
  arrivalRate: number | null;
  keepAlive: number;
  serviceTimes: { warm: number; cold: number; wasm: number; source: string };
  advice: Advice;
}

export async function adviseAction(request: AdviseRequest, json: boolean): Promise<void> {
  const cases = request.kind === 'run' ? fromRun(request.dir, request.overrides) : [fromGiven(request)];
  if (json) outJson({ schemaVersion: 1, cases: cases.map(jsonCase) });
  else out(adviceText(cases));
}

/** The JSON of one case: the advice's fields first (latency, memory, coldProb, crossoverKeepAlive, …). */
function jsonCase(c: AdviceCase) {
  return {
    ...c.advice,
    workload: c.workload,
    arrivalRate: c.arrivalRate,
    keepAlive: c.keepAlive,
    serviceTimes: c.serviceTimes,
  };
}

function fromGiven(r: Extract<AdviseRequest, { kind: 'given' }>): AdviceCase {
  const serviceTimes = {
    warm: r.input.warm,
    cold: r.input.cold,
    wasm: r.input.wasm,
    source: 'given as flags',
  };
  if (r.trace !== undefined) {
    let text: string;
    try {
      text = readFileSync(r.trace, 'utf8');
    } catch (err) {
      throw new InputError(
        `cannot read the trace ${r.trace} (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
      );
    }
    let counts: number[];
    try {
      counts = parseTraceCounts(text, r.trace);
    } catch (err) {
      throw new InputError(err instanceof Error ? err.message : String(err), {
        hint: 'a trace is one request count per minute, one per line, or a JSON array of counts',
      });
    }
    return {
      workload: null,
      arrivalRate: null,
      keepAlive: r.input.keepAlive,
      serviceTimes,
      advice: adviseTrace(r.input, counts),
    };
  }
  const arrivalRate = r.arrivalRate as number;
  return {
    workload: null,
    arrivalRate,
    keepAlive: r.input.keepAlive,
    serviceTimes,
    advice: advise({ ...r.input, arrivalRate }),
  };
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const distinct = (xs: number[]) => [...new Set(xs)].sort((a, b) => a - b);

/** Service times from a run's model-input profiles (flags override), one case per workload and load. */
function fromRun(dir: string, overrides: Partial<AdviseInput>): AdviceCase[] {
  const points = loadRun(dir).summary.points.filter((p) => p.status === 'complete');
  const cases: AdviceCase[] = [];
  for (const workload of [...new Set(points.map((p) => p.workload))]) {
    const mine = points.filter((p) => p.workload === workload);
    const cont = mine.filter((p) => p.executor === 'container');
    const times = serviceTimesOf(
      workload,
      cont,
      mine.filter((p) => p.executor === 'wasm'),
      overrides,
    );
    const rates =
      overrides.arrivalRate !== undefined
        ? [overrides.arrivalRate]
        : distinct(mine.map((p) => p.arrivalRate));
    const kas =
      overrides.keepAlive !== undefined
        ? [overrides.keepAlive]
        : distinct(
            cont
              .map((p) => p.provenance?.applied.keepAlive ?? p.keepAlive)
              .filter((k): k is number => k !== null),
          );
    if (kas.length === 0)
      throw new InputError(`${dir}: ${workload} has no container point with a keep-alive`, {
        hint: 'give --keep-alive',
      });
    for (const arrivalRate of rates)
      for (const keepAlive of kas) {
        const input = { ...overrides, ...times, arrivalRate, keepAlive } as AdviseInput;
        cases.push({
          workload,
          arrivalRate,
          keepAlive,
          serviceTimes: { ...times, source: times.source },
          advice: advise(input),
        });
      }
  }
  if (cases.length === 0) throw new InputError(`${dir} holds no complete point to advise on`);
  return cases;
}

function serviceTimesOf(
  workload: string,
  cont: PointSummary[],
  wasm: PointSummary[],
  o: Partial<AdviseInput>,
): { warm: number; cold: number; wasm: number; source: string } {
  const pick = (ps: PointSummary[], key: 'warm' | 'cold' | 'wasm') =>
    ps.map((p) => p.modelInputs?.[key]).filter((v): v is number => typeof v === 'number' && v > 0);
  const warm = o.warm ?? (pick(cont, 'warm').length ? mean(pick(cont, 'warm')) : undefined);
  const cold = o.cold ?? (pick(cont, 'cold').length ? mean(pick(cont, 'cold')) : undefined);
  const es = o.wasm ?? (pick(wasm, 'wasm').length ? mean(pick(wasm, 'wasm')) : undefined);
  const missing = [
    ...(warm === undefined ? ['--warm'] : []),
    ...(cold === undefined ? ['--cold'] : []),
    ...(es === undefined ? ['--wasm'] : []),
  ];
  if (missing.length)
    throw new InputError(`the run has no model inputs for ${workload}'s ${missing.join(', ')}`, {
      hint: `give ${missing.join(' and ')} on the command line`,
    });
  return {
    warm: warm as number,
    cold: cold as number,
    wasm: es as number,
    source: `the run's model-input profiles (mean over ${cont.length} container and ${wasm.length} Wasm points)`,
  };
}

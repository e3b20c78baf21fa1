/** `faasmark simulate`: run the simulator (analysis/simulator/) once per point and print. */
import { createRng } from '../../../../analysis/random.js';
import { type SimResult, simulate } from '../../../../analysis/simulator/index.js';
import { out, outJson } from '../../io.js';
import type { SimulatePoint } from './index.js';
import { pointJson, renderSimulateTable, simulateHeader } from './render.js';

export async function simulateAction(
  { points, sweep }: { points: SimulatePoint[]; sweep: boolean },
  json: boolean,
): Promise<void> {
  const results = points.map((p) => simulate(p.params, createRng(p.seed)));
  if (json) {
    const docs = points.map((p, i) => pointJson(p, results[i] as SimResult));
    outJson(sweep ? docs : docs[0]);
    return;
  }
  out(`${simulateHeader(points)}\n${renderSimulateTable(points, results)}`);
}

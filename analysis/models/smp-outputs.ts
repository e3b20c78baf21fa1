/**
 * The SMP's 11 outputs (docs/models.md; pacsltk's `get_sls_warm_count_dist` names in camelCase),
 * the record type built from the key list (core/metrics.ts), and their mapping to metric values.
 */
import { METRICS, type MetricValues, type SmpOutputName } from '../../core/metrics.js';

/** One number per SMP output (counts, probabilities, seconds, req/s). */
export type SmpOutputs = Record<SmpOutputName, number>;

/**
 * Map SMP-shaped outputs (pacsltk names; also what the simulator produces) to metric values,
 * through the `smp` twin declared above — the one mapping used for every container model.
 */
export function smpOutputsToMetrics(outputs: Partial<Record<SmpOutputName, number>>): MetricValues {
  const values: MetricValues = {};
  for (const m of METRICS) {
    if (!m.smp || !m.appliesTo.includes('container')) continue;
    const v = outputs[m.smp];
    if (v !== undefined) values[m.key] = v;
  }
  return values;
}

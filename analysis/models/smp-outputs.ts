/**
 * The SMP's 11 outputs (MODELS.md; pacsltk's `get_sls_warm_count_dist` names in camelCase),
 * declared once: the key list for renderers and batch output, and the record type built from it.
 */

/** The output names, in pacsltk's order. */
export const SMP_OUTPUT_KEYS = [
  'avgServerCount',
  'avgServerCountTotal',
  'avgRunningCount',
  'avgRunningWarmCount',
  'avgRunningColdCount',
  'avgIdleCount',
  'coldProb',
  'avgUtilization',
  'avgRespTime',
  'rejectionProb',
  'rejectionRate',
] as const;

export type SmpOutputName = (typeof SMP_OUTPUT_KEYS)[number];

/** One number per SMP output (counts, probabilities, seconds, req/s). */
export type SmpOutputs = Record<SmpOutputName, number>;

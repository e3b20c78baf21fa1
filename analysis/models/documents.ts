/**
 * The JSON documents `faasmark predict` and `faasmark recommend` print:
 * inputs first, then outputs, flat, camelCase, seconds and req/s. Pure functions.
 */

import { SMP_OUTPUT_KEYS } from '../../core/metrics.js';
import { type CoresResult, solveCores } from './capacity.js';
import { type MginfResult, solveMginf } from './mginf.js';
import type { KeepAliveAdvice, KeepAliveAdviceInput } from './recommend.js';
import {
  SMP_DEFAULT_MAX_CONCURRENCY,
  type SmpInput,
  type SmpResult,
  type SmpVariant,
  solveSmp,
} from './smp.js';
import type { SmpOutputs } from './smp-outputs.js';

export interface SmpRecord extends SmpOutputs {
  arrivalRate: number;
  warm: number;
  cold: number;
  keepAlive: number;
  maxConcurrency: number;
  variant: SmpVariant;
  /** Present only when false (pacsltk's faster_solution=False). */
  fasterSolution?: false;
  /** Present only when the solver had something to say. */
  notes?: string[];
}

/** One SMP point as printed: the inputs (with defaults filled in) and the 11 outputs. */
export function smpRecord(input: SmpInput, result: SmpResult): SmpRecord {
  const record: Record<string, unknown> = {
    arrivalRate: input.arrivalRate,
    warm: input.warm,
    cold: input.cold,
    keepAlive: input.keepAlive,
    maxConcurrency: input.maxConcurrency ?? SMP_DEFAULT_MAX_CONCURRENCY,
    variant: input.variant ?? 'thesis',
  };
  if (input.fasterSolution === false) record.fasterSolution = false;
  for (const key of SMP_OUTPUT_KEYS) record[key] = result[key];
  if (result.notes.length > 0) record.notes = result.notes;
  return record as unknown as SmpRecord;
}

/** Solve and shape many SMP points, in order. */
export function smpRecords(inputs: readonly SmpInput[]): SmpRecord[] {
  return inputs.map((input) => smpRecord(input, solveSmp(input)));
}

export interface MginfRecord extends MginfResult {
  /** With --cores: the M/G/c processor-sharing companion. */
  capacity?: CoresResult;
}

export function mginfRecord(arrivalRate: number, serviceTime: number, cores?: number): MginfRecord {
  const record: MginfRecord = solveMginf({ arrivalRate, serviceTime });
  if (cores !== undefined) record.capacity = solveCores({ arrivalRate, serviceTime, cores });
  return record;
}

export interface KeepAliveRecord {
  arrivalRate: number;
  warm: number;
  cold: number;
  maxConcurrency: number;
  variant: SmpVariant;
  tolerance: number;
  keepAlive: number;
  limitRespTime: number;
  targetRespTime: number;
  avgRespTime: number;
  coldProb: number;
  avgIdleCount: number;
  avgServerCountTotal: number;
  memoryMb: number | null;
  idleGbSecondsPerHour: number | null;
  /** Saturation, rejection, a platform near its limit (empty when none). */
  warnings: string[];
  rejectionProb: number;
}

export function keepAliveRecord(input: KeepAliveAdviceInput, advice: KeepAliveAdvice): KeepAliveRecord {
  return {
    arrivalRate: input.arrivalRate,
    warm: input.warm,
    cold: input.cold,
    maxConcurrency: input.maxConcurrency ?? SMP_DEFAULT_MAX_CONCURRENCY,
    variant: input.variant ?? 'thesis',
    tolerance: advice.tolerance,
    keepAlive: advice.keepAlive,
    limitRespTime: advice.limitRespTime,
    targetRespTime: advice.targetRespTime,
    avgRespTime: advice.atKeepAlive.avgRespTime,
    coldProb: advice.atKeepAlive.coldProb,
    avgIdleCount: advice.idleExecutors,
    avgServerCountTotal: advice.atKeepAlive.avgServerCountTotal,
    memoryMb: advice.memoryMb,
    idleGbSecondsPerHour: advice.idleGbSecondsPerHour,
    warnings: advice.warnings,
    rejectionProb: advice.atKeepAlive.rejectionProb,
  };
}

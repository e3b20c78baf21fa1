/**
 * The plan: points = platforms × workloads × sweep values × repetitions, computed before
 * anything starts (changesets builds a plan, then prints or executes it). Container platforms
 * get every (arrivalRate, keepAlive) pair; Wasm platforms ignore keep-alive, so they get one
 * point per arrival rate. Repetitions are interleaved: every point's repetition 0, then every
 * point's repetition 1, … so slow drift of the host spreads over all points.
 */

import type { ExecutorKind } from '../../core/platform.js';
import { expectedArrivals, type ScheduleSpec } from '../arrivals.js';
import { profileIdleSeconds } from '../engine/model-inputs.js';
import type { Suite } from './types.js';

/**
 * Executor kind of a suite entry, known before the platform is created: local-wasm and spin
 * are Wasm; sim is whatever its `mode` says (default container); the rest are containers.
 */
export function executorKindOf(platform: string, config: Record<string, unknown> = {}): ExecutorKind {
  if (platform === 'local-wasm' || platform === 'spin') return 'wasm';
  if (platform === 'sim' && config.mode === 'wasm') return 'wasm';
  return 'container';
}

export interface PlannedPoint {
  /** Stable id, also the directory name: <label>.<workload>.rate<λ>[.ka<τ>].rep<n>. */
  id: string;
  /** Index into suite.platforms. */
  platformIndex: number;
  platform: string;
  label: string;
  executor: ExecutorKind;
  workload: string;
  arrivalRate: number;
  keepAlive: number | null;
  repetition: number;
  /** Seed of this point's arrival schedule: suite seed + repetition (same schedule across points). */
  seed: number;
  arrivals: ScheduleSpec;
  /** Expected arrivals (warm-up + measurement). */
  expectedRequests: number;
  /**
   * Estimated wall time (s): warm-up + duration + setup/profile/drain overhead + the profile's
   * idle gaps (modelInputs.spacing, capped at keepAlive / 2 on containers).
   */
  estimatedSeconds: number;
}

/** Per-point overhead assumed by the estimate (setup, deploy, profile, teardown), seconds. */
export const POINT_OVERHEAD_SECONDS = 5;

function num(x: number): string {
  return String(x).replace(/[^0-9.e-]/g, '');
}

export function planSuite(suite: Suite): PlannedPoint[] {
  const base: Omit<
    PlannedPoint,
    'repetition' | 'seed' | 'id' | 'arrivals' | 'expectedRequests' | 'estimatedSeconds'
  >[] = [];
  suite.platforms.forEach((p, platformIndex) => {
    const executor = executorKindOf(p.name, p.config);
    for (const workload of suite.workloads) {
      for (const arrivalRate of suite.arrivalRate) {
        const kas = executor === 'wasm' || suite.keepAlive.length === 0 ? [null] : suite.keepAlive;
        for (const keepAlive of kas) {
          base.push({
            platformIndex,
            platform: p.name,
            label: p.label,
            executor,
            workload,
            arrivalRate,
            keepAlive,
          });
        }
      }
    }
  });
  const points: PlannedPoint[] = [];
  for (let repetition = 0; repetition < suite.repeat; repetition++) {
    for (const b of base) {
      const arrivals: ScheduleSpec = {
        process: suite.arrivals,
        rate: b.arrivalRate,
        warmup: suite.warmup,
        duration: suite.duration,
        ...(suite.trace ? { trace: { counts: suite.trace.counts, within: suite.trace.within } } : {}),
      };
      const ka = b.keepAlive === null ? '' : `.ka${num(b.keepAlive)}`;
      points.push({
        ...b,
        id: `${b.label}.${b.workload}.rate${num(b.arrivalRate)}${ka}.rep${repetition}`,
        repetition,
        seed: suite.seed + repetition,
        arrivals,
        expectedRequests: Math.round(expectedArrivals(arrivals)),
        estimatedSeconds:
          suite.warmup +
          suite.duration +
          POINT_OVERHEAD_SECONDS +
          profileIdleSeconds(suite.modelInputs, b.executor, b.keepAlive),
      });
    }
  }
  return points;
}

/** Keep points whose id matches `pattern` (a substring, or a glob with `*`). */
export function filterPoints(points: PlannedPoint[], pattern: string | undefined): PlannedPoint[] {
  if (!pattern) return points;
  if (!pattern.includes('*')) return points.filter((p) => p.id.includes(pattern));
  const re = new RegExp(
    `^${pattern
      .split('*')
      .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );
  return points.filter((p) => re.test(p.id));
}

/** Total estimated wall time of a plan (s). */
export function estimatePlanSeconds(points: PlannedPoint[]): number {
  return points.reduce((a, p) => a + p.estimatedSeconds, 0);
}

/**
 * A complete, valid point summary (results/types.ts) with neutral values, for tests that need
 * one point and set only the fields they are about.
 */
import type { PointSummary } from '../../results/types.js';

export function pointSummary(overrides: Partial<PointSummary> = {}): PointSummary {
  const executor = overrides.executor ?? 'container';
  return {
    schemaVersion: 1,
    pointId: 'p',
    status: 'complete',
    valid: true,
    invalidReasons: [],
    platform: 'sim',
    executor,
    workload: 'aes',
    arrivalRate: 1,
    keepAlive: executor === 'wasm' ? null : 5,
    repetition: 0,
    arrivals: 'poisson',
    seed: 1,
    originEpochMs: 0,
    window: { start: 0, end: 60 },
    requests: { sent: 60, ok: 60, error: 0, timeout: 0, rejected: 0 },
    achievedRate: 1,
    measured: {},
    predicted: {},
    error: {},
    ...overrides,
  };
}

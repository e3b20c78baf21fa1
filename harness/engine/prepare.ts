/**
 * Preparing a point: the platform set up for it (keep-alive, routing, request timeout), the
 * workload deployed, the platform's description read (versions and the settings in effect:
 * provenance is read after setup, never before), then the models' inputs — measured through
 * the platform itself, just before the load (model-inputs.ts), or taken from the suite.
 */
import { FaasmarkError } from '../../core/errors.js';
import type { Platform, PlatformDescription, PointClock, RoutingPolicy } from '../../core/platform.js';
import type { ModelInputs } from '../../results/types.js';
import type { PlannedPoint } from '../suite/plan.js';
import type { Suite } from '../suite/types.js';
import { modelInputsFor } from './model-inputs.js';

export interface PrepareInput {
  point: PlannedPoint;
  suite: Pick<Suite, 'requestTimeout' | 'modelInputs'>;
  platform: Platform;
  clock: PointClock;
  routing: RoutingPolicy | undefined;
  /** The workload input the profile calls send. */
  input: unknown;
  signal: AbortSignal;
  /** Told what the platform says about itself once set up and deployed. */
  onDescribed?: (description: PlatformDescription) => Promise<void> | void;
}

export interface Prepared {
  description: PlatformDescription;
  /** Null when an interrupt ended the profile in one of its idle gaps. */
  modelInputs: ModelInputs | null;
}

/**
 * Set up, deploy, describe, and get the model inputs. `modelInputs` is null when an interrupt
 * ended the profile in one of its idle gaps (the point is then incomplete, like an interrupt
 * during the load).
 */
export async function preparePoint(p: PrepareInput): Promise<Prepared> {
  const { point, suite, platform } = p;
  await platform.setup(
    {
      ...(point.keepAlive !== null ? { keepAlive: point.keepAlive } : {}),
      ...(p.routing ? { routing: p.routing } : {}),
      requestTimeout: suite.requestTimeout,
      signal: p.signal,
    },
    p.clock,
  );
  await platform.deploy(point.workload);
  const description = await platform.describe();
  await p.onDescribed?.(description);
  try {
    const modelInputs = await modelInputsFor(
      suite.modelInputs,
      platform,
      p.clock,
      point.workload,
      p.input,
      suite.requestTimeout,
      { keepAlive: description.applied.keepAlive ?? point.keepAlive, signal: p.signal },
    );
    return { description, modelInputs };
  } catch (err) {
    if (err instanceof FaasmarkError && err.code === 'FM_ABORTED') return { description, modelInputs: null };
    throw err;
  }
}

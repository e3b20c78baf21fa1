/**
 * One point, start to finish, in stages (docs/engine.md "One point"): a workspace
 * (points/.<id>.partial/, workspace.ts), prepare (platform setup → deploy → model inputs),
 * load (schedule → open loop → requests.jsonl → executor spans), evaluate (pure: measure →
 * predict → error → integrity → summary), then the commit: one atomic rename to points/<id>/.
 * An interrupted point — a SIGINT during the profile or the load — is committed the same way
 * with `status: "incomplete"`, by a lifecycle cleanup too, so it happens before the process
 * exits; `--resume` reruns it.
 */
import { availableParallelism } from 'node:os';
import { createPointClock, createVirtualClock } from '../../core/clock.js';
import { FaasmarkError } from '../../core/errors.js';
import { onShutdown } from '../../core/lifecycle.js';
import type { Platform, PlatformDescription, PointClock, RoutingPolicy } from '../../core/platform.js';
import type { ModelInputs, PointSummary } from '../../results/types.js';
import type { LoadProgress } from '../loadgen/open-loop.js';
import type { PlannedPoint } from '../suite/plan.js';
import type { Suite } from '../suite/types.js';
import { evaluatePoint, failedSummary, incompleteSummary, type PointFacts } from './evaluate.js';
import { applyLoad, type LoadState } from './load.js';
import { preparePoint } from './prepare.js';
import { PointWorkspace } from './workspace.js';

export interface PointContext {
  suite: Suite;
  /** The run directory. */
  out: string;
  platform: Platform;
  /** The workload input (defaults merged with the suite's overrides). */
  input: unknown;
  signal: AbortSignal;
  onProgress?: (p: LoadProgress) => void;
  /** Told what the platform says about itself once set up and deployed for this point. */
  onDescribed?: (description: PlatformDescription) => Promise<void> | void;
  log: (line: string) => void;
}

const INTERRUPTED = 'interrupted (signal)';

/**
 * The point's ending, decided once: committed complete, committed incomplete (from what the
 * stages recorded so far), or abandoned after a failure. The runner and the SIGINT cleanup may
 * both ask for the incomplete ending; both wait for the same write.
 */
class PointEnding {
  readonly load: LoadState = {
    window: { start: 0, end: 0 },
    counts: { sent: 0, ok: 0, error: 0, timeout: 0, rejected: 0 },
  };
  modelInputs: ModelInputs | undefined;
  description: PlatformDescription | undefined;
  private decided = false;
  private incompleteWrite: Promise<PointSummary> | undefined;

  constructor(
    private readonly facts: PointFacts,
    private readonly workspace: PointWorkspace,
  ) {}

  /** Commit the summary of a point that ran to its end — unless an interrupt already ended it. */
  async complete(summary: PointSummary): Promise<PointSummary> {
    if (this.incompleteWrite) return this.incompleteWrite;
    this.decided = true;
    await this.workspace.commit(summary);
    return summary;
  }

  incomplete(reason: string): Promise<PointSummary> {
    this.incompleteWrite ??= this.writeIncomplete(reason);
    return this.incompleteWrite;
  }

  /** Commit the summary of a point its platform could not run, with the reason. */
  async failed(reason: string): Promise<PointSummary> {
    if (this.incompleteWrite) return this.incompleteWrite;
    this.decided = true;
    await this.load.sink?.close().catch(() => {});
    const summary = failedSummary(this.facts, {
      reason,
      window: this.load.window,
      requests: this.load.result?.counts ?? this.load.counts,
      modelInputs: this.modelInputs,
      description: this.description,
      unsent: 0,
    });
    await this.workspace.commit(summary);
    return summary;
  }

  /** The SIGINT cleanup: let the generator stop (it aborts and records what is in flight), then write. */
  async interrupted(): Promise<void> {
    if (this.decided && !this.incompleteWrite) return; // committed complete, or abandoned
    const result = await this.load.running?.catch(() => undefined);
    if (result) this.load.result = result;
    await this.incomplete(INTERRUPTED);
  }

  /** After a failure: the partial directory goes (unless an ending is already being written). */
  async fail(): Promise<void> {
    if (this.decided) return;
    this.decided = true;
    await this.load.sink?.close().catch(() => {});
    await this.workspace.abandon();
  }

  private async writeIncomplete(reason: string): Promise<PointSummary> {
    this.decided = true;
    const { load } = this;
    await load.sink?.close().catch(() => {});
    const summary = incompleteSummary(this.facts, {
      reason,
      window: load.window,
      requests: load.result?.counts ?? load.counts,
      modelInputs: this.modelInputs,
      description: this.description,
      unsent: load.result?.unsent ?? 0,
    });
    await this.workspace.commit(summary);
    return summary;
  }
}

/**
 * A platform that fails (FM_PLATFORM, FM_TIMEOUT) while it is set up, deployed or profiled
 * fails its point, not the run: the point is written with the reason.
 */
function platformFailure(err: unknown): string | null {
  if (err instanceof FaasmarkError && (err.code === 'FM_PLATFORM' || err.code === 'FM_TIMEOUT'))
    return err.message;
  return null;
}

/** prepare → load → evaluate → commit; an interrupt in prepare or load ends the point incomplete. */
async function runStages(
  ctx: PointContext,
  facts: PointFacts,
  clock: PointClock,
  workspace: PointWorkspace,
  ending: PointEnding,
): Promise<PointSummary> {
  const { suite, platform, signal, input } = ctx;
  const { point, routing } = facts;
  let prepared: Awaited<ReturnType<typeof preparePoint>>;
  try {
    prepared = await preparePoint({
      point,
      suite,
      platform,
      clock,
      routing,
      input,
      signal,
      onDescribed: (d) => {
        ending.description = d;
        return ctx.onDescribed?.(d);
      },
    });
  } catch (err) {
    const reason = platformFailure(err);
    if (reason === null) throw err;
    ctx.log(`${point.id}: the platform failed before the load: ${reason}`);
    return ending.failed(`platform failed before the load: ${reason}`);
  }
  const { description, modelInputs } = prepared;
  if (modelInputs === null) return ending.incomplete(INTERRUPTED);
  ending.modelInputs = modelInputs;
  const loaded = await applyLoad(
    {
      facts,
      platform,
      clock,
      suite,
      input,
      signal,
      workspace,
      ...(ctx.onProgress ? { onProgress: ctx.onProgress } : {}),
      log: ctx.log,
    },
    ending.load,
  );
  if (loaded.aborted) return ending.incomplete(INTERRUPTED);
  const summary = evaluatePoint(
    facts,
    { ...loaded.observed, modelInputs, description },
    {
      thresholds: suite.thresholds,
      smpVariant: suite.smpVariant,
      simulator: suite.simulator,
      cores: availableParallelism(),
    },
  );
  return ending.complete(summary);
}

/** Run one point on a platform instance the runner created; returns its summary as committed. */
export async function executePoint(point: PlannedPoint, ctx: PointContext): Promise<PointSummary> {
  const { suite, platform } = ctx;
  const workspace = await PointWorkspace.open(ctx.out, point.id);
  const entry = suite.platforms[point.platformIndex];
  const clock = platform.simulation?.virtualTime ? createVirtualClock() : createPointClock();
  const facts: PointFacts = {
    point,
    executor: platform.executor,
    capabilities: platform.capabilities,
    routing: entry?.config.routing as RoutingPolicy | undefined,
    nominalMaxConcurrency: (entry?.config.maxConcurrency as number | undefined) ?? null,
    maxConcurrency: (entry?.config.maxConcurrency as number | undefined) ?? suite.maxConcurrency,
    originEpochMs: clock.originEpochMs,
    ...(platform.simulation ? { simulated: true } : {}),
  };
  const ending = new PointEnding(facts, workspace);
  const unregister = onShutdown(`point ${point.id}: mark incomplete`, () => ending.interrupted());
  try {
    return await runStages(ctx, facts, clock, workspace, ending);
  } catch (err) {
    await ending.fail();
    throw err;
  } finally {
    unregister();
  }
}

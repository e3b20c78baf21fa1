/**
 * A point's load: its arrival schedule, shifted to start just after the preparation, run
 * open-loop against the platform (harness/loadgen/open-loop.ts) while every record streams to
 * requests.jsonl (RecordSink) and into the measurer — memory stays flat — then the platform's
 * executor spans, written to executors.jsonl. All times are on the point clock.
 */
import type { MeasureWindow } from '../../analysis/metrics/measure.js';
import { createRng } from '../../analysis/random.js';
import { isVirtualClock } from '../../core/clock.js';
import { JsonlWriter } from '../../core/jsonl.js';
import type { Platform, PointClock } from '../../core/platform.js';
import type { RequestCounts } from '../../results/types.js';
import { type Arrival, arrivalSchedule } from '../arrivals.js';
import {
  type LoadProgress,
  type OpenLoopOptions,
  type OpenLoopResult,
  runOpenLoop,
} from '../loadgen/open-loop.js';
import { RecordSink } from '../loadgen/record-sink.js';
import { runVirtualLoop } from '../loadgen/virtual-loop.js';
import type { PlannedPoint } from '../suite/plan.js';
import type { Suite } from '../suite/types.js';
import { type PointFacts, type PointObservations, pointMeasurer } from './evaluate.js';
import type { PointWorkspace } from './workspace.js';

/** Lead time between the end of the preparation and the first scheduled arrival (s). */
const START_LEAD = 0.05;

export interface LoadInput {
  facts: PointFacts;
  platform: Platform;
  clock: PointClock;
  suite: Pick<Suite, 'requestTimeout' | 'drainTimeout'>;
  /** The workload input every request sends. */
  input: unknown;
  signal: AbortSignal;
  workspace: PointWorkspace;
  /** Progress of the load, `elapsed` counted from the first arrival's slot. */
  onProgress?: (p: LoadProgress) => void;
  /** Where to say that the platform failed mid-load (once, as soon as it is seen). */
  log?: (line: string) => void;
}

/** The load as it runs, for an interrupt to finalise the point from (point.ts). */
export interface LoadState {
  window: MeasureWindow;
  /** Requests so far by status (from the last progress report). */
  counts: RequestCounts;
  sink?: RecordSink;
  /** The generator, once started: an interrupt waits for it to stop and record what was in flight. */
  running?: Promise<OpenLoopResult>;
  result?: OpenLoopResult;
  /** The platform's failure has been logged. */
  failureLogged?: boolean;
}

export type LoadOutcome =
  | { aborted: true; result: OpenLoopResult }
  | {
      aborted: false;
      result: OpenLoopResult;
      observed: Omit<PointObservations, 'modelInputs' | 'description'>;
    };

/** The point's schedule starting at `offset` on the point clock, and its window W. */
function shiftedSchedule(point: PlannedPoint, offset: number) {
  const schedule = function* (): Generator<Arrival> {
    for (const a of arrivalSchedule(point.arrivals, createRng(point.seed))) yield { ...a, at: a.at + offset };
  };
  // W's end is the last measured arrival: one cheap pass over the (lazy) schedule
  let lastMeasured = offset + point.arrivals.warmup;
  for (const a of schedule()) if (!a.warmup) lastMeasured = a.at;
  return { schedule, window: { start: offset + point.arrivals.warmup, end: lastMeasured } };
}

/** Executor spans from the platform, written to executors.jsonl. */
async function collectSpans(platform: Platform, workspace: PointWorkspace) {
  const spans = await platform.executorSpans();
  const writer = await JsonlWriter.open(workspace.path('executors.jsonl'));
  await writer.writeMany(spans);
  await writer.close();
  return spans;
}

/** Run the point's load; `state` follows it for an interrupt. */
export async function applyLoad(p: LoadInput, state: LoadState): Promise<LoadOutcome> {
  const { facts, platform, clock } = p;
  const offset = clock.now() + START_LEAD;
  const { schedule, window } = shiftedSchedule(facts.point, offset);
  state.window = window;
  const records = pointMeasurer(facts, window);
  const sink = new RecordSink(await JsonlWriter.open(p.workspace.path('requests.jsonl')));
  state.sink = sink;
  const loop: OpenLoopOptions = {
    platform,
    schedule: schedule(),
    clock,
    pointId: facts.point.id,
    workload: facts.point.workload,
    input: p.input,
    requestTimeout: p.suite.requestTimeout,
    drainTimeout: p.suite.drainTimeout,
    signal: p.signal,
    onProgress: (progress) => {
      state.counts = progress.counts;
      if (!state.failureLogged) state.failureLogged = logFailure(platform, progress.elapsed - offset, p.log);
      p.onProgress?.({ ...progress, elapsed: progress.elapsed - offset });
    },
    onRecord: (r) => {
      records.add(r);
      sink.push(r);
    },
  }; // a simulated point on a virtual clock runs as fast as it computes (virtual-loop.ts)
  state.running = isVirtualClock(clock) ? runVirtualLoop({ ...loop, clock }) : runOpenLoop(loop);

  const result = await state.running;
  state.result = result;
  if (result.aborted) return { aborted: true, result };
  await sink.close();
  const spans = await collectSpans(platform, p.workspace);
  const { measuredScheduled, measuredGaps } = result;
  const health = platform.health();
  return {
    aborted: false,
    result,
    observed: { window, records, spans, measuredScheduled, measuredGaps, health },
  };
}

/** Say that the platform stopped being usable, if it did; true once said. */
function logFailure(platform: Platform, elapsed: number, log: ((line: string) => void) | undefined): boolean {
  const h = platform.health();
  if (h.ok) return false;
  log?.(`${platform.name}: failed ${elapsed.toFixed(1)} s into the load: ${h.reason ?? 'no reason given'}`);
  return true;
}

/**
 * The one interface every platform implements — real (openwhisk, spin), embedded
 * (local-container, local-wasm) or simulated (sim). docs/architecture.md.
 * Capabilities are declared up front and checked before a run (unlike SeBS, which throws
 * NotImplementedError mid-run).
 */
import type { ExecutorSpan, PlatformSide, RequestStatus } from './records.js';

export type ExecutorKind = 'container' | 'wasm';
export type RoutingPolicy = 'mru' | 'newest' | 'random';
export const ROUTING_POLICIES: readonly RoutingPolicy[] = ['mru', 'newest', 'random'];

export interface PlatformCapabilities {
  /** Reports a cold/warm flag per request. */
  coldFlag: boolean;
  /** Reports executor spans (created → destroyed). */
  executorSpans: boolean;
  /** Reports platform-side start/end/wait per request. */
  platformTimes: boolean;
  /** Honours a keep-alive setting. */
  keepAlive: boolean;
  /** Honours a routing policy. */
  routing: boolean;
}

/** Settings for one point (docs/engine.md: set up with keep-alive, routing policy, limits). */
export interface SetupOptions {
  /** Keep-alive (s): idle time after which an executor is destroyed. Ignored by Wasm platforms. */
  keepAlive?: number;
  routing?: RoutingPolicy;
  /** Maximum concurrent executors / in-flight requests. */
  maxConcurrency?: number;
  /** Per-request timeout (s). */
  requestTimeout?: number;
  /** Aborted on SIGINT/SIGTERM. */
  signal?: AbortSignal;
}

export interface InvokeRequest {
  workload: string;
  /** The workload's input object (sent as JSON). */
  input: unknown;
  /** Aborts this request (timeout or shutdown). */
  signal?: AbortSignal;
}

export interface InvokeResult {
  status: RequestStatus;
  httpStatus?: number;
  /** The workload's result (parsed JSON) when ok. */
  body?: unknown;
  errorMessage?: string;
  /** Platform-side observations, on the point's clock (seconds since origin). */
  platform?: PlatformSide;
}

/** Versions, digests and settings recorded in the run manifest. */
export interface PlatformDescription {
  name: string;
  executor: ExecutorKind;
  version?: string;
  /** Free-form settings / digests worth recording (never secrets). */
  details?: Record<string, unknown>;
  /** Warnings a user should see (e.g. Spin instance reuse breaks M/G/∞). */
  warnings?: string[];
}

export interface Platform {
  readonly name: string;
  readonly executor: ExecutorKind;
  readonly capabilities: PlatformCapabilities;

  /**
   * Set the platform up for a point. Every `…At` the platform reports afterwards is in
   * seconds on `clock` (core/clock.ts), the point's time origin.
   */
  setup(options: SetupOptions, clock: PointClock): Promise<void>;
  /** Deploy (or locate) a workload's artifact; idempotent. */
  deploy(workload: string): Promise<void>;
  /** Invoke once; never throws for request-level failures (returns status instead). */
  invoke(request: InvokeRequest): Promise<InvokeResult>;
  /** Executor spans observed so far (open spans have destroyedAt null). Empty if not observable. */
  executorSpans(): Promise<ExecutorSpan[]>;
  /** Describe versions/settings for the manifest. */
  describe(): Promise<PlatformDescription>;
  /** Stop everything this platform started. Safe to call twice. */
  teardown(): Promise<void>;
  /**
   * Optional: whether the platform stayed usable since setup. `ok: false` once it failed
   * mid-point (e.g. `spin up` crashed): its requests were recorded as errors and the engine
   * marks the point invalid. Absent means always healthy.
   */
  health?(): PlatformHealth;
}

/** What {@link Platform.health} reports. */
export interface PlatformHealth {
  ok: boolean;
  /** Why not, e.g. "spin up (aes) exited with code 101 mid-run: <stderr tail>". */
  reason?: string;
}

/** The point's clock: seconds since its origin. */
export interface PointClock {
  /** Wall-clock epoch ms of t = 0. */
  readonly originEpochMs: number;
  /** Seconds since the origin (monotonic). */
  now(): number;
  /** Convert an epoch-ms instant (another host's clock) to point seconds. */
  fromEpochMs(epochMs: number): number;
}

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
  /**
   * Can make a workload's next request start a fresh executor on demand ({@link
   * Platform.forceCold}), so a cold service time is measured on a cold call.
   */
  forceCold: boolean;
}

/**
 * What a platform entry does with a point's settings, known from its config before anything
 * starts, so a suite asking for what the platform cannot apply is refused at plan time.
 * keepAlive: `set` applies any value; `fixed` runs at `fixedKeepAlive` whatever is asked (an
 * existing deployment whose own setting was declared); `unknown` cannot set it and does not
 * know it; `none` has no keep-alive (Wasm).
 */
export interface SettingsControl {
  keepAlive: 'set' | 'fixed' | 'unknown' | 'none';
  fixedKeepAlive?: number;
  /** Applies a routing policy per point. */
  routing: boolean;
}

/**
 * The settings in effect for the current point, read from the platform after setup and
 * deploy (not the values asked for). null: the platform has no such setting or cannot tell.
 */
export interface AppliedSettings {
  /** Keep-alive in effect (s): idle time before an executor is destroyed. */
  keepAlive: number | null;
  routing: RoutingPolicy | null;
  /** Most requests the platform serves at once (its real limit); null = none known. */
  maxConcurrency: number | null;
  /** CPU cores (or worker threads) the executors share; null = unknown. */
  cores: number | null;
}

/** What actually runs the executors (a container engine, a Wasm runtime), with its version. */
export interface EngineDescription {
  name: string;
  version?: string;
  /** Settings passed to the engine that change what is measured (flags, limits). */
  settings?: Record<string, unknown>;
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
  /**
   * When the answer reached the client (point seconds), if work after it delayed this result
   * (e.g. waiting for an invoker-log line): the client's latency ends here, not at resolution.
   */
  receivedAt?: number;
}

/**
 * Versions, digests and settings recorded in the run manifest and each point's summary. Read
 * after setup and deploy; a field is either measured or absent, never a placeholder.
 */
export interface PlatformDescription {
  name: string;
  executor: ExecutorKind;
  version?: string;
  engine?: EngineDescription;
  applied: AppliedSettings;
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
  /** Versions and the settings in effect, read from the platform (after setup and deploy). */
  describe(): Promise<PlatformDescription>;
  /** Stop everything this platform started. Safe to call twice. */
  teardown(): Promise<void>;
  /**
   * Whether the platform stayed usable since setup. `ok: false` once it failed mid-point (e.g.
   * `spin up` crashed): its requests were recorded as errors and the engine marks the point
   * invalid with the reason.
   */
  health(): PlatformHealth;
  /**
   * Make the next request of `workload` start a fresh executor (e.g. retire its warm ones).
   * Present when `capabilities.forceCold`.
   */
  forceCold?(workload: string): Promise<void>;
  /** Present on a platform that simulates rather than runs (the `sim` platform). */
  readonly simulation?: Simulation;
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

/** A point clock that only the driver of a simulated point moves (core/clock.ts). */
export interface VirtualClock extends PointClock {
  readonly virtual: true;
  /** Move to `t` (never back) and tell the listeners. */
  advanceTo(t: number): void;
  /** Be told of every move; returns the unsubscribe. */
  onAdvance(listener: (t: number) => void): () => void;
}

/**
 * What a simulated platform adds: its results are simulated, not measured (summaries and
 * reports say so); its service times are known from its configuration (the models take them,
 * no profile); and with `virtualTime` a point runs on a virtual clock, as fast as it computes.
 */
export interface Simulation {
  virtualTime: boolean;
  serviceTimes(workload: string): { warm?: number; cold?: number; wasm?: number };
}

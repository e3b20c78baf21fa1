/**
 * What local-wasm asks of a Wasm engine (docs/embedded-platforms.md "local-wasm"): v8 (Node
 * worker threads, in this process: v8-engine.ts) or wasmtime (one owned `wasmtime serve` per
 * workload: wasmtime-engine.ts). The platform (index.ts) keeps the lifecycle; the engine does
 * the work and reports what it applied.
 */
import type {
  AppliedSettings,
  EngineDescription,
  InvokeRequest,
  InvokeResult,
  PlatformHealth,
  PointClock,
  SetupOptions,
} from '../../core/platform.js';
import type { InFlightSnapshot } from '../embedded/in-flight.js';
import type { WasmEngineName } from './config.js';

export interface EngineReport {
  engine: EngineDescription;
  applied: AppliedSettings;
  details: Record<string, unknown>;
  warnings: string[];
}

/** In-flight counts of one point so far: the engine's side and, where it can tell, the server's. */
export interface InFlightReport {
  /** Counted where requests are admitted (v8: the host endpoint; wasmtime: faasmark's client). */
  admitted: InFlightSnapshot;
  /**
   * Server side, from the instance start/end each answer reports (wasmtime: the guest's
   * x-faas-* headers): request-seconds inside instances and their mean over the window.
   */
  server?: { busySeconds: number; mean: number; answered: number };
}

export interface WasmEngine {
  readonly name: WasmEngineName;
  /** For a new point: apply its settings; start what is not running. */
  setup(options: SetupOptions, clock: PointClock): Promise<void>;
  deploy(workload: string): Promise<void>;
  invoke(request: InvokeRequest): Promise<InvokeResult>;
  report(): Promise<EngineReport>;
  health(): PlatformHealth;
  inFlight(): InFlightReport;
  /** Counters (requests, errors, timeouts, rejections, restarts …). */
  stats(): Record<string, number>;
  teardown(): Promise<void>;
}

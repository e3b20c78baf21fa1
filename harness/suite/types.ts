/** The normalised suite: every duration in seconds, every list a list, every default applied. */
import type { SettingsControl } from '../../core/platform.js';
import type { ArrivalProcess, TraceSpec } from '../arrivals.js';

export interface PlatformEntry {
  /** Platform name (platforms/registry.ts). */
  name: string;
  /** Name used in point ids (default: the platform name). */
  label: string;
  /** The entry as written, without `label`: what the platform's `create` receives. */
  config: Record<string, unknown>;
  /** What the entry's platform does with a point's keep-alive and routing (absent if the entry is invalid). */
  control?: SettingsControl;
}

export interface Thresholds {
  /** Largest tolerated shortfall of the achieved rate against the schedule (fraction). */
  maxRateShortfall: number;
  /** Largest tolerated (error + timeout) / sent in the window (fraction). */
  errorBudget: number;
  /** Fewest requests answered ok in the window for a valid point. */
  minRequests: number;
}

export interface GivenServiceTimes {
  warm?: number;
  cold?: number;
  wasm?: number;
}

export interface ModelInputsSpec {
  source: 'profile' | 'given';
  /** Measured sequential calls (containers: warm calls after the cold one and the priming). */
  runs: number;
  /** Idle gap between profile calls (s), before the keep-alive cap (harness/engine/model-inputs.ts). */
  spacing: number;
  /** Warm calls made and discarded before the measured ones. */
  priming: number;
  /** Cold calls, each on a fresh executor (containers). */
  coldRuns: number;
  given: Record<string, GivenServiceTimes>;
}

export interface Suite {
  name: string;
  description?: string;
  /** Where it was loaded from (absolute path), for messages and the manifest. */
  file: string;
  seed: number;
  arrivals: ArrivalProcess;
  trace?: TraceSpec & { file: string };
  /** Seconds, after `scale`. */
  warmup: number;
  duration: number;
  drainTimeout: number;
  requestTimeout: number;
  sweep: 'keep-alive' | 'load';
  arrivalRate: number[];
  keepAlive: number[];
  workloads: string[];
  /** The named input every workload starts from (docs/workloads.md "Input presets"). */
  inputPreset?: 'default' | 'thesis';
  /** Per workload: after loading, the validated input the points run (preset + overrides). */
  workloadInput: Record<string, Record<string, unknown>>;
  platforms: PlatformEntry[];
  repeat: number;
  scale: number;
  maxConcurrency: number;
  smpVariant: 'thesis' | 'original';
  /** Memory per executor (MB) for the verdict's memory-time: containers, Wasm instances. */
  verdict: { memoryMb: number; wasmMemoryMb: number };
  simulator: boolean;
  thresholds: Thresholds;
  modelInputs: ModelInputsSpec;
}

/**
 * Load a suite: resolve a name (harness/suites/<name>.yaml) or a path, parse YAML or JSON,
 * then validate in four steps: the published schema → each platform entry (its platform's
 * schema and rules, paths `platforms[i].key`) → normalise (durations parsed once, lists,
 * defaults, scale) → cross-field rules. Every problem is reported at once, with its path
 * (changesets' parse → rules; k6 rejects unknown keys).
 * @throws ConfigError (exit 2) listing every problem; nothing is started before this passes.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, extname, isAbsolute, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { verdictMemory } from '../../analysis/verdict/advise.js';
import { parseDuration } from '../../core/duration.js';
import { ConfigError, UsageError } from '../../core/errors.js';
import { rootPath } from '../../core/paths.js';
import type { SettingsControl } from '../../core/platform.js';
import { validate } from '../../core/validate.js';
import { type ArrivalProcess, parseTraceCounts } from '../arrivals.js';
import { executorKindOf } from './plan.js';
import { type PlatformResolver, registryResolver } from './platform-resolver.js';
import { suiteSchema } from './schema.js';
import type { GivenServiceTimes, PlatformEntry, Suite } from './types.js';

/** Fewest requests answered ok in a point's window for it to be valid (docs/engine.md "Invalid-point rules"). */
export const DEFAULT_MIN_REQUESTS = 30;

export const SUITES_DIR = rootPath('harness', 'suites');

/** Cold samples per profile (the thesis took 10; 3 keeps a point's profile short). */
export const PROFILE_COLD_RUNS_DEFAULT = 3;
/** Profile defaults, as the thesis measured Table 4.1: 2 priming calls, calls 2 s apart. */
export const PROFILE_SPACING_DEFAULT = 2;
export const PROFILE_PRIMING_DEFAULT = 2;
/** Largest accepted `modelInputs.spacing` (s): the profile runs before every point. */
export const PROFILE_SPACING_MAX = 60;

/** Names of the shipped suites (harness/suites/*.yaml). */
export function shippedSuites(): string[] {
  if (!existsSync(SUITES_DIR)) return [];
  return readdirSync(SUITES_DIR)
    .filter((f) => /\.(ya?ml|json)$/.test(f))
    .map((f) => f.replace(/\.(ya?ml|json)$/, ''))
    .sort();
}

/** A suite argument → file path: an existing path, else a shipped suite name. */
export function resolveSuitePath(arg: string, cwd = process.cwd()): string {
  const asPath = isAbsolute(arg) ? arg : resolve(cwd, arg);
  if (existsSync(asPath)) return asPath;
  if (!arg.includes('/') && !extname(arg)) {
    for (const ext of ['.yaml', '.yml', '.json']) {
      const p = resolve(SUITES_DIR, `${arg}${ext}`);
      if (existsSync(p)) return p;
    }
  }
  throw new UsageError(`suite ${JSON.stringify(arg)} not found`, {
    hint: `give a path to a suite file, or one of the shipped suites: ${shippedSuites().join(', ')}`,
  });
}

/** Parse YAML (JSON is YAML) text; syntax errors become a ConfigError with line/column. */
export function parseSuiteText(text: string, file: string): unknown {
  try {
    return parseYaml(text, { prettyErrors: true, uniqueKeys: true });
  } catch (err) {
    throw new ConfigError(`${file}: not valid YAML/JSON`, [
      err instanceof Error ? (err.message.split('\n')[0] ?? '') : String(err),
    ]);
  }
}

export interface LoadOptions {
  resolver?: PlatformResolver;
  /** Overrides the suite's `scale`. */
  scale?: number;
  /** Overrides the suite's `repeat`. */
  repeat?: number;
  /** Name used in messages (default: the path relative to cwd). */
  displayName?: string;
}

/** Resolve, read, validate and normalise a suite. */
export async function loadSuite(arg: string, options: LoadOptions = {}): Promise<Suite> {
  const path = resolveSuitePath(arg);
  const display = options.displayName ?? (arg.includes('/') || extname(arg) ? arg : basename(path));
  const raw = parseSuiteText(readFileSync(path, 'utf8'), display);
  return validateSuite(raw, { ...options, file: path, displayName: display });
}

function asList(v: unknown): number[] {
  return Array.isArray(v) ? (v as number[]) : [v as number];
}

function invalid(file: string, problems: string[]): ConfigError {
  return new ConfigError(
    `${file} is not a valid suite (${problems.length} problem${problems.length > 1 ? 's' : ''})`,
    problems,
  );
}

/**
 * Validate a parsed suite object and normalise it: schema → platform entries → normalise →
 * cross-field rules.
 * @throws ConfigError listing every problem.
 */
export async function validateSuite(raw: unknown, options: LoadOptions & { file: string }): Promise<Suite> {
  const file = options.displayName ?? options.file;
  const problems = validate(suiteSchema(), raw, `${file}:`).problems;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ConfigError(
      `${file} is not a valid suite`,
      problems.length ? problems : [`${file}: must be a mapping of keys`],
    );
  }
  const s = raw as Record<string, unknown>;
  const platforms = await checkPlatformEntries(s, file, options.resolver ?? registryResolver, problems);
  if (problems.length) throw invalid(file, problems);
  const suite = normalise(s, platforms, options, file, problems);
  await crossFieldRules(suite, s, file, problems);
  if (problems.length) throw invalid(file, problems);
  return suite;
}

/** Each `platforms[i]` entry through its platform's own parser (schema, then its rules). */
async function checkPlatformEntries(
  s: Record<string, unknown>,
  file: string,
  resolver: PlatformResolver,
  problems: string[],
): Promise<PlatformEntry[]> {
  const platforms: PlatformEntry[] = [];
  if (!Array.isArray(s.platforms)) return platforms;
  for (const [i, entry] of s.platforms.entries()) {
    if (typeof entry !== 'object' || entry === null || typeof (entry as { name?: unknown }).name !== 'string')
      continue;
    const { label, ...config } = entry as Record<string, unknown>;
    const name = config.name as string;
    const workloads = Array.isArray(s.workloads)
      ? s.workloads.filter((w): w is string => typeof w === 'string')
      : [];
    let control: SettingsControl | undefined;
    try {
      control = await resolver.checkConfig(name, config, `${file}: platforms[${i}]`, workloads);
    } catch (err) {
      if (!(err instanceof ConfigError)) {
        if (!problems.some((p) => p.includes(`platforms[${i}].name`)))
          problems.push(
            `${file}: platforms[${i}].name: platform ${JSON.stringify(name)} is not available in this build (${err instanceof Error ? err.message.split('\n')[0] : String(err)})`,
          );
        continue;
      }
      problems.push(...err.problems);
    }
    platforms.push({
      name,
      label: typeof label === 'string' ? label : name,
      config,
      ...(control ? { control } : {}),
    });
  }
  return platforms;
}

/** Defaults, lists and seconds (types are guaranteed by the schema from here on). */
function normalise(
  s: Record<string, unknown>,
  platforms: PlatformEntry[],
  options: LoadOptions & { file: string },
  file: string,
  problems: string[],
): Suite {
  const dur = (where: string, value: unknown, fallback: number | string) => {
    try {
      return parseDuration(`${file}: ${where}`, (value as number | string | undefined) ?? fallback);
    } catch (err) {
      problems.push(err instanceof Error ? err.message : String(err));
      return 0;
    }
  };
  const scale = options.scale ?? (s.scale as number | undefined) ?? 1;
  const thresholds = (s.thresholds ?? {}) as Record<string, number>;
  const mi = (s.modelInputs ?? {}) as {
    source?: 'profile' | 'given';
    runs?: number;
    spacing?: number | string;
    priming?: number;
    coldRuns?: number;
    given?: Record<string, GivenServiceTimes>;
  };
  return {
    name: s.name as string,
    ...(typeof s.description === 'string' ? { description: s.description } : {}),
    file: options.file,
    seed: (s.seed as number | undefined) ?? 204,
    arrivals: ((s.arrivals as ArrivalProcess | undefined) ?? 'poisson') as ArrivalProcess,
    warmup: dur('warmup', s.warmup, 0) * scale,
    duration: dur('duration', s.duration, 0) * scale,
    drainTimeout: dur('drainTimeout', s.drainTimeout, '30s'),
    requestTimeout: dur('requestTimeout', s.requestTimeout, '60s'),
    sweep: (s.sweep as 'keep-alive' | 'load' | undefined) ?? 'keep-alive',
    arrivalRate: asList(s.arrivalRate),
    keepAlive: s.keepAlive === undefined ? [] : asList(s.keepAlive),
    workloads: s.workloads as string[],
    ...(s.inputPreset !== undefined ? { inputPreset: s.inputPreset as 'default' | 'thesis' } : {}),
    workloadInput: (s.workloadInput ?? {}) as Record<string, Record<string, unknown>>,
    platforms,
    repeat: options.repeat ?? (s.repeat as number | undefined) ?? 1,
    scale,
    maxConcurrency: (s.maxConcurrency as number | undefined) ?? 1000,
    smpVariant: (s.smpVariant as 'thesis' | 'original' | undefined) ?? 'thesis',
    verdict: verdictMemory(s.verdict as { memoryMb?: number; wasmMemoryMb?: number } | undefined),
    simulator: (s.simulator as boolean | undefined) ?? true,
    thresholds: {
      maxRateShortfall: thresholds.maxRateShortfall ?? 0.05,
      errorBudget: thresholds.errorBudget ?? 0.01,
      minRequests: thresholds.minRequests ?? DEFAULT_MIN_REQUESTS,
    },
    modelInputs: {
      source: mi.source ?? 'profile',
      runs: mi.runs ?? 5,
      spacing: dur('modelInputs.spacing', mi.spacing, PROFILE_SPACING_DEFAULT),
      priming: mi.priming ?? PROFILE_PRIMING_DEFAULT,
      coldRuns: mi.coldRuns ?? PROFILE_COLD_RUNS_DEFAULT,
      given: mi.given ?? {},
    },
  };
}

/** Rules across fields of the normalised suite (and the trace file, and each workload's input). */
async function crossFieldRules(
  suite: Suite,
  s: Record<string, unknown>,
  file: string,
  problems: string[],
): Promise<void> {
  if (suite.duration <= 0) problems.push(`${file}: duration must be > 0, got ${JSON.stringify(s.duration)}`);
  if (suite.requestTimeout <= 0)
    problems.push(`${file}: requestTimeout must be > 0, got ${JSON.stringify(s.requestTimeout)}`);
  const labels = new Map<string, number>();
  suite.platforms.forEach((p, i) => {
    const prev = labels.get(p.label);
    if (prev !== undefined) {
      problems.push(
        `${file}: platforms[${i}]: a second "${p.label}" entry needs a distinct label (e.g. label: ${p.label}-2)`,
      );
    }
    labels.set(p.label, i);
  });
  const kinds = new Set(suite.platforms.map((p) => executorKindOf(p.name, p.config)));
  if (kinds.has('container') && suite.keepAlive.length === 0) {
    problems.push(`${file}: keepAlive is required for container platforms (e.g. keepAlive: [1, 5, 30])`);
  }
  settingsRule(suite, file, problems);
  traceRule(suite, s, file, problems);
  for (const w of Object.keys(suite.workloadInput)) {
    if (!suite.workloads.includes(w))
      problems.push(`${file}: workloadInput.${w}: ${w} is not in workloads (${suite.workloads.join(', ')})`);
  }
  if (suite.modelInputs.spacing > PROFILE_SPACING_MAX)
    problems.push(
      `${file}: modelInputs.spacing must be at most ${PROFILE_SPACING_MAX} s (an idle gap between profile calls), got ${JSON.stringify((s.modelInputs as { spacing?: unknown } | undefined)?.spacing)}; the thesis used 2s`,
    );
  if (suite.modelInputs.source === 'given') {
    for (const w of suite.workloads) {
      const g = suite.modelInputs.given[w] ?? {};
      const needs: (keyof GivenServiceTimes)[] = [];
      if (kinds.has('container')) needs.push('warm', 'cold');
      if (kinds.has('wasm')) needs.push('wasm');
      for (const k of needs)
        if (g[k] === undefined)
          problems.push(`${file}: modelInputs.given.${w}.${k} is required with source: given`);
    }
  }
  await workloadInputRule(suite, file, problems);
}

/**
 * A suite may ask of a platform only what it can apply: a keep-alive sweep on an entry that
 * cannot set its keep-alive is refused before anything starts (docs/engine.md "Capabilities").
 */
function settingsRule(suite: Suite, file: string, problems: string[]): void {
  const asked = suite.keepAlive;
  suite.platforms.forEach((p, i) => {
    const c = p.control;
    if (!c || c.keepAlive === 'set' || c.keepAlive === 'none' || asked.length === 0) return;
    const where = `${file}: platforms[${i}] (${p.name})`;
    if (c.keepAlive === 'fixed') {
      const fixed = c.fixedKeepAlive as number;
      if (asked.some((k) => k !== fixed))
        problems.push(
          `${where} runs at its own keep-alive of ${fixed} s and cannot apply keepAlive [${asked.join(', ')}]: use keepAlive: ${fixed} for this suite, or a platform mode that sets keep-alive (openwhisk mode: kubernetes)`,
        );
      return;
    }
    problems.push(
      `${where} cannot set keep-alive, and its own is not declared: measure it (faasmark openwhisk probe keep-alive), declare it as platforms[${i}].keepAlive, and use that value as the suite's keepAlive — or use a mode that sets keep-alive (openwhisk mode: kubernetes)`,
    );
  });
  suite.platforms.forEach((p, i) => {
    if (p.control && !p.control.routing && p.config.routing !== undefined)
      problems.push(`${file}: platforms[${i}].routing: ${p.name} cannot apply a routing policy per point`);
  });
}

/** `trace` goes with `arrivals: trace`, and its file must parse (read here, once). */
function traceRule(suite: Suite, s: Record<string, unknown>, file: string, problems: string[]): void {
  if (suite.arrivals !== 'trace') {
    if (s.trace !== undefined)
      problems.push(`${file}: trace is only used with arrivals: trace (arrivals is ${suite.arrivals})`);
    return;
  }
  const t = s.trace as { file: string; within?: 'uniform' | 'poisson' } | undefined;
  if (!t) {
    problems.push(`${file}: arrivals: trace needs a trace: {file: <per-minute counts>}`);
    return;
  }
  const tracePath = resolve(dirname(suite.file), t.file);
  try {
    const counts = parseTraceCounts(readFileSync(tracePath, 'utf8'), t.file);
    suite.trace = { file: tracePath, counts, within: t.within ?? 'uniform' };
  } catch (err) {
    problems.push(`${file}: trace.file: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/**
 * Workload inputs: the preset (inputPreset, else default) with the overrides merged over it,
 * through the workload's own validator (it names the field and fills the defaults).
 */
async function workloadInputRule(suite: Suite, file: string, problems: string[]): Promise<void> {
  if (Object.keys(suite.workloadInput).length === 0 && suite.inputPreset === undefined) return;
  try {
    const { getWorkload } = await import('../../workloads/registry.js');
    const names = suite.inputPreset === undefined ? Object.keys(suite.workloadInput) : suite.workloads;
    for (const w of names) {
      try {
        const def = getWorkload(w);
        const base = def.inputPresets[suite.inputPreset ?? 'default'];
        suite.workloadInput[w] = def.validateInput({ ...base, ...suite.workloadInput[w] });
      } catch (err) {
        problems.push(`${file}: workloadInput.${w}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  } catch {
    // the workloads module is not available in this build: inputs are checked by the platform
  }
}

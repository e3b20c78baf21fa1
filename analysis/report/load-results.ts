/**
 * Read a results directory (docs/engine.md "Results layout"; shapes in results/types.ts) for the
 * report and compare commands. Bad input is reported once, clearly (InputError, exit 2):
 * a missing directory, no manifest, no points. A partial run (points written, no top-level
 * summary.json yet) is read from points/<id>/summary.json with a warning.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../../core/errors.js';
import { readJsonl } from '../../core/jsonl.js';
import type { RequestRecord } from '../../core/records.js';
import type { PointSummary, RunManifest, RunSummary } from '../../results/types.js';

export interface LoadedRun {
  dir: string;
  manifest: RunManifest | null;
  summary: RunSummary;
  /** Problems that do not stop the report (missing manifest, partial run, ...). */
  warnings: string[];
}

function readJson(path: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new InputError(`cannot read ${what} ${path}: ${(err as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new InputError(`${path} is not valid JSON (${(err as Error).message})`, {
      hint: 'the file is corrupted or was cut short; re-run the suite or restore the file',
    });
  }
}

const REQUIRED_POINT_FIELDS: [keyof PointSummary, string][] = [
  ['pointId', 'string'],
  ['platform', 'string'],
  ['workload', 'string'],
  ['executor', 'string'],
  ['arrivalRate', 'number'],
  ['measured', 'object'],
];

/** Problems with one point summary (dot paths), empty when it has what the report needs. */
export function pointProblems(p: unknown, where: string): string[] {
  if (typeof p !== 'object' || p === null) return [`${where}: must be an object`];
  const o = p as Record<string, unknown>;
  const problems: string[] = [];
  for (const [key, type] of REQUIRED_POINT_FIELDS) {
    if (typeof o[key] !== type || o[key] === null)
      problems.push(`${where}.${key}: must be a ${type}, got ${JSON.stringify(o[key])}`);
  }
  if (o.keepAlive !== null && o.keepAlive !== undefined && typeof o.keepAlive !== 'number') {
    problems.push(`${where}.keepAlive: must be a number or null`);
  }
  return problems;
}

function normalisePoint(p: PointSummary): PointSummary {
  return {
    ...p,
    keepAlive: p.keepAlive ?? null,
    repetition: p.repetition ?? 0,
    valid: p.valid ?? true,
    invalidReasons: p.invalidReasons ?? [],
    predicted: p.predicted ?? {},
    error: p.error ?? {},
  };
}

/**
 * Load a results directory.
 * @throws InputError when the directory, or every source of point summaries, is missing or bad
 */
export function loadRun(dir: string): LoadedRun {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new InputError(`results directory not found: ${dir}`, {
      hint: 'pass the directory a run wrote, e.g. results/<suite>/<run-id>',
    });
  }
  const warnings: string[] = [];
  const manifestPath = join(dir, 'manifest.json');
  let manifest: RunManifest | null = null;
  if (existsSync(manifestPath)) manifest = readJson(manifestPath, 'manifest') as RunManifest;
  else warnings.push(`${manifestPath} is missing: versions and host fingerprint are unknown`);

  const summaryPath = join(dir, 'summary.json');
  let summary: RunSummary;
  if (existsSync(summaryPath)) {
    summary = readJson(summaryPath, 'run summary') as RunSummary;
    if (!Array.isArray(summary?.points)) throw new InputError(`${summaryPath}: "points" must be an array`);
  } else {
    const pointsDir = join(dir, 'points');
    const ids = existsSync(pointsDir)
      ? readdirSync(pointsDir).filter((d) => existsSync(join(pointsDir, d, 'summary.json')))
      : [];
    if (ids.length === 0) {
      throw new InputError(`${dir} holds no results: no summary.json and no points/<id>/summary.json`, {
        hint: 'the run did not get to its first point; run `faasmark run <suite>` again',
      });
    }
    warnings.push(
      `${summaryPath} is missing (partial run?): read ${ids.length} point summaries from points/`,
    );
    summary = {
      schemaVersion: 1,
      suite: manifest?.suite ?? 'unknown',
      runId: manifest?.runId ?? 'unknown',
      createdAt: manifest?.createdAt ?? '',
      points: ids
        .sort()
        .map((id) => readJson(join(pointsDir, id, 'summary.json'), 'point summary') as PointSummary),
    };
  }
  if (summary.points.length === 0) {
    throw new InputError(`${dir} holds no points (summary.json lists none)`, {
      hint: 'the run was empty or interrupted before its first point finished',
    });
  }
  const problems = summary.points.flatMap((p, i) => pointProblems(p, `summary.json points[${i}]`));
  if (problems.length) {
    throw new InputError(
      `${summaryPath} is not a faasmark run summary:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
  }
  summary = { ...summary, points: summary.points.map(normalisePoint) };
  return { dir, manifest, summary, warnings };
}

export interface JsonlIssue {
  file: string;
  line: number;
  message: string;
}

/** Read a JSONL file; corrupted lines are returned in `issues` (line numbers) and skipped. */
export async function readJsonlFile<T>(file: string): Promise<{ records: T[]; issues: JsonlIssue[] }> {
  const records: T[] = [];
  const issues: JsonlIssue[] = [];
  for await (const r of readJsonl<T>(file, (p) => issues.push({ file, line: p.line, message: p.message }))) {
    records.push(r);
  }
  return { records, issues };
}

export function requestsPath(dir: string, pointId: string): string {
  return join(dir, 'points', pointId, 'requests.jsonl');
}

/** A point's requests; an absent file gives null (the caller decides whether that is fatal). */
export async function readRequests(
  dir: string,
  pointId: string,
): Promise<{ records: RequestRecord[]; issues: JsonlIssue[] } | null> {
  const file = requestsPath(dir, pointId);
  if (!existsSync(file)) return null;
  return readJsonlFile<RequestRecord>(file);
}

/** Requests that count for metrics: not warm-up, arrival (intended send) inside the window. */
export function measuredRequests(
  records: RequestRecord[],
  window: { start: number; end: number } | undefined,
): RequestRecord[] {
  return records.filter(
    (r) =>
      !r.warmup &&
      typeof r.intendedAt === 'number' &&
      (!window || (r.intendedAt >= window.start && r.intendedAt <= window.end)),
  );
}

/** Identity of a point across runs and repetitions: platform, workload, arrival rate, keep-alive. */
export function pointKey(
  p: Pick<PointSummary, 'platform' | 'workload' | 'arrivalRate' | 'keepAlive'>,
): string {
  return `${p.platform} ${p.workload} λ=${p.arrivalRate} τ=${p.keepAlive ?? '-'}`;
}

/** Group points by {@link pointKey} (repetitions together), in first-seen order. */
export function groupPoints(points: PointSummary[]): Map<string, PointSummary[]> {
  const groups = new Map<string, PointSummary[]>();
  for (const p of points) {
    const k = pointKey(p);
    const g = groups.get(k);
    if (g) g.push(p);
    else groups.set(k, [p]);
  }
  return groups;
}

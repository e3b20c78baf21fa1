/**
 * Read a results directory (docs/engine.md "Results layout"; shapes in results/types.ts) for the
 * report and compare commands, through the published schemas (results/schemas.ts): a file that
 * does not validate is refused — never read with guessed defaults. Bad input is reported once,
 * clearly (InputError, exit 2): a missing directory, no points, an invalid file. A partial run
 * (points written, no top-level summary.json yet) is read from points/<id>/summary.json with a
 * warning.
 */

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { groupBy } from '../../core/collections.js';
import { InputError } from '../../core/errors.js';
import { readJsonl } from '../../core/jsonl.js';
import type { RequestRecord } from '../../core/records.js';
import { type ResultSchemaName, schemaProblems } from '../../results/schemas.js';
import type { PointSummary, RunManifest, RunSummary } from '../../results/types.js';
import { entryOf } from './entry.js';

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

/** A file that must validate against a published schema; refused (InputError) otherwise. */
function readValid<T>(path: string, what: string, schema: ResultSchemaName): T {
  const value = readJson(path, what);
  const problems = schemaProblems(schema, value);
  if (problems.length) {
    throw new InputError(
      `${path} is not a valid faasmark ${what}:\n${problems
        .slice(0, 20)
        .map((p) => `  - ${p}`)
        .join('\n')}${problems.length > 20 ? `\n  - … ${problems.length - 20} more` : ''}`,
      { hint: 'results are read only through their published schemas (results/schema/); re-run the suite' },
    );
  }
  return value as T;
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
  if (existsSync(manifestPath)) manifest = readValid<RunManifest>(manifestPath, 'manifest', 'manifest');
  else warnings.push(`${manifestPath} is missing: versions and host fingerprint are unknown`);

  const summaryPath = join(dir, 'summary.json');
  let summary: RunSummary;
  if (existsSync(summaryPath)) {
    summary = readValid<RunSummary>(summaryPath, 'run summary', 'run-summary');
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
        .map((id) =>
          readValid<PointSummary>(join(pointsDir, id, 'summary.json'), 'point summary', 'point-summary'),
        ),
    };
  }
  if (summary.points.length === 0) {
    throw new InputError(`${dir} holds no points (summary.json lists none)`, {
      hint: 'the run was empty or interrupted before its first point finished',
    });
  }
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

/** Identity of a point across runs and repetitions: suite entry (label), workload, arrival rate, keep-alive. */
export function pointKey(
  p: Pick<PointSummary, 'platform' | 'label' | 'workload' | 'arrivalRate' | 'keepAlive'>,
): string {
  return `${entryOf(p)} ${p.workload} λ=${p.arrivalRate} τ=${p.keepAlive ?? '-'}`;
}

/** Group points by {@link pointKey} (repetitions together), in first-seen order. */
export function groupPoints(points: PointSummary[]): Map<string, PointSummary[]> {
  return groupBy(points, pointKey);
}

/** Per-request series of every point of a run (for batch-means CIs), and its corrupted JSONL lines. */
import type { RequestRecord } from '../../core/records.js';
import type { PointSummary } from '../../results/types.js';
import type { RequestSeries } from './figures.js';
import { type JsonlIssue, measuredRequests, readRequests } from './load-results.js';

export interface RequestSeriesResult {
  requests: Map<string, RequestSeries>;
  /** Corrupted lines per point id (points without requests.jsonl are absent). */
  corrupted: Map<string, number>;
  issues: JsonlIssue[];
}

export async function loadRequestSeries(dir: string, points: PointSummary[]): Promise<RequestSeriesResult> {
  const requests = new Map<string, RequestSeries>();
  const corrupted = new Map<string, number>();
  const issues: JsonlIssue[] = [];
  for (const p of points) {
    const read = await readRequests(dir, p.pointId);
    if (!read) continue;
    corrupted.set(p.pointId, read.issues.length);
    issues.push(...read.issues);
    const reqs = measuredRequests(read.records, p.window).sort((a, b) => a.intendedAt - b.intendedAt);
    requests.set(p.pointId, requestSeries(reqs));
  }
  return { requests, corrupted, issues };
}

/**
 * The series of `ok` requests, in the given order: finite response times, and 1 cold / 0 warm
 * for each that reports its cold flag.
 */
export function requestSeries(reqs: readonly RequestRecord[]): RequestSeries {
  const ok = reqs.filter((r) => r.status === 'ok');
  return {
    resp: ok.map((r) => r.respTime).filter((v) => Number.isFinite(v)),
    cold: ok.filter((r) => typeof r.platform?.cold === 'boolean').map((r) => (r.platform?.cold ? 1 : 0)),
  };
}

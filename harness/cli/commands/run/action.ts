/**
 * `faasmark run`: load and plan the suite, run it with progress on stderr, render the report,
 * print the table. A run with invalid points finished but did not pass: RegressionError.
 */

import { runVerdicts, verdictSummary } from '../../../../analysis/verdict/measured.js';
import { RegressionError, UsageError } from '../../../../core/errors.js';
import { defaultOutDir, runSuite } from '../../../engine/runner.js';
import { loadSuite } from '../../../suite/load.js';
import { estimatePlanSeconds, filterPoints, planSuite } from '../../../suite/plan.js';
import { detail, info, log, out, outJson, progress, progressDone, setVerbosity } from '../../io.js';
import type { RunOptions } from './index.js';
import { formatSeconds, renderComparison, renderPlan } from './render.js';

/** Seconds as ms text, or — when unknown. */
const ms = (x: number | null | undefined) =>
  x === null || x === undefined ? '—' : `${(x * 1000).toFixed(1)} ms`;

export async function runAction(suiteArg: string, o: RunOptions): Promise<void> {
  if (o.verbosity) setVerbosity(o.verbosity);
  const suite = await loadSuite(suiteArg, {
    ...(o.repeat !== undefined ? { repeat: o.repeat } : {}),
    ...(o.scale !== undefined ? { scale: o.scale } : {}),
  });
  const fullPlan = planSuite(suite); // built once: shown here, run by runSuite
  const plan = filterPoints(fullPlan, o.only);
  if (plan.length === 0) {
    throw new UsageError(`--only ${JSON.stringify(o.only)} matches no point of suite ${suite.name}`, {
      hint: 'use --dry-run without --only to list the point ids',
    });
  }
  if (o.dryRun) {
    if (o.json) outJson({ schemaVersion: 1, suite: suite.name, points: plan });
    else out(renderPlan(suite, plan));
    return;
  }
  info(renderPlan(suite, plan));
  const outDir = o.out ?? defaultOutDir(suite.name);
  info(`results: ${outDir}`);
  const started = Date.now();
  const res = await runSuite({
    suite,
    plan: fullPlan,
    out: outDir,
    resume: Boolean(o.resume),
    ...(o.only ? { only: o.only } : {}),
    log: (line) => {
      progressDone();
      // warnings and failures always; routine lines not with --quiet
      if (/warning|fail|error|invalid|restart/i.test(line)) log(line);
      else info(line);
    },
    onProgress: (point, index, total, p) => {
      const pointTotal = point.arrivals.warmup + point.arrivals.duration;
      const left = estimatePlanSeconds(plan.slice(index + 1)) + Math.max(0, pointTotal - p.elapsed);
      const c = p.counts;
      progress(
        `[${index + 1}/${total}] ${point.id} ${Math.max(0, p.elapsed).toFixed(0)}/${pointTotal.toFixed(0)} s | sent ${c.sent} ok ${c.ok} err ${c.error} timeout ${c.timeout} rej ${c.rejected} in-flight ${p.inFlight} | p50 ${ms(p.p50)} p99 ${ms(p.p99)} | suite ~${formatSeconds(left)} left`,
      );
    },
    onPointDone: (s, index, total) => {
      progressDone();
      const c = s.requests;
      const line = `[${index + 1}/${total}] ${s.pointId}: ${s.status}${s.valid ? '' : ` INVALID (${s.invalidReasons.join('; ')})`} — sent ${c.sent}, ok ${c.ok}, error ${c.error}, timeout ${c.timeout}, rejected ${c.rejected}`;
      if (s.valid) info(line);
      else log(line);
      const l = s.latency;
      if (l)
        detail(
          `  latency mean ${ms(l.mean)}, p50 ${ms(l.p50)}, p99 ${ms(l.p99)}; respTime error ${s.error.respTime === null || s.error.respTime === undefined ? '—' : `${(s.error.respTime * 100).toFixed(1)}%`}`,
        );
    },
  });
  progressDone();
  info(`finished in ${formatSeconds((Date.now() - started) / 1000)}: ${res.out}`);
  if (o.report !== false) {
    try {
      const { renderReport } = await import('../../../../analysis/report/index.js');
      const r = await renderReport(res.out, { figures: true });
      info(`report: ${r.htmlPath}`);
    } catch (err) {
      log(
        `report not rendered (${err instanceof Error ? err.message.split('\n')[0] : String(err)}); try: faasmark report ${res.out}`,
      );
    }
  }
  const invalid = res.summary.points.filter((p) => !p.valid);
  if (o.json) outJson(res.summary);
  else {
    // the table, then the answer in words (the verdicts are in summary.json too)
    const verdicts = res.summary.verdicts ?? runVerdicts(res.summary.points, suite.verdict);
    const words = verdictSummary(verdicts);
    out(
      `${renderComparison(res.summary.points)}${words.length ? `\n\nwhich executor wins:\n${words.map((w) => `  ${w}`).join('\n')}` : ''}`,
    );
  }
  if (invalid.length > 0) {
    throw new RegressionError(
      `${invalid.length} of ${res.summary.points.length} points invalid (see the reasons above)`,
    );
  }
}

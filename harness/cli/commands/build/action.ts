/**
 * `faasmark build`: run the workload build (workloads/build.ts) with one line per artifact on
 * stdout, then the counts; a build that did not pass ends as a BuildError (exit 1).
 */
import { BuildError } from '../../../../core/errors.js';
import { type BuildOutcome, type BuildStatus, buildWorkloads } from '../../../../workloads/build.js';
import { out } from '../../io.js';
import type { BuildOptions } from './index.js';

const STATUSES: BuildStatus[] = ['built', 'skipped', 'outdated', 'failed', 'unavailable'];

export async function buildAction(o: BuildOptions): Promise<void> {
  const outcomes = await buildWorkloads({
    force: o.force,
    dryRun: o.check,
    log: out,
    ...(o.workloads.length > 0 ? { workloads: o.workloads } : {}),
  });
  const count = (s: BuildStatus) => outcomes.filter((x: BuildOutcome) => x.status === s).length;
  out(`workloads: ${STATUSES.map((s) => `${count(s)} ${s}`).join(', ')}${o.strict ? ' (strict)' : ''}`);
  const problems = [
    count('failed') > 0 ? `${count('failed')} failed` : '',
    count('outdated') > 0 ? `${count('outdated')} outdated` : '',
    o.strict && count('unavailable') > 0 ? `${count('unavailable')} unavailable (--strict)` : '',
  ].filter(Boolean);
  if (problems.length > 0) {
    throw new BuildError(`workload build did not pass: ${problems.join(', ')}`, {
      hint:
        count('failed') + count('unavailable') > 0
          ? 'see the reason and fix under each artifact above'
          : 'build them: npm run build:workloads',
    });
  }
}

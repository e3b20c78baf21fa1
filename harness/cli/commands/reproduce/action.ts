/**
 * `faasmark reproduce thesis` (analysis/thesis/reproduce.ts): figures, checks and page. Our
 * SMP no longer coinciding with the thesis's published model numbers is a bug: InternalError.
 */
import { reproduceThesis } from '../../../../analysis/thesis/reproduce.js';
import { InternalError } from '../../../../core/errors.js';
import { out, outJson } from '../../io.js';
import type { ReproduceOptions } from './index.js';

export async function reproduceAction(o: ReproduceOptions): Promise<void> {
  const r = await reproduceThesis({
    out: o.out,
    figures: o.figures,
    ...(o.measured ? { measured: o.measured } : {}),
    ...(o.only ? { only: o.only } : {}),
  });
  if (o.json) outJson({ ...r, text: undefined });
  else out(r.text);
  if (!r.allCoincide) {
    const bad = r.figures.filter((f) => f.status === 'DIFFERS').map((f) => f.number);
    throw new InternalError(
      `our SMP does not coincide with the thesis's published model numbers in figure(s) ${bad.join(', ')}`,
    );
  }
}

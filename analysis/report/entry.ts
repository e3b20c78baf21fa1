/** A point's platform entry: its label, else its platform's name (labelled entries are reported apart). */
import type { PointSummary } from '../../results/types.js';

export const entryOf = (p: Pick<PointSummary, 'label' | 'platform'>): string => p.label ?? p.platform;

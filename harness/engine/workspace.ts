/**
 * A point's directory while it runs: everything is written to points/.<id>.partial/, and the
 * point appears as points/<id>/ in one atomic rename when its summary is written (commit) —
 * complete or incomplete alike — or the partial directory is removed (abandon). A reader of
 * the run directory therefore never sees half a point.
 */
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeJsonAtomic } from '../../core/fs-atomic.js';
import type { PointSummary } from '../../results/types.js';

export class PointWorkspace {
  /** Where the point's files are written until the commit. */
  readonly dir: string;
  private readonly finalDir: string;
  private state: 'open' | 'committing' | 'committed' | 'abandoned' = 'open';

  private constructor(out: string, id: string) {
    this.dir = join(out, 'points', `.${id}.partial`);
    this.finalDir = join(out, 'points', id);
  }

  /** A fresh workspace for point `id`: a previous attempt's partial and final directories are removed. */
  static async open(out: string, id: string): Promise<PointWorkspace> {
    const ws = new PointWorkspace(out, id);
    await rm(ws.dir, { recursive: true, force: true });
    await rm(ws.finalDir, { recursive: true, force: true });
    await mkdir(ws.dir, { recursive: true });
    return ws;
  }

  /** A file of the point (in the partial directory until the commit). */
  path(name: string): string {
    return join(this.dir, name);
  }

  /** True until a commit or abandon has started. */
  get open(): boolean {
    return this.state === 'open';
  }

  /** Write summary.json and move the directory into place (points/<id>/), once. */
  async commit(summary: PointSummary): Promise<void> {
    if (this.state !== 'open') throw new Error(`point workspace ${this.dir} is already ${this.state}`);
    this.state = 'committing';
    await writeJsonAtomic(this.path('summary.json'), summary);
    await rm(this.finalDir, { recursive: true, force: true });
    await rename(this.dir, this.finalDir);
    this.state = 'committed';
  }

  /** Remove the partial directory (a failed point leaves nothing); no-op once a commit started. */
  async abandon(): Promise<void> {
    if (this.state !== 'open') return;
    this.state = 'abandoned';
    await rm(this.dir, { recursive: true, force: true });
  }
}

/**
 * The run's platform instances: one per suite entry, created when a point of that entry comes
 * up and reused by the consecutive points of the entry (each point calls setup() itself);
 * torn down when the next point needs another entry, at the end of the run, and on SIGINT (a
 * lifecycle cleanup). Platforms describe themselves per point, after setup (prepare.ts).
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { onShutdown } from '../../core/lifecycle.js';
import type { Platform } from '../../core/platform.js';
import type { PlannedPoint } from '../suite/plan.js';
import type { PlatformResolver } from '../suite/platform-resolver.js';
import type { Suite } from '../suite/types.js';

export interface PlatformInstancesOptions {
  suite: Suite;
  resolver: PlatformResolver;
  /** The run directory: entry <label> works in <out>/platforms/<label>. */
  out: string;
  buildDir: string;
  log: (line: string) => void;
}

export class PlatformInstances {
  private current: { index: number; platform: Platform; unregister: () => void } | undefined;

  constructor(private readonly o: PlatformInstancesOptions) {}

  /** The instance for `point`'s suite entry: the current one, or a new one (the previous torn down). */
  async forPoint(point: PlannedPoint): Promise<Platform> {
    const index = point.platformIndex;
    if (this.current?.index === index) return this.current.platform;
    await this.release();
    const entry = this.o.suite.platforms[index];
    if (!entry) throw new Error(`plan refers to platform entry ${index}`);
    const workDir = join(this.o.out, 'platforms', entry.label);
    await mkdir(workDir, { recursive: true });
    const platform = await this.o.resolver.create(entry.name, entry.config, {
      buildDir: this.o.buildDir,
      workDir,
      log: (line) => this.o.log(line),
    });
    const unregister = onShutdown(`platform ${entry.label}`, () => platform.teardown());
    this.current = { index, platform, unregister };
    return platform;
  }

  /** Tear the current instance down (if any). */
  async release(): Promise<void> {
    if (!this.current) return;
    const c = this.current;
    this.current = undefined;
    await c.platform.teardown();
    c.unregister();
  }
}

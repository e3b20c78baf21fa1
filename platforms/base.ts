/**
 * The thin base every platform extends, modelled on undici's lib/dispatcher/dispatcher-base.js:
 * the lifecycle checks live here once, the behaviour in the subclasses (`doSetup`, `doDeploy`,
 * `doInvoke`, `doTeardown`). Lifecycle: idle → ready (setup) → torn down (teardown); a setup
 * after a teardown makes the platform ready again.
 * - invoke() when not ready: an error status, never a throw (the engine records it);
 * - deploy() when not ready: one InternalError (the engine always sets up first);
 * - teardown(): safe to repeat; concurrent calls share one run.
 */
import { InternalError } from '../core/errors.js';
import type {
  ExecutorKind,
  InvokeRequest,
  InvokeResult,
  Platform,
  PlatformCapabilities,
  PlatformDescription,
  PlatformHealth,
  PointClock,
  SetupOptions,
} from '../core/platform.js';
import type { ExecutorSpan } from '../core/records.js';

export type PlatformState = 'idle' | 'ready' | 'torn-down';

export abstract class PlatformBase implements Platform {
  abstract readonly name: string;
  abstract readonly executor: ExecutorKind;
  abstract readonly capabilities: PlatformCapabilities;

  #state: PlatformState = 'idle';
  #closing: Promise<void> | undefined;

  /** Where the platform is in its lifecycle. */
  get state(): PlatformState {
    return this.#state;
  }

  /** Set up for a point (again after a teardown); ready once it resolves. */
  async setup(options: SetupOptions, clock: PointClock): Promise<void> {
    await this.doSetup(options, clock);
    this.#state = 'ready';
    this.#closing = undefined;
  }

  /** @throws InternalError before setup or after teardown */
  deploy(workload: string): Promise<void> {
    if (this.#state !== 'ready') return Promise.reject(this.notReady('deploy'));
    return this.doDeploy(workload);
  }

  /** Never throws for lifecycle misuse: an error status instead. */
  invoke(request: InvokeRequest): Promise<InvokeResult> {
    if (this.#state !== 'ready')
      return Promise.resolve({ status: 'error', errorMessage: this.notReady('invoke').message });
    return this.doInvoke(request);
  }

  /** Stop everything this platform started. A repeat (or a concurrent call) does not stop twice. */
  teardown(): Promise<void> {
    if (this.#closing) return this.#closing.catch(() => {});
    this.#state = 'torn-down';
    this.#closing = this.doTeardown();
    return this.#closing;
  }

  private notReady(what: 'deploy' | 'invoke'): InternalError {
    const when = this.#state === 'idle' ? 'before setup()' : 'after teardown()';
    return new InternalError(`${this.name}: ${what}() ${when}`, { hint: 'call setup() first' });
  }

  protected abstract doSetup(options: SetupOptions, clock: PointClock): Promise<void>;
  protected abstract doDeploy(workload: string): Promise<void>;
  protected abstract doInvoke(request: InvokeRequest): Promise<InvokeResult>;
  protected abstract doTeardown(): Promise<void>;
  abstract executorSpans(): Promise<ExecutorSpan[]>;
  /** Healthy unless a platform says otherwise (one that watches a process overrides it). */
  health(): PlatformHealth {
    return { ok: true };
  }
  abstract describe(): Promise<PlatformDescription>;
}

/**
 * A protocol-faithful fake OpenWhisk API + invoker on 127.0.0.1 (tests only): basic auth
 * (401), PUT action (overwrite), POST action ?blocking=false → 202 {activationId}, GET
 * activation (404 until stored), 429 above a concurrency limit, realistic activation records
 * (start/end epoch ms, duration, waitTime/initTime annotations in ms, looked up by key) and
 * an invoker log in the real line format (containerStart with `container: None` on cold
 * starts joined via #tid, kubeapi create/delete markers, interleaved health lines).
 * Its container pool implements MRU / LRU-first / random warm routing and a keep-alive, so
 * the probes have something real to detect. Its invoker can be down: then every invoke gets
 * the controller's 503 and /invokers/healthy/count is 0 until the fake cluster starts it
 * (fake-cluster.ts; docs/openwhisk.md "Readiness").
 */
import { randomBytes } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRng, type Rng } from '../../../analysis/random.js';

export interface FakeOptions {
  auth: string;
  routing?: 'mru' | 'lru' | 'random';
  /** Idle time after which a container is deleted (s). */
  keepAlive?: number;
  coldStartMs?: number;
  runMs?: number;
  /** Activation stored this long after it ends (ms): GET answers 404 before. */
  storeDelayMs?: number;
  neverStore?: boolean;
  /** Max activations in flight; more → 429. */
  maxConcurrent?: number;
  /** Append invoker-log lines to this file as they happen. */
  logFile?: string;
  seed?: number;
  /** `down`: no healthy invoker until {@link FakeOpenWhisk.startInvoker} (default healthy). */
  invoker?: 'healthy' | 'down';
}

interface Container {
  id: string;
  action: string;
  /** The action's revision the container was initialised with (an update makes it stale). */
  revision: number;
  busy: boolean;
  lastUsed: number;
  releasedSeq: number;
  timer?: NodeJS.Timeout;
}

interface StoredActivation {
  record: Record<string, unknown>;
  storedAt: number;
}

const MAX_BODY = 1024 * 1024;

export class FakeOpenWhisk {
  /** Revision of each action (bumped by every PUT). */
  private readonly revisions = new Map<string, number>();
  readonly o: Required<Omit<FakeOptions, 'logFile' | 'invoker'>> & { logFile?: string };
  /** Whether the controller counts a healthy invoker (its health action ran). */
  invokerHealthy: boolean;
  /** Action pods the cluster cannot schedule (node affinity), for `kubectl get pods`. */
  readonly pendingPods: string[] = [];
  /** Invokes answered 503 because no invoker was healthy. */
  unavailable = 0;
  private server: Server | undefined;
  readonly actions = new Map<string, Record<string, unknown>>();
  private readonly activations = new Map<string, StoredActivation>();
  private readonly containers: Container[] = [];
  readonly logLines: string[] = [];
  /** Live listeners on the invoker log (a stand-in for `kubectl logs -f`). */
  readonly logListeners = new Set<(line: string) => void>();
  /** Every request seen (method, path, authorization header present). */
  readonly requests: Array<{ method: string; path: string }> = [];
  inFlight = 0;
  private podSeq = 0;
  private releaseSeq = 0;
  private readonly rng: Rng;
  private readonly pending = new Set<NodeJS.Timeout>();
  apiHost = '';

  constructor(options: FakeOptions) {
    this.o = {
      routing: 'mru',
      keepAlive: 60,
      coldStartMs: 30,
      runMs: 10,
      storeDelayMs: 20,
      neverStore: false,
      maxConcurrent: 1000,
      seed: 1,
      ...options,
    };
    this.rng = createRng(this.o.seed);
    this.invokerHealthy = options.invoker !== 'down';
  }

  /**
   * The invoker (re)starts: its containers are gone and the controller counts it healthy once
   * its health action ran, `delayMs` later, which needs a schedulable action pod. Unschedulable
   * (the user-pod node affinity on an unlabelled node): the health action's pod stays Pending.
   */
  startInvoker(schedulable: boolean, delayMs: number): void {
    for (const c of [...this.containers]) {
      if (c.timer) clearTimeout(c.timer);
      this.containers.splice(this.containers.indexOf(c), 1);
    }
    this.invokerHealthy = false;
    this.pendingPods.length = 0;
    if (!schedulable) {
      this.pendingPods.push('wskowdev-invoker-00-1-whisksystem-invokerhealthtestaction0');
      return;
    }
    this.later(delayMs, () => {
      this.invokerHealthy = true;
      this.health();
    });
  }

  /** What the controller's /invokers/healthy/count answers. */
  healthyCount(): number {
    return this.invokerHealthy ? 1 : 0;
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    this.apiHost = `http://127.0.0.1:${port}`;
    this.health();
    return this.apiHost;
  }

  async stop(): Promise<void> {
    for (const t of this.pending) clearTimeout(t);
    for (const c of this.containers) if (c.timer) clearTimeout(c.timer);
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.pending.delete(t);
      fn();
    }, ms);
    this.pending.add(t);
  }

  private log(tid: string, component: string, message: string, at = Date.now()): void {
    const line = `[${new Date(at).toISOString()}] [INFO] [${tid}] [${component}] ${message}`;
    this.logLines.push(line);
    for (const l of this.logListeners) l(line);
    if (this.o.logFile) appendFileSync(this.o.logFile, `${line}\n`);
  }

  /** Interleaved lines of other components (the real log has them). */
  private health(): void {
    this.log('#tid_sid_invokerHealth', 'InvokerReactive', 'health ping received; invoker0 is healthy');
  }

  private send(res: ServerResponse, status: number, body: unknown): void {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  }

  private async readBody(req: IncomingMessage): Promise<string | undefined> {
    let size = 0;
    const chunks: Buffer[] = [];
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > MAX_BODY) return undefined;
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks).toString('utf8');
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    this.requests.push({ method: req.method ?? '', path: url.pathname });
    if (url.pathname === '/api/v1' && req.method === 'GET') {
      req.resume();
      return this.send(res, 200, {
        api_paths: ['/api/v1'],
        description: 'OpenWhisk API',
        build: '2022-10-14T04:44:50Z',
        buildno: 'ef725a6',
      });
    }
    const expected = `Basic ${Buffer.from(this.o.auth).toString('base64')}`;
    if (req.headers.authorization !== expected) {
      req.resume();
      return this.send(res, 401, { error: 'The supplied authentication is invalid', code: 'fake' });
    }
    const body = await this.readBody(req);
    if (body === undefined) return this.send(res, 413, { error: 'request entity too large' });
    const m = /^\/api\/v1\/namespaces\/([^/]+)\/(actions|activations)(?:\/([^/]+))?$/.exec(url.pathname);
    if (!m) return this.send(res, 404, { error: 'The requested resource does not exist.' });
    const [, ns, kind, name] = m as unknown as [string, string, string, string | undefined];
    if (kind === 'actions' && !name && req.method === 'GET')
      return this.send(res, 200, [...this.actions.values()].slice(0, 1));
    if (kind === 'actions' && name && req.method === 'PUT') {
      const doc = JSON.parse(body || '{}') as Record<string, unknown>;
      if (this.actions.has(name) && url.searchParams.get('overwrite') !== 'true')
        return this.send(res, 409, { error: 'resource already exists' });
      // every PUT is a new revision: ContainerPool.schedule matches warm containers by structural
      // equality of the action, revision included, so an update's next activation is cold
      this.revisions.set(name, (this.revisions.get(name) ?? 0) + 1);
      const action = { ...doc, name, namespace: ns === '_' ? 'guest' : ns, version: '0.0.1' };
      this.actions.set(name, action);
      return this.send(res, 200, action);
    }
    if (kind === 'actions' && name && req.method === 'POST') {
      if (!this.actions.has(name))
        return this.send(res, 404, { error: 'The requested resource does not exist.' });
      if (!this.invokerHealthy) {
        // Actions.scala: a LoadBalancerException ("No invokers available") → ServiceUnavailable
        this.unavailable++;
        return this.send(res, 503, {
          error: 'The server is currently unavailable (because it is overloaded or down for maintenance).',
          code: 'fake',
        });
      }
      if (this.inFlight >= this.o.maxConcurrent) {
        return this.send(res, 429, {
          error: `Too many concurrent requests in flight (count: ${this.inFlight}, allowed: ${this.o.maxConcurrent}).`,
        });
      }
      const activationId = randomBytes(16).toString('hex');
      this.activate(name, activationId, JSON.parse(body || '{}'));
      if (url.searchParams.get('blocking') === 'true') return this.answerWhenStored(res, activationId);
      return this.send(res, 202, { activationId });
    }
    if (kind === 'activations' && name && req.method === 'GET') {
      const a = this.activations.get(name);
      if (!a || this.o.neverStore || Date.now() < a.storedAt)
        return this.send(res, 404, { error: 'The requested resource does not exist.' });
      return this.send(res, 200, a.record);
    }
    return this.send(res, 405, { error: 'method not allowed' });
  }

  /** A blocking invoke: 200 with the record once stored (5 s at most, then 202 as OpenWhisk does). */
  private answerWhenStored(res: ServerResponse, activationId: string, waited = 0): void {
    const a = this.activations.get(activationId);
    if (a && !this.o.neverStore) this.send(res, 200, a.record);
    else if (waited >= 5000) this.send(res, 202, { activationId });
    else this.later(10, () => this.answerWhenStored(res, activationId, waited + 10));
  }

  private pick(action: string): Container | undefined {
    // keep-alive decided on arrival, on the fake's own clock (the timers only write the log
    // line): a container idle for longer than keepAlive is gone, however late a timer fires
    const now = Date.now();
    for (const c of [...this.containers]) {
      if (!c.busy && c.releasedSeq > 0 && now - c.lastUsed > this.o.keepAlive * 1000) {
        if (c.timer) clearTimeout(c.timer);
        this.remove(c, c.lastUsed + this.o.keepAlive * 1000);
      }
    }
    const revision = this.revisions.get(action) ?? 0;
    const idle = this.containers.filter((c) => c.action === action && c.revision === revision && !c.busy);
    if (idle.length === 0) return undefined;
    if (this.o.routing === 'mru') return idle.reduce((a, b) => (b.lastUsed > a.lastUsed ? b : a));
    if (this.o.routing === 'lru') return idle.reduce((a, b) => (b.releasedSeq < a.releasedSeq ? b : a));
    return idle[Math.floor(this.rng.next() * idle.length)];
  }

  private activate(action: string, activationId: string, params: unknown): void {
    this.inFlight++;
    const received = Date.now();
    const tid = `#tid_${randomBytes(6).toString('hex')}`;
    let c = this.pick(action);
    const cold = c === undefined;
    if (c) {
      if (c.timer) clearTimeout(c.timer);
      c.busy = true;
      this.log(
        tid,
        'ContainerPool',
        `containerStart containerState: warmed container: Some(ContainerId(${c.id})) activations: 1 of max 1 action: ${action} namespace: guest activationId: ${activationId} [marker:invoker_containerStart.warmed_counter:1]`,
      );
    } else {
      this.log(
        tid,
        'ContainerPool',
        `containerStart containerState: cold container: None activations: 1 of max 1 action: ${action} namespace: guest activationId: ${activationId} [marker:invoker_containerStart.cold_counter:1]`,
      );
      const id = `wskowdev-invoker-00-${++this.podSeq}-guest-${action.replace(/[^a-z0-9]/g, '')}`;
      this.log(
        tid,
        'KubernetesClient',
        `launching pod ${id} (image:faasmark/${action}:latest, mem: 256) (timeout: 60) [marker:invoker_kubeapi.create_start:2]`,
      );
      c = {
        id,
        action,
        revision: this.revisions.get(action) ?? 0,
        busy: true,
        lastUsed: received,
        releasedSeq: 0,
      };
      this.containers.push(c);
    }
    const container = c;
    const waitMs = 2;
    const initMs = cold ? this.o.coldStartMs : 0;
    const start = received + waitMs;
    this.later(waitMs + initMs, () => {
      if (cold)
        this.log(
          tid,
          'ContainerProxy',
          `sending initialization to ContainerId(${container.id}) ContainerAddress(10.244.0.${this.podSeq % 250}, 8080)`,
        );
      this.log(
        tid,
        'ContainerProxy',
        `sending arguments to /guest/${action} at ContainerId(${container.id}) ContainerAddress(10.244.0.1, 8080)`,
      );
      this.later(this.o.runMs, () => {
        const end = Date.now();
        container.busy = false;
        container.lastUsed = end;
        container.releasedSeq = ++this.releaseSeq;
        this.inFlight--;
        if (this.releaseSeq % 5 === 0) this.health();
        container.timer = setTimeout(() => this.remove(container), this.o.keepAlive * 1000);
        const annotations: Array<{ key: string; value: unknown }> = [
          { key: 'path', value: `guest/${action}` },
          { key: 'waitTime', value: waitMs },
          { key: 'kind', value: 'blackbox' },
          { key: 'timeout', value: false },
          { key: 'limits', value: { concurrency: 1, logs: 10, memory: 256, timeout: 60000 } },
        ];
        // real records put initTime after waitTime when present: position must not matter
        if (cold) annotations.splice(3, 0, { key: 'initTime', value: initMs });
        this.activations.set(activationId, {
          storedAt: end + this.o.storeDelayMs,
          record: {
            activationId,
            name: action,
            namespace: 'guest',
            subject: 'guest',
            version: '0.0.1',
            publish: false,
            start,
            end,
            duration: end - start,
            statusCode: 0,
            response: { status: 'success', statusCode: 0, success: true, result: { ok: true, echo: params } },
            annotations,
            logs: [],
          },
        });
      });
    });
  }

  private remove(c: Container, at = Date.now()): void {
    const i = this.containers.indexOf(c);
    if (i < 0 || c.busy) return;
    this.containers.splice(i, 1);
    this.log(
      '#tid_sid_unknown',
      'KubernetesClient',
      `Deleting pod ${c.id} [marker:invoker_kubeapi.delete_start:0]`,
      at,
    );
  }

  /** Remove every idle container now, as if its keep-alive ran out (deterministic tests). */
  expireIdle(): void {
    for (const c of [...this.containers]) {
      if (c.busy) continue;
      if (c.timer) clearTimeout(c.timer);
      this.remove(c);
    }
  }

  /** Containers alive now (for assertions). */
  liveContainers(): string[] {
    return this.containers.map((c) => c.id);
  }
}

/**
 * Invoker log → executor spans and per-activation container states
 * (docs/design/platform-facts.md "Invoker log"). Incremental: feed lines as they arrive
 * (`kubectl logs -f`) or a whole file. Line shape: `[<ISO time>] [<LEVEL>] [#tid_<id>]
 * [<Component>] <message> [marker:…]`.
 * - `containerStart containerState: <s> container: Some(ContainerId(<id>)) …`; on a cold start
 *   `container: None`, and the id comes from a later line of the same #tid.
 * - Kubernetes factory: `launching pod <name> … invoker_kubeapi.create_start` and `Deleting pod
 *   <name> … invoker_kubeapi.delete_start`; the pod name is the ContainerId.
 * - Docker factory: `docker run … invoker_docker.run_start` (id in a later line of the same
 *   #tid) and `docker rm … <id> … invoker_docker.rm_start`.
 * Timestamps without a zone are UTC. A container lives create_start → delete_start (the
 * thesis); without a create line it starts at its first mention, without a delete it stays open.
 */

export type ContainerState =
  | 'warmed'
  | 'warming'
  | 'warmingCold'
  | 'prewarmed'
  | 'cold'
  | 'recreated'
  | 'recreatedPrewarm';

/** States in which the container was initialised for this activation (initTime present). */
export const INIT_STATES: ReadonlySet<string> = new Set([
  'cold',
  'prewarmed',
  'recreated',
  'recreatedPrewarm',
]);

export interface ActivationContainer {
  activationId: string;
  action: string;
  namespace: string;
  state: string;
  /** Container id; undefined until the transaction names it (cold start). */
  container?: string;
  /** Epoch ms of the containerStart line. */
  atMs: number;
  /** True when the log says the container was initialised for this activation. */
  cold: boolean;
}

export interface ContainerSpan {
  container: string;
  /** Epoch ms of create_start / docker run start, else of the first mention. */
  createdMs: number;
  /** True when `createdMs` is a real create marker (not a first mention). */
  createdFromMarker: boolean;
  /** Epoch ms of delete_start / docker rm start; null when no delete line was seen. */
  deletedMs: number | null;
  /** Action(s) that ran in it (a prewarmed container may have none). */
  actions: string[];
  activations: string[];
  /** Created as a prewarm container (no action at creation; later taken as `prewarmed`). */
  prewarmed: boolean;
}

export interface ParsedLine {
  atMs: number;
  level: string;
  tid: string;
  component: string;
  message: string;
}

const HEADER = /^\[([^\]]+)\]\s+\[(\w+)\]\s+\[(#[^\]]*)\]\s+\[([^\]]+)\]\s?(.*)$/;
const CONTAINER_START =
  /containerStart containerState: (\w+) container: (?:Some\(ContainerId\(([^)]+)\)\)|None)\s+activations: \d+ of max \d+\s+action: (\S+)\s+namespace: (\S+)\s+activationId: (\S+)/;
const CONTAINER_ID = /ContainerId\(([^)]+)\)/;
const KUBE_CREATE = /launching pod (\S+).*\[marker:invoker_kubeapi\.create_start[:\]]/;
const KUBE_DELETE = /Deleting pod (\S+).*\[marker:invoker_kubeapi\.delete_start[:\]]/;
const DOCKER_RUN = /\[marker:invoker_docker\.run_start[:\]]/;
const DOCKER_RM =
  /docker(?:\s+\S+)*?\s+rm\s+(?:-f\s+)?([0-9a-f]{12,64})\b.*\[marker:invoker_docker\.rm_start[:\]]/;

/** Parse an ISO timestamp as UTC (a missing zone means UTC, as the invoker logs). */
export function parseUtc(text: string): number {
  const t = text.trim();
  const zoned = /(?:Z|[+-]\d{2}:?\d{2})$/.test(t) ? t : `${t}Z`;
  return Date.parse(zoned);
}

/** Parse one log line's header; undefined for lines of another shape (stack traces, other tools). */
export function parseLine(line: string): ParsedLine | undefined {
  const m = HEADER.exec(line.trim());
  if (!m) return undefined;
  const atMs = parseUtc(m[1] as string);
  if (!Number.isFinite(atMs)) return undefined;
  return {
    atMs,
    level: m[2] as string,
    tid: m[3] as string,
    component: m[4] as string,
    message: m[5] as string,
  };
}

function stripNamespace(action: string): string {
  const i = action.lastIndexOf('/');
  return i >= 0 ? action.slice(i + 1) : action;
}

export class InvokerLogParser {
  private readonly spans = new Map<string, ContainerSpan>();
  private readonly activations = new Map<string, ActivationContainer>();
  /** Transactions waiting for a container id: #tid → activations / docker run start. */
  private readonly pendingByTid = new Map<string, { activations: string[]; runStartMs?: number }>();
  private readonly listeners = new Set<() => void>();
  lines = 0;
  unparsed = 0;

  /** Feed one line. */
  feed(line: string): void {
    if (line.trim() === '') return;
    this.lines++;
    const p = parseLine(line);
    if (!p) {
      this.unparsed++;
      return;
    }
    const msg = p.message;
    const start = CONTAINER_START.exec(msg);
    if (start) {
      const [, state, id, action, namespace, activationId] = start as unknown as string[];
      const rec: ActivationContainer = {
        activationId: activationId as string,
        action: stripNamespace(action as string),
        namespace: namespace as string,
        state: state as string,
        atMs: p.atMs,
        cold: INIT_STATES.has(state as string),
      };
      this.activations.set(rec.activationId, rec);
      if (id) this.attach(id, rec, p.atMs);
      else this.pending(p.tid).activations.push(rec.activationId);
      this.notify();
      return;
    }
    const create = KUBE_CREATE.exec(msg);
    if (create) {
      this.created(create[1] as string, p.atMs);
      this.resolveTid(p.tid, create[1] as string, p.atMs);
      return;
    }
    const del = KUBE_DELETE.exec(msg);
    if (del) {
      this.deleted(del[1] as string, p.atMs);
      return;
    }
    const rm = DOCKER_RM.exec(msg);
    if (rm) {
      this.deleted(this.matchDockerId(rm[1] as string), p.atMs);
      return;
    }
    if (DOCKER_RUN.test(msg)) {
      this.pending(p.tid).runStartMs = p.atMs;
      return;
    }
    const cid = CONTAINER_ID.exec(msg);
    if (cid) this.resolveTid(p.tid, cid[1] as string, p.atMs);
  }

  /** Feed a whole text. */
  feedText(text: string): void {
    for (const line of text.split('\n')) this.feed(line);
  }

  /** Called after each containerStart line (waiters in invoke()). */
  onActivation(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  activation(activationId: string): ActivationContainer | undefined {
    return this.activations.get(activationId);
  }

  /** Per-activation container states, in log order; optionally only for `action`. */
  activationStates(action?: string): ActivationContainer[] {
    const all = [...this.activations.values()];
    return action === undefined ? all : all.filter((a) => a.action === stripNamespace(action));
  }

  /**
   * Executor spans in creation order. With `action`, only containers that ran it (prewarmed
   * containers never used by it are left out).
   */
  containerSpans(action?: string): ContainerSpan[] {
    const all = [...this.spans.values()].sort((a, b) => a.createdMs - b.createdMs);
    return action === undefined ? all : all.filter((s) => s.actions.includes(stripNamespace(action)));
  }

  private notify(): void {
    for (const l of this.listeners) l();
  }

  private pending(tid: string): { activations: string[]; runStartMs?: number } {
    let p = this.pendingByTid.get(tid);
    if (!p) {
      p = { activations: [] };
      this.pendingByTid.set(tid, p);
    }
    return p;
  }

  private span(id: string, atMs: number): ContainerSpan {
    let s = this.spans.get(id);
    if (!s) {
      s = {
        container: id,
        createdMs: atMs,
        createdFromMarker: false,
        deletedMs: null,
        actions: [],
        activations: [],
        prewarmed: false,
      };
      this.spans.set(id, s);
    }
    return s;
  }

  private created(id: string, atMs: number): void {
    const existing = this.spans.get(id);
    // the same name created again after its delete: keep the finished life under a unique key
    if (existing?.createdFromMarker && existing.deletedMs !== null) {
      this.spans.set(`${id}@${existing.createdMs}`, existing);
      this.spans.delete(id);
    }
    const s = this.span(id, atMs);
    s.createdMs = atMs;
    s.createdFromMarker = true;
  }

  private deleted(id: string, atMs: number): void {
    const s = this.span(id, atMs);
    if (s.deletedMs === null) s.deletedMs = atMs;
  }

  private attach(id: string, rec: ActivationContainer, atMs: number): void {
    rec.container = id;
    const s = this.span(id, atMs);
    if (!s.actions.includes(rec.action)) s.actions.push(rec.action);
    if (!s.activations.includes(rec.activationId)) s.activations.push(rec.activationId);
    if (rec.state === 'prewarmed' || rec.state === 'recreatedPrewarm') s.prewarmed = true;
  }

  private resolveTid(tid: string, id: string, atMs: number): void {
    const p = this.pendingByTid.get(tid);
    if (!p) return;
    this.pendingByTid.delete(tid);
    if (p.runStartMs !== undefined) {
      const s = this.span(id, p.runStartMs);
      if (!s.createdFromMarker) {
        s.createdMs = p.runStartMs;
        s.createdFromMarker = true;
      }
    }
    for (const aid of p.activations) {
      const rec = this.activations.get(aid);
      if (rec && rec.container === undefined) this.attach(id, rec, atMs);
    }
    if (p.activations.length) this.notify();
  }

  /** `docker rm` may name a short id: match it to a known full id. */
  private matchDockerId(id: string): string {
    if (this.spans.has(id)) return id;
    for (const key of this.spans.keys()) if (key.startsWith(id) || id.startsWith(key)) return key;
    return id;
  }
}

/** Parse a whole log text. */
export function parseInvokerLog(text: string): InvokerLogParser {
  const p = new InvokerLogParser();
  p.feedText(text);
  return p;
}

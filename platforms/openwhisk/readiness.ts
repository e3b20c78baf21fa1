/**
 * The readiness gate after an install and after every invoker restart (docs/openwhisk.md
 * "Readiness"). The invoker pod has no readinessProbe, so `kubectl wait Ready` passes while
 * the controller still answers 503 ("No invokers available"): first poll the controller's
 * `/invokers/healthy/count` through the API server (the chart's own install gate) until it is
 * at least 1, then invoke a small action, blocking, until it completes (200). Both waits are
 * bounded and end in a TimeoutError that shows the pods (Pending action pods: node affinity).
 */
import openwhisk from 'openwhisk';
import { TimeoutError } from '../../core/errors.js';
import type { CommandResult } from './runner.js';

export type Kubectl = (args: string[], timeout: number) => Promise<CommandResult>;

export interface GateTiming {
  /** Bounded wait (s). */
  timeout: number;
  /** Pause between two tries (s). */
  interval: number;
  signal?: AbortSignal;
}

const sleep = (s: number) => new Promise((r) => setTimeout(r, s * 1000));

/** The API-server path to the controller's healthy-invoker count (Service `<release>-controller`, port `http`). */
export function healthyCountPath(namespace: string, release: string): string {
  return `/api/v1/namespaces/${namespace}/services/${release}-controller:http/proxy/invokers/healthy/count`;
}

/** `kubectl get pods -o wide` of the namespace, for an error message (bounded, best effort). */
async function podTable(kubectl: Kubectl): Promise<string> {
  const r = await kubectl(['get', 'pods', '-o', 'wide'], 30).catch(() => undefined);
  const text = r?.exitCode === 0 ? r.stdout.trim() : '';
  return text.length > 3000 ? `${text.slice(0, 3000)}\n…` : text;
}

/**
 * Poll `/invokers/healthy/count` until it is >= 1; returns the count.
 * @throws TimeoutError naming the last answer, with the pod table and the affinity hint
 */
export async function waitForHealthyInvoker(
  kubectl: Kubectl,
  namespace: string,
  release: string,
  t: GateTiming,
): Promise<number> {
  const deadline = Date.now() + t.timeout * 1000;
  let last = 'no answer yet';
  for (;;) {
    const r = await kubectl(['get', '--raw', healthyCountPath(namespace, release)], 30);
    const count = r.exitCode === 0 ? Number(r.stdout.trim()) : Number.NaN;
    if (Number.isInteger(count) && count >= 1) return count;
    last =
      r.exitCode === 0
        ? `count ${r.stdout.trim()}`
        : `kubectl exit ${r.exitCode}: ${r.stderr.trim().split('\n')[0]}`;
    if (Date.now() >= deadline || t.signal?.aborted) break;
    await sleep(t.interval);
  }
  const pods = await podTable(kubectl);
  const pending = pods.split('\n').filter((l) => /\bPending\b/.test(l));
  throw new TimeoutError(
    `no healthy OpenWhisk invoker within ${t.timeout} s (controller /invokers/healthy/count: ${last})${pods ? `\n${pods}` : ''}`,
    {
      hint:
        pending.length > 0
          ? `${pending.length} pod(s) Pending: the invoker's action pods require a node labelled openwhisk-role=invoker unless -Dwhisk.kubernetes.user-pod-node-affinity.enabled=false is in invoker.options (faasmark adds it on kind/k3s); kubectl -n ${namespace} describe pods`
          : `kubectl -n ${namespace} logs ${release}-invoker-0; kubectl -n ${namespace} logs ${release}-controller-0`,
    },
  );
}

export interface InvokeTarget {
  apiHost: string;
  auth: string;
  namespace: string;
  insecure: boolean;
}

/**
 * Invoke `action` blocking until one activation completes (HTTP 200 with its record).
 * 503 (no invoker), 202 (still running at the blocking timeout) and errors are retried.
 * @throws TimeoutError with the last status
 */
export async function waitForInvoke(target: InvokeTarget, action: string, t: GateTiming): Promise<void> {
  const ow = openwhisk({
    apihost: target.apiHost,
    api_key: target.auth,
    namespace: target.namespace,
    ignore_certs: target.insecure,
  });
  const deadline = Date.now() + t.timeout * 1000;
  let last = 'no answer yet';
  for (;;) {
    try {
      const r = (await ow.actions.invoke({ name: action, blocking: true, params: {} })) as {
        response?: unknown;
      };
      if (r && typeof r === 'object' && 'response' in r) return;
      last = 'HTTP 202 (still running at the blocking timeout)';
    } catch (err) {
      const status = (err as { statusCode?: number }).statusCode;
      last = status === undefined ? 'API unreachable' : `HTTP ${status}`;
    }
    if (Date.now() >= deadline || t.signal?.aborted) break;
    await sleep(t.interval);
  }
  throw new TimeoutError(
    `OpenWhisk at ${target.apiHost} ran no activation of ${action} within ${t.timeout} s (last answer: ${last})`,
    {
      hint: '503 means the controller sees no healthy invoker; check the invoker log and the action pods (kubectl get pods -o wide)',
    },
  );
}

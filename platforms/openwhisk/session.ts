/**
 * A light session for the probes and CLI: API client + activation poller + invoker-log
 * source, without provisioning. `probeInvoker(action)` drives an action through the same
 * code path as the platform's invoke().
 */
import { OpenWhiskClient } from './client.js';
import type { InvokerLogSource } from './config.js';
import { probeInvoker } from './invocation.js';
import { CommandLogSource, FileLogSource, type LogSource } from './log-source.js';
import { ActivationPoller, type PollOptions } from './poller.js';
import type { ProbeInvoker } from './probes.js';
import { type CommandRunner, execaRunner } from './runner.js';

export interface SessionOptions {
  apiHost: string;
  auth: string;
  namespace?: string;
  insecure?: boolean;
  invokerLog?: InvokerLogSource;
  poll?: Partial<PollOptions>;
  /** s */
  logJoinWait?: number;
  runner?: CommandRunner;
}

export interface Session {
  client: OpenWhiskClient;
  logSource: LogSource | undefined;
  /** Check auth and reachability (PlatformError otherwise). */
  check(signal?: AbortSignal): Promise<void>;
  invoker(action: string, params?: unknown): ProbeInvoker;
  close(): Promise<void>;
}

export function openSession(o: SessionOptions): Session {
  const client = new OpenWhiskClient({
    apiHost: o.apiHost,
    auth: o.auth,
    namespace: o.namespace ?? '_',
    insecure: o.insecure ?? false,
    timeout: 30,
  });
  const poller = new ActivationPoller((id, s) => client.getActivation(id, s), {
    concurrency: 8,
    initialDelay: 0.05,
    maxDelay: 1,
    maxWait: 120,
    ...o.poll,
  });
  let logSource: LogSource | undefined;
  if (o.invokerLog && 'file' in o.invokerLog) logSource = new FileLogSource(o.invokerLog.file, 0.05);
  else if (o.invokerLog) logSource = new CommandLogSource(o.runner ?? execaRunner(), o.invokerLog.command);
  const isCommand = logSource instanceof CommandLogSource;
  const deps = { client, poller, parser: () => logSource?.parser, logJoinWait: o.logJoinWait ?? 2 };
  return {
    client,
    logSource,
    check: (signal) => client.checkAuth(signal),
    invoker(action, params = {}) {
      if (!isCommand) return probeInvoker(deps, action, params);
      // a command source is read on demand: refresh it after each activation, then join
      const inner = probeInvoker({ ...deps, logJoinWait: 0 }, action, params);
      return {
        async invoke(signal) {
          const obs = await inner.invoke(signal);
          if (obs.activationId && !obs.container) {
            await logSource?.refresh();
            const c = logSource?.parser.activation(obs.activationId)?.container;
            if (c) obs.container = c;
          }
          return obs;
        },
      };
    },
    async close() {
      await logSource?.stop();
      await client.close();
    },
  };
}

/**
 * An open-loop load generator for the benches (not a bench itself): arrivals at a fixed rate,
 * independent of completions, served by a fixed set of keep-alive connections (like
 * autocannon/wrk); arrivals that find every connection busy wait in the generator's own FIFO (a
 * counter), so the generator stays cheap. Completions in [ramp, duration) give the throughput.
 */
import type { EventLoopUtilization } from 'node:perf_hooks';
import { Pool } from 'undici';

export interface OpenLoopOptions {
  url: string;
  path: string;
  body: string;
  /** Arrivals per second. */
  rate: number;
  /** Seconds of arrivals; completions are counted in [ramp, duration). */
  duration: number;
  ramp: number;
  connections: number;
  /** Called once the connections are open, before the first arrival (e.g. a GC). */
  afterWarmup?: () => void;
}

export interface OpenLoopResult {
  /** Completions with status 200 per second in [ramp, duration). */
  throughput: number;
  nonOk: number;
  /** Every 200 answer, warm-up connections included, window or not. */
  completed: number;
  /** Arrivals still waiting in the generator at `duration` (never sent). */
  unsent: number;
  /** This process's CPU (s) and wall time (s) over [ramp, first completion ≥ duration). */
  cpuSeconds: number;
  windowSeconds: number;
  /** This process's event-loop utilisation over the same window (undefined when no completion came at or after `duration`). */
  elu?: EventLoopUtilization;
}

export async function openLoop(o: OpenLoopOptions): Promise<OpenLoopResult> {
  const client = new Pool(o.url, { connections: o.connections, pipelining: 1 });
  const send = async () => {
    const res = await client.request({ path: o.path, method: 'POST', body: o.body });
    await res.body.text();
    return res.statusCode;
  };
  await Promise.all(Array.from({ length: 2 * o.connections }, send)); // open the connections
  o.afterWarmup?.();
  let backlog = 0;
  let done = false;
  let inWindow = 0;
  let nonOk = 0;
  let completed = 2 * o.connections;
  const idle: Array<() => void> = [];
  let cpu0: NodeJS.CpuUsage | undefined;
  let cpu: NodeJS.CpuUsage | undefined;
  let elu0: EventLoopUtilization | undefined;
  let elu: EventLoopUtilization | undefined;
  let windowSeconds = 0;
  const t0 = performance.now();
  const connection = async () => {
    for (;;) {
      if (backlog > 0) backlog--;
      else if (done) return;
      else {
        await new Promise<void>((resolve) => idle.push(resolve));
        continue;
      }
      const status = await send();
      const at = (performance.now() - t0) / 1000;
      if (status !== 200) nonOk++;
      else {
        completed++;
        if (at >= o.ramp && at < o.duration) inWindow++;
      }
      if (at >= o.duration && cpu === undefined) {
        elu = performance.eventLoopUtilization(elu0);
        cpu = process.cpuUsage(cpu0);
        windowSeconds = at - o.ramp;
      }
    }
  };
  const loops = Array.from({ length: o.connections }, connection);
  let sent = 0;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = (performance.now() - t0) / 1000;
      if (cpu0 === undefined && now >= o.ramp) {
        elu0 = performance.eventLoopUtilization();
        cpu0 = process.cpuUsage();
      }
      while (sent / o.rate <= now && sent / o.rate < o.duration) {
        sent++;
        backlog++;
        idle.pop()?.();
      }
      if (sent / o.rate >= o.duration) resolve();
      else setTimeout(tick, 1); // a timer, not a busy loop: the generator must not eat a core
    };
    tick();
  });
  done = true;
  const unsent = backlog;
  backlog = 0;
  for (const wake of idle.splice(0)) wake();
  await Promise.all(loops);
  await client.close();
  return {
    throughput: inWindow / (o.duration - o.ramp),
    nonOk,
    completed,
    unsent,
    cpuSeconds: cpu ? (cpu.user + cpu.system) / 1e6 : 0,
    windowSeconds,
    ...(elu ? { elu } : {}),
  };
}

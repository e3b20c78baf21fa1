/**
 * Closed-loop capacity probe: autocannon (N connections, each sending its next request as
 * soon as the previous answer arrives) against a platform's own HTTP endpoint, for a fixed
 * duration. The sustained request rate is the platform's maximum throughput for the workload
 * on this host; a load sweep's rates are then picked below and around it. Closed loop is the
 * right tool here (finding the ceiling) and the wrong one for latency (coordinated omission),
 * which is why `run` uses the open-loop generator instead.
 */
import autocannon from 'autocannon';

export interface CapacityProbeOptions {
  /** POST target, e.g. http://127.0.0.1:PORT/aes. */
  url: string;
  body: unknown;
  /** Seconds. */
  duration: number;
  connections: number;
  /** Per-request timeout (s). */
  timeout?: number;
  signal?: AbortSignal;
}

export interface CapacityProbeResult {
  url: string;
  connections: number;
  duration: number;
  /** Mean successful (2xx) requests per second. */
  throughput: number;
  /** Total requests completed / non-2xx / connection errors / timeouts. */
  requests: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  /** Latency under saturation (s). */
  latency: { mean: number; p50: number; p99: number; max: number };
  /** Suggested load-sweep arrival rates (req/s): fractions of the throughput. */
  suggestedRates: number[];
}

/** Fractions of the measured capacity a load sweep should cover: below, at and just past the knee. */
export const SWEEP_FRACTIONS = [0.1, 0.25, 0.5, 0.75, 0.9, 1, 1.1] as const;

/** Round to 2 significant digits (rates people can read in a suite file). */
export function niceRate(x: number): number {
  if (!(x > 0)) return 0;
  const p = 10 ** (Math.floor(Math.log10(x)) - 1);
  return Math.round(x / p) * p;
}

export function suggestRates(throughput: number): number[] {
  return [...new Set(SWEEP_FRACTIONS.map((f) => Number(niceRate(throughput * f).toPrecision(2))))].filter(
    (r) => r > 0,
  );
}

export async function probeCapacity(options: CapacityProbeOptions): Promise<CapacityProbeResult> {
  // without a callback autocannon returns its tracker (an EventEmitter with stop()) made thenable
  const instance = autocannon({
    url: options.url,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(options.body ?? {}),
    connections: options.connections,
    duration: options.duration,
    timeout: options.timeout ?? 30,
  }) as unknown as Promise<autocannon.Result> & { stop: () => void };
  const onAbort = () => instance.stop();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const result = await instance;
  options.signal?.removeEventListener('abort', onAbort);
  const ok = result['2xx'];
  const throughput = result.duration > 0 ? ok / result.duration : 0;
  return {
    url: options.url,
    connections: options.connections,
    duration: result.duration,
    throughput,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    latency: {
      mean: result.latency.mean / 1000,
      p50: result.latency.p50 / 1000,
      p99: result.latency.p99 / 1000,
      max: result.latency.max / 1000,
    },
    suggestedRates: suggestRates(throughput),
  };
}

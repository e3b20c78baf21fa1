/**
 * The local-wasm HTTP endpoint: `POST /<workload>` (or `POST /run` when one workload is
 * deployed) with the input JSON as body → the workload's stdout JSON, computed in a fresh
 * instance on the worker pool. Admission: at most `maxConcurrency` requests in flight, beyond
 * that 429 or a bounded FIFO. Every answer carries the activation record
 * (x-faasmark-activation: startMs/endMs of the instance, waitTime from arrival) and the host
 * keeps the in-flight count as a time-weighted accumulator (M/G/∞'s number in system).
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import {
  activationHeader,
  BodyTooLargeError,
  closeServer,
  deployedWorkloadFor,
  epochMs,
  listenLoopback,
  readBodyThen,
  sendJson,
} from '../embedded/http-endpoint.js';
import { InFlightAccumulator } from '../embedded/in-flight.js';
import type { LocalWasmConfig } from './config.js';
import type { RunOutcome, WorkerPool } from './worker-pool.js';

export interface HostCounters {
  requests: number;
  ok: number;
  errors: number;
  timeouts: number;
  rejected: number;
  tooLarge: number;
}

export class WasmHost {
  private server: Server | undefined;
  port = 0;
  private inFlight = 0;
  private readonly waiting: Array<(admitted: boolean) => void> = [];
  private readonly deployed = new Set<string>();
  /** Admitted requests in flight (queued ones not included): O(1) memory. */
  readonly inFlightCount = new InFlightAccumulator();
  readonly counters: HostCounters = { requests: 0, ok: 0, errors: 0, timeouts: 0, rejected: 0, tooLarge: 0 };

  constructor(
    private readonly config: LocalWasmConfig,
    private readonly pool: WorkerPool,
  ) {}

  async start(): Promise<number> {
    const { server, port } = await listenLoopback((req, res) => this.handle(req, res), this.config.port);
    this.server = server;
    this.port = port;
    this.inFlightCount.reset();
    return port;
  }

  markDeployed(name: string): void {
    this.deployed.add(name);
  }

  async stop(): Promise<void> {
    for (const w of this.waiting.splice(0)) w(false);
    if (this.server) await closeServer(this.server);
    this.server = undefined;
  }

  /**
   * One request, in callbacks rather than a promise chain (body → admission → worker → answer):
   * this runs on the main thread, which under load is the bottleneck shared with the HTTP parser.
   */
  private handle(req: IncomingMessage, res: ServerResponse): void {
    const arrivalMs = epochMs();
    const name = deployedWorkloadFor(req, res, this.deployed);
    if (name === undefined) return;
    readBodyThen(req, this.config.bodyLimitBytes, (err, body) => {
      if (err) {
        if (err instanceof BodyTooLargeError) {
          this.counters.tooLarge++;
          sendJson(res, 413, { error: err.message }, { connection: 'close' });
        } else res.destroy(err);
        return;
      }
      this.counters.requests++;
      const run = () =>
        this.pool.submit(name, body as Buffer, this.config.requestTimeout, (outcome) => {
          this.release();
          this.respond(res, outcome, arrivalMs);
        });
      const admitted = this.admit();
      if (admitted === true) run();
      else if (admitted === false) this.reject(res);
      else void admitted.then((ok) => (ok ? run() : this.reject(res)));
    });
  }

  private reject(res: ServerResponse): void {
    this.counters.rejected++;
    sendJson(res, 429, {
      error: `too many requests in flight (maxConcurrency ${this.config.maxConcurrency})`,
    });
  }

  private respond(res: ServerResponse, outcome: RunOutcome, arrivalMs: number): void {
    const activation = activationHeader({
      startMs: outcome.startMs,
      endMs: outcome.endMs,
      waitTime: outcome.startMs === undefined ? undefined : Math.max(0, (outcome.startMs - arrivalMs) / 1000),
      executorId: `worker-${outcome.workerId}`,
    });
    if (outcome.status === 'ok') {
      this.counters.ok++;
      activation['content-type'] = 'application/json';
      activation['content-length'] = String(outcome.stdout.length);
      res.writeHead(200, activation);
      res.end(outcome.stdout);
    } else if (outcome.status === 'timeout') {
      this.counters.timeouts++;
      sendJson(res, 504, { error: outcome.error }, activation);
    } else {
      this.counters.errors++;
      sendJson(res, 502, { error: outcome.error }, activation);
    }
  }

  /** Take an in-flight slot: true at once, or after queueing; false = reject (429). */
  private admit(): boolean | Promise<boolean> {
    const max = this.config.maxConcurrency;
    if (max === undefined || this.inFlight < max) {
      this.inFlight++;
      this.inFlightCount.change(1);
      return true;
    }
    if (this.config.overflow === 'reject' || this.waiting.length >= this.config.queueLimit) return false;
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** Give the slot to the head of the queue, or free it. */
  private release(): void {
    const next = this.waiting.shift();
    if (next) {
      // the slot passes on: one request leaves and the next enters at the same instant
      const now = epochMs();
      this.inFlightCount.change(-1, now);
      this.inFlightCount.change(1, now);
      next(true);
    } else {
      this.inFlight--;
      this.inFlightCount.change(-1);
    }
  }
}

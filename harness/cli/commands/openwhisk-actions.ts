/**
 * `faasmark openwhisk …` implementations: values, probe routing, probe keep-alive,
 * parse-log. Flag parsing is pure and exported (tested unspawned); the auth key is read from
 * env FAASMARK_OW_AUTH only — never a flag, so it stays out of shell history and `ps`.
 */
import { readFile } from 'node:fs/promises';
import { fmt, renderTable } from '../../../analysis/table.js';
import { InputError, UsageError } from '../../../core/errors.js';
import { shutdownSignal } from '../../../core/lifecycle.js';
import { IMAGE_PATTERN, type InvokerLogSource } from '../../../platforms/openwhisk/config.js';
import { parseInvokerLog } from '../../../platforms/openwhisk/invoker-log.js';
import { probeKeepAlive, probeRouting } from '../../../platforms/openwhisk/probes.js';
import { openSession } from '../../../platforms/openwhisk/session.js';
import {
  generateValues,
  splitKeepAlive,
  type ValuesOptions,
  valuesToYaml,
} from '../../../platforms/openwhisk/values.js';
import { log, out, outJson } from '../io.js';
import { parseNumber } from '../options.js';

export const SCHEMA_VERSION = 1;

export interface ValuesFlags {
  keepAlive?: string;
  pauseGrace?: string;
  invokerImage?: string;
  userMemory?: string;
  invokesPerMinute?: string;
  invokesConcurrent?: string;
  controllerHeap?: string;
  invokerHeap?: string;
  apiHostName?: string;
  apiHostPort?: string;
  singleNode?: boolean;
  json?: boolean;
}

const INT_POS = { integer: true, min: 1 } as const;

export function parseValuesFlags(f: ValuesFlags): ValuesOptions {
  if (f.keepAlive === undefined)
    throw new UsageError('--keep-alive is required (seconds, e.g. --keep-alive 30)');
  const o: ValuesOptions = { keepAlive: parseNumber('--keep-alive', f.keepAlive, { greaterThan: 0 }) };
  if (f.pauseGrace !== undefined)
    o.pauseGrace = parseNumber('--pause-grace', f.pauseGrace, { greaterThan: 0 });
  if (o.pauseGrace !== undefined && o.pauseGrace >= o.keepAlive) {
    throw new UsageError(`--pause-grace must be < --keep-alive (${o.keepAlive}), got ${o.pauseGrace}`);
  }
  if (f.invokerImage !== undefined) {
    if (!new RegExp(IMAGE_PATTERN).test(f.invokerImage)) {
      throw new UsageError(
        `--invoker-image must be name[:tag] (the chart cannot take a digest), got ${JSON.stringify(f.invokerImage)}`,
      );
    }
    o.invokerImage = f.invokerImage;
  }
  if (f.userMemory !== undefined)
    o.userMemoryMb = parseNumber('--user-memory', f.userMemory, { integer: true, min: 256 });
  if (f.invokesPerMinute !== undefined)
    o.actionsInvokesPerminute = parseNumber('--invokes-per-minute', f.invokesPerMinute, INT_POS);
  if (f.invokesConcurrent !== undefined)
    o.actionsInvokesConcurrent = parseNumber('--invokes-concurrent', f.invokesConcurrent, INT_POS);
  if (f.controllerHeap !== undefined)
    o.controllerHeapMb = parseNumber('--controller-heap', f.controllerHeap, { integer: true, min: 256 });
  if (f.invokerHeap !== undefined)
    o.invokerHeapMb = parseNumber('--invoker-heap', f.invokerHeap, { integer: true, min: 256 });
  if (f.apiHostName !== undefined) o.apiHostName = f.apiHostName;
  if (f.apiHostPort !== undefined)
    o.apiHostPort = parseNumber('--api-host-port', f.apiHostPort, { integer: true, min: 1, max: 65535 });
  if (f.singleNode) o.singleNode = true;
  return o;
}

export async function runValues(f: ValuesFlags): Promise<void> {
  const o = parseValuesFlags(f);
  const values = generateValues(o);
  if (f.json)
    outJson({ schemaVersion: SCHEMA_VERSION, keepAlive: splitKeepAlive(o.keepAlive, o.pauseGrace), values });
  else out(valuesToYaml(values, o.keepAlive, o.pauseGrace));
}

export interface ProbeFlags {
  apiHost?: string;
  namespace?: string;
  insecure?: boolean;
  action?: string;
  invokerLog?: string;
  invokerLogCommand?: string;
  json?: boolean;
  // routing
  containers?: string;
  requests?: string;
  gap?: string;
  // keep-alive
  minGap?: string;
  maxGap?: string;
  resolution?: string;
}

export interface ProbeTarget {
  apiHost: string;
  auth: string;
  namespace: string;
  insecure: boolean;
  action: string;
  invokerLog?: InvokerLogSource;
}

export function parseProbeTarget(f: ProbeFlags, env: NodeJS.ProcessEnv, needLog: boolean): ProbeTarget {
  if (!f.apiHost) throw new UsageError('--api-host is required (e.g. --api-host https://localhost:31001)');
  if (!/^https?:\/\/[^/\s]+\/?$/.test(f.apiHost))
    throw new UsageError(`--api-host must be http(s)://host[:port], got ${JSON.stringify(f.apiHost)}`);
  if (!f.action)
    throw new UsageError(
      '--action is required: the name of a deployed action to probe (one container per activation)',
    );
  const auth = env.FAASMARK_OW_AUTH;
  if (!auth || !/^[^:\s]+:[^:\s]+$/.test(auth)) {
    throw new UsageError(
      'env FAASMARK_OW_AUTH must hold the namespace key <uuid>:<key> (it is never taken as a flag)',
    );
  }
  if (f.invokerLog && f.invokerLogCommand)
    throw new UsageError('give --invoker-log or --invoker-log-command, not both');
  const t: ProbeTarget = {
    apiHost: f.apiHost.replace(/\/$/, ''),
    auth,
    namespace: f.namespace ?? '_',
    insecure: Boolean(f.insecure),
    action: f.action,
  };
  if (f.invokerLog) t.invokerLog = { file: f.invokerLog };
  else if (f.invokerLogCommand) t.invokerLog = { command: f.invokerLogCommand };
  else if (needLog) {
    throw new UsageError(
      'the routing probe needs the invoker log to map activations to containers: --invoker-log FILE or --invoker-log-command "kubectl -n openwhisk logs owdev-invoker-0"',
    );
  }
  return t;
}

export async function runProbeRouting(f: ProbeFlags, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const t = parseProbeTarget(f, env, true);
  const opts = {
    containers: parseNumber('--containers', f.containers ?? '3', { integer: true, min: 2, max: 50 }),
    requests: parseNumber('--requests', f.requests ?? '12', { integer: true, min: 4, max: 1000 }),
    gap: parseNumber('--gap', f.gap ?? '1', { greaterThan: 0 }),
    signal: shutdownSignal(),
  };
  const s = openSession(t);
  try {
    await s.check();
    log(
      `probing routing of ${t.action}: ${opts.containers} containers, ${opts.requests} sequential requests ${opts.gap} s apart`,
    );
    const r = await probeRouting(s.invoker(t.action), opts);
    if (f.json) return outJson({ schemaVersion: SCHEMA_VERSION, probe: 'routing', action: t.action, ...r });
    out(
      renderTable(
        ['verdict', 'containers', 'repeat share', 'cycle share', 'random would give', 'reason'],
        [
          [
            r.verdict,
            r.containersCreated,
            fmt(r.repeatFraction, 3),
            fmt(r.cycleFraction, 3),
            fmt(r.randomExpectation, 3),
            r.reason,
          ],
        ],
      ),
    );
  } finally {
    await s.close();
  }
}

export async function runProbeKeepAlive(f: ProbeFlags, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const t = parseProbeTarget(f, env, false);
  const minGap = parseNumber('--min-gap', f.minGap ?? '1', { greaterThan: 0 });
  const maxGap = parseNumber('--max-gap', f.maxGap ?? '1200', { greaterThan: 0 });
  const resolution = parseNumber('--resolution', f.resolution ?? '1', { greaterThan: 0 });
  if (maxGap < minGap) throw new UsageError(`--max-gap must be >= --min-gap (${minGap}), got ${maxGap}`);
  const s = openSession(t);
  try {
    await s.check();
    log(
      `probing keep-alive of ${t.action}: gaps from ${minGap} s (×2) up to ${maxGap} s, then bisection to ${resolution} s`,
    );
    const r = await probeKeepAlive(s.invoker(t.action), {
      minGap,
      maxGap,
      resolution,
      signal: shutdownSignal(),
    });
    if (f.json)
      return outJson({ schemaVersion: SCHEMA_VERSION, probe: 'keep-alive', action: t.action, ...r });
    out(
      renderTable(
        ['gap (s)', 'idle (s)', 'start'],
        r.trials.map((x) => [fmt(x.gap), fmt(x.idle), x.cold ? 'cold' : 'warm']),
      ),
    );
    out(
      r.keepAlive === null
        ? `no cold start with idle gaps up to ${maxGap} s: effective keep-alive > ${fmt(r.warmUpTo)} s`
        : `effective keep-alive ≈ ${fmt(r.keepAlive)} s (warm after ${fmt(r.warmUpTo)} s idle, cold after ${fmt(r.coldFrom)} s)`,
    );
  } finally {
    await s.close();
  }
}

export interface ParseLogFlags {
  action?: string;
  json?: boolean;
}

export async function runParseLog(file: string, f: ParseLogFlags): Promise<void> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new InputError(
      `cannot read invoker log ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
      {
        hint: 'save it with: kubectl -n openwhisk logs owdev-invoker-0 > invoker.log',
      },
    );
  }
  const p = parseInvokerLog(text);
  const spans = p.containerSpans(f.action);
  const states = p.activationStates(f.action);
  if (p.lines > 0 && p.lines === p.unparsed) {
    throw new InputError(
      `${file}: no line has the invoker log format ([time] [LEVEL] [#tid] [Component] message)`,
    );
  }
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  if (f.json) {
    return outJson({
      schemaVersion: SCHEMA_VERSION,
      file,
      action: f.action ?? null,
      lines: p.lines,
      unparsedLines: p.unparsed,
      spans: spans.map((s) => ({
        container: s.container,
        created: iso(s.createdMs),
        createdFromMarker: s.createdFromMarker,
        deleted: iso(s.deletedMs),
        actions: s.actions,
        activations: s.activations,
        prewarmed: s.prewarmed,
      })),
      activations: states.map((a) => ({
        activationId: a.activationId,
        action: a.action,
        at: iso(a.atMs),
        state: a.state,
        cold: a.cold,
        container: a.container ?? null,
      })),
    });
  }
  out(
    renderTable(
      ['container', 'created (UTC)', 'deleted (UTC)', 'activations'],
      spans.map((s) => [s.container, iso(s.createdMs), iso(s.deletedMs) ?? 'open', s.activations.length]),
    ),
  );
  out(
    renderTable(
      ['activation', 'action', 'at (UTC)', 'state', 'cold', 'container'],
      states.map((a) => [a.activationId, a.action, iso(a.atMs), a.state, a.cold ? 'yes' : 'no', a.container]),
    ),
  );
}

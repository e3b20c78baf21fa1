/** `faasmark openwhisk …`: values, probe routing, probe keep-alive, parse-log. */
import { readFile } from 'node:fs/promises';
import { InputError, UsageError } from '../../../../core/errors.js';
import { shutdownSignal } from '../../../../core/lifecycle.js';
import { IMAGE_PATTERN } from '../../../../platforms/openwhisk/config.js';
import { parseInvokerLog } from '../../../../platforms/openwhisk/invoker-log.js';
import { probeKeepAlive, probeRouting } from '../../../../platforms/openwhisk/probes.js';
import { openSession } from '../../../../platforms/openwhisk/session.js';
import {
  generateValues,
  splitKeepAlive,
  type ValuesOptions,
  valuesToYaml,
} from '../../../../platforms/openwhisk/values.js';
import { log, out, outJson } from '../../io.js';
import type { KeepAliveProbeFlags, ParseLogFlags, ProbeTarget, RoutingProbeFlags } from './index.js';
import { keepAliveText, parseLogJson, parseLogTables, routingTable, SCHEMA_VERSION } from './render.js';

export async function valuesAction(o: ValuesOptions, json: boolean): Promise<void> {
  if (o.invokerImage !== undefined && !new RegExp(IMAGE_PATTERN).test(o.invokerImage)) {
    throw new UsageError(
      `--invoker-image must be an image reference [registry/]name[:tag][@sha256:<64 hex>], got ${JSON.stringify(o.invokerImage)}`,
    );
  }
  const values = generateValues(o);
  if (json)
    outJson({ schemaVersion: SCHEMA_VERSION, keepAlive: splitKeepAlive(o.keepAlive, o.pauseGrace), values });
  else out(valuesToYaml(values, o.keepAlive, o.pauseGrace));
}

export async function probeRoutingAction(t: ProbeTarget, o: RoutingProbeFlags, json: boolean): Promise<void> {
  const s = openSession(t);
  try {
    await s.check();
    log(
      `probing routing of ${t.action}: ${o.containers} containers, ${o.requests} sequential requests ${o.gap} s apart`,
    );
    const r = await probeRouting(s.invoker(t.action), { ...o, signal: shutdownSignal() });
    if (json) outJson({ schemaVersion: SCHEMA_VERSION, probe: 'routing', action: t.action, ...r });
    else out(routingTable(r));
  } finally {
    await s.close();
  }
}

export async function probeKeepAliveAction(
  t: ProbeTarget,
  o: KeepAliveProbeFlags,
  json: boolean,
): Promise<void> {
  const s = openSession(t);
  try {
    await s.check();
    log(
      `probing keep-alive of ${t.action}: gaps from ${o.minGap} s (×2) up to ${o.maxGap} s, then bisection to ${o.resolution} s`,
    );
    const r = await probeKeepAlive(s.invoker(t.action), { ...o, signal: shutdownSignal() });
    if (json) outJson({ schemaVersion: SCHEMA_VERSION, probe: 'keep-alive', action: t.action, ...r });
    else out(keepAliveText(r, o.maxGap));
  } finally {
    await s.close();
  }
}

export async function parseLogAction(file: string, f: ParseLogFlags): Promise<void> {
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
  if (p.lines > 0 && p.lines === p.unparsed) {
    throw new InputError(
      `${file}: no line has the invoker log format ([time] [LEVEL] [#tid] [Component] message)`,
    );
  }
  const spans = p.containerSpans(f.action);
  const states = p.activationStates(f.action);
  if (f.json) outJson(parseLogJson(file, f.action, p, spans, states));
  else out(parseLogTables(spans, states));
}

/**
 * Deploy a workload as an action with the `openwhisk` npm package (`actions.update` =
 * PUT …/actions/{name}?overwrite=true, idempotent): a `blackbox` action from an image
 * speaking /init + /run on 8080, or a `native` action from a zip holding `exec`.
 * Errors are rebuilt from the HTTP status: the package's own messages are not shown (they
 * are redacted anyway).
 */
import { readFile } from 'node:fs/promises';
import openwhisk from 'openwhisk';
import { BuildError, ConfigError, PlatformError } from '../../core/errors.js';
import { redact } from './client.js';
import type { ActionSpec } from './config.js';

export interface DeployTarget {
  apiHost: string;
  auth: string;
  namespace: string;
  insecure: boolean;
}

export interface ActionLimits {
  memoryMb: number;
  /** s */
  timeout: number;
}

/** The action document PUT to the API (exported for tests). */
export async function actionBody(
  spec: ActionSpec,
  limits: ActionLimits,
  revision?: number,
): Promise<Record<string, unknown>> {
  let exec: Record<string, unknown>;
  if ('image' in spec) {
    exec = { kind: 'blackbox', image: spec.image };
  } else {
    let zip: Buffer;
    try {
      zip = await readFile(spec.zip);
    } catch (err) {
      throw new BuildError(
        `native action zip ${spec.zip} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
        {
          hint: 'build the workloads first (npm run build:workloads) or fix actions.<workload>.zip',
        },
      );
    }
    exec = {
      kind: 'blackbox',
      image: 'openwhisk/dockerskeleton',
      code: zip.toString('base64'),
      binary: true,
    };
  }
  return {
    exec,
    limits: { memory: limits.memoryMb, timeout: Math.round(limits.timeout * 1000), concurrency: 1 },
    annotations: [
      { key: 'exec', value: 'image' in spec ? 'blackbox' : 'native' },
      { key: 'faasmark', value: true },
      // a new value makes a new revision, which no warm container matches (forceCold)
      ...(revision !== undefined ? [{ key: 'faasmark-revision', value: revision }] : []),
    ],
  };
}

/** Create or update `name` (idempotent). */
export async function deployAction(
  target: DeployTarget,
  name: string,
  spec: ActionSpec | undefined,
  limits: ActionLimits,
  workload = name,
  revision?: number,
): Promise<void> {
  if (!spec) {
    throw new ConfigError(`no OpenWhisk action configured for workload ${JSON.stringify(workload)}`, [], {
      hint: `add openwhisk.actions.${workload}: {image: <blackbox image>} or {zip: <native zip>}`,
    });
  }
  const body = await actionBody(spec, limits, revision);
  const ow = openwhisk({
    apihost: target.apiHost,
    api_key: target.auth,
    namespace: target.namespace,
    ignore_certs: target.insecure,
  });
  try {
    await ow.actions.update({ name, action: body as never });
  } catch (err) {
    const status = (err as { statusCode?: number }).statusCode;
    if (status === 401 || status === 403) {
      throw new PlatformError(
        `OpenWhisk at ${target.apiHost} rejected the credentials while deploying ${name} (HTTP ${status})`,
        {
          hint: 'set auth (or env FAASMARK_OW_AUTH) to the namespace key `<uuid>:<key>`',
        },
      );
    }
    if (status === undefined) {
      throw new PlatformError(`OpenWhisk API host ${target.apiHost} is unreachable while deploying ${name}`, {
        hint: 'check apiHost and that the controller is up',
      });
    }
    const detail = redact(
      String((err as { error?: { error?: string } }).error?.error ?? ''),
      target.auth,
    ).slice(0, 200);
    throw new PlatformError(
      `deploying action ${name} failed: HTTP ${status}${detail ? ` (${detail})` : ''}`,
      {
        hint: 'check the image name and the action limits (memory must be within whisk.limits.actions.memory)',
      },
    );
  }
}

/**
 * The images an OpenWhisk install names, and how they reach a kind node (docs/openwhisk.md
 * "Images and digests"): each is used as written, except a digest-pinned image that faasmark
 * loads into kind: `kind load` and OpenWhisk's blackbox parser need a tag, so it is tagged
 * `name:faasmark-<12 hex>` locally and deployed under that tag. What was loaded (local image
 * id, repo digests) is returned for the manifest.
 */
import { PlatformError } from '../../core/errors.js';
import { digestAlias, parseImageRef } from '../external/image-ref.js';
import type { OpenWhiskConfig } from './config.js';
import { type CommandRunner, firstLine } from './runner.js';

export interface PlannedImage {
  /** As configured (may carry a digest). */
  requested: string;
  /** What the chart or the action names. */
  deployAs: string;
  /** `kind load docker-image` before installing. */
  load: boolean;
  /** Hint for a missing image. */
  build: string;
}

export interface ImagePlan {
  invoker?: PlannedImage;
  /** Per workload with a blackbox image. */
  actions: Record<string, PlannedImage>;
}

export interface LoadedImage {
  /** The local image id (`docker image inspect .Id`). */
  id: string;
  repoDigests: string[];
}

function planned(requested: string, load: boolean, build: string): PlannedImage {
  const ref = parseImageRef(requested);
  const deployAs = load && ref?.digest ? digestAlias(ref) : requested;
  return { requested, deployAs, load, build };
}

/** Which images are loaded, and under which reference each is deployed. */
export function planImages(cfg: OpenWhiskConfig): ImagePlan {
  const kind = cfg.mode === 'kubernetes' && cfg.cluster.provider === 'kind';
  const plan: ImagePlan = { actions: {} };
  if (cfg.invokerImage) {
    plan.invoker = planned(
      cfg.invokerImage,
      kind && cfg.loadInvokerImage,
      parseImageRef(cfg.invokerImage)?.digest
        ? `docker pull ${cfg.invokerImage}`
        : 'platforms/openwhisk/mru/build-invoker.sh',
    );
  }
  for (const [workload, spec] of Object.entries(cfg.actions)) {
    if (!('image' in spec)) continue;
    const digest = parseImageRef(spec.image)?.digest;
    plan.actions[workload] = planned(
      spec.image,
      kind && cfg.loadActionImages,
      digest ? `docker pull ${spec.image}` : `workloads/docker/build-image.sh ${workload} ${spec.image}`,
    );
  }
  return plan;
}

/** Every image to load, once each. */
export function imagesToLoad(plan: ImagePlan): PlannedImage[] {
  const all = [...(plan.invoker ? [plan.invoker] : []), ...Object.values(plan.actions)].filter((i) => i.load);
  return all.filter((i, n) => all.findIndex((j) => j.deployAs === i.deployAs) === n);
}

/**
 * Tag (for digests) and `kind load` each image into cluster `name`.
 * @throws PlatformError naming the image and how to get it
 */
export async function loadImages(
  runner: CommandRunner,
  cluster: string,
  images: PlannedImage[],
  log: (line: string) => void,
): Promise<Record<string, LoadedImage>> {
  const loaded: Record<string, LoadedImage> = {};
  for (const image of images) {
    const inspect = await runner.run(
      'docker',
      ['image', 'inspect', '--format', '{{.Id}} {{json .RepoDigests}}', image.requested],
      { timeout: 60 },
    );
    if (inspect.exitCode !== 0)
      throw new PlatformError(`image ${image.requested} is not in the local Docker engine`, {
        hint: `get it first: ${image.build}`,
      });
    const [id = '', digests = '[]'] = inspect.stdout.trim().split(' ');
    let repoDigests: string[] = [];
    try {
      repoDigests = (JSON.parse(digests) as string[] | null) ?? [];
    } catch {
      repoDigests = [];
    }
    loaded[image.requested] = { id, repoDigests };
    if (image.deployAs !== image.requested) {
      const tag = await runner.run('docker', ['tag', image.requested, image.deployAs], { timeout: 60 });
      if (tag.exitCode !== 0)
        throw new PlatformError(
          `docker tag ${image.requested} ${image.deployAs} failed: ${firstLine(tag.stderr)}`,
        );
    }
    log(`openwhisk: loading ${image.deployAs} into kind`);
    const r = await runner.run('kind', ['load', 'docker-image', image.deployAs, '--name', cluster], {
      timeout: 600,
    });
    if (r.exitCode !== 0)
      throw new PlatformError(
        `kind load docker-image ${image.deployAs} failed (kind exit ${r.exitCode}): ${firstLine(r.stderr) || firstLine(r.stdout)}`,
        { hint: `get the image first: ${image.build}` },
      );
  }
  return loaded;
}

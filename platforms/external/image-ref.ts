/**
 * Container image references, `[domain[:port]/]path[:tag][@sha256:<64 hex>]`, as the Docker
 * distribution grammar writes them (docs/ci.md "Images and digests"). One parser for every
 * place an image is named (OpenWhisk invoker and action images, SpinKube app images, the
 * nightly plan), so a digest is accepted everywhere and never silently dropped.
 */

const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?';
/** A registry host has a dot or a port, or is localhost; otherwise the part is a path component. */
const DOMAIN = `(?:${LABEL}(?:\\.${LABEL})+(?::[0-9]+)?|${LABEL}:[0-9]+|localhost)`;
const TAG = '[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}';
const DIGEST = 'sha256:[a-f0-9]{64}';

/** JSON Schema `pattern` of an image reference (a tag, a digest, both, or neither). */
export const IMAGE_REF_PATTERN = `^(?:${DOMAIN}/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*(?::${TAG})?(?:@${DIGEST})?$`;

const IMAGE_REF = new RegExp(IMAGE_REF_PATTERN);

export interface ImageRef {
  /** Everything before `:tag` / `@digest` (domain and path). */
  name: string;
  tag?: string;
  /** `sha256:<hex>` */
  digest?: string;
}

/** Parse a reference; `undefined` when it is not one. */
export function parseImageRef(ref: string): ImageRef | undefined {
  if (!IMAGE_REF.test(ref)) return undefined;
  const at = ref.indexOf('@');
  const digest = at >= 0 ? ref.slice(at + 1) : undefined;
  const rest = at >= 0 ? ref.slice(0, at) : ref;
  const colon = rest.lastIndexOf(':');
  const hasTag = colon > rest.lastIndexOf('/');
  return {
    name: hasTag ? rest.slice(0, colon) : rest,
    ...(hasTag ? { tag: rest.slice(colon + 1) } : {}),
    ...(digest ? { digest } : {}),
  };
}

/** `name[:tag][@digest]` */
export function formatImageRef(r: ImageRef): string {
  return `${r.name}${r.tag ? `:${r.tag}` : ''}${r.digest ? `@${r.digest}` : ''}`;
}

/**
 * The local tag that stands for a digest-pinned image where a digest cannot be used as is:
 * `kind load docker-image` and OpenWhisk's blackbox image parser (ExecManifest.ImageName
 * parses `@digest` and drops it) both need a tag. `name:faasmark-<first 12 hex>`.
 */
export function digestAlias(r: ImageRef): string {
  if (!r.digest) return formatImageRef(r);
  return `${r.name}:faasmark-${r.digest.slice('sha256:'.length, 'sha256:'.length + 12)}`;
}

/** True when the tag is `latest` or missing (Kubernetes then pulls `Always` by default). */
export function pullsAlways(r: ImageRef): boolean {
  return !r.digest && (r.tag === undefined || r.tag === 'latest');
}

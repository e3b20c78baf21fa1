/**
 * The one redaction mechanism (docs/architecture.md "Secrets"): secrets are declared once, as
 * `writeOnly: true` in a config's JSON Schema (or by a secret-like key name: auth, token,
 * password, ...), registered as values when a config is parsed or the environment is read, and
 * scrubbed from every text faasmark writes: files (core/fs-atomic.ts, core/jsonl.ts), stdout
 * and stderr (harness/cli/io.ts), error messages and the crash report (core/lifecycle.ts).
 * `redactConfig` gives the copy of a config the results may show.
 */

export const REDACTED = '[redacted]';
/** Shorter values are not scrubbed by value (they would match ordinary text); keys still are. */
export const MIN_SECRET_LENGTH = 8;

/** Key names whose values are secrets wherever they appear (config keys, env variable names). */
const SECRET_KEY =
  /(^|[^a-z])(auth|token|secret|passw(or)?d|credentials?|api[-_]?key|private[-_]?key)([^a-z]|$)/i;
/** `scheme://user:password@` in a URL. */
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@:'"]+:[^\s/@'"]+@/gi;
/** `Authorization: Basic …` / `Bearer …` as a header line or option. */
const AUTH_HEADER = /\b(authorization["']?\s*[:=]\s*["']?(?:basic|bearer)\s+)[A-Za-z0-9+/=._~-]+/gi;

/** `--token=v` / `--password v` flags and `API_TOKEN=v` assignments in a command line or text. */
const ASSIGNMENT = /(--[A-Za-z][\w-]*(?:=|\s+)|\b[A-Za-z_]\w*=)([^\s'"]+)/g;

/** Replace the value of every secret-named flag or assignment; `found` collects the values. */
function scrubAssignments(text: string, found?: string[]): string {
  return text.replace(ASSIGNMENT, (all, head: string, value: string) => {
    if (!isSecretKey(head.replace(/^-+/, '').replace(/[=\s]+$/, '')) || value === REDACTED) return all;
    found?.push(value);
    return `${head}${REDACTED}`;
  });
}

/** URL credentials, secret-named flags and assignments in one string. */
function scrubPatterns(text: string): string {
  return scrubAssignments(text.replace(URL_USERINFO, `$1${REDACTED}@`)).replace(AUTH_HEADER, `$1${REDACTED}`);
}

const known = new Set<string>();
/** Registered values, longest first (a secret containing another is replaced whole). */
let ordered: string[] = [];

/** True when `key` names a secret (`auth`, `FAASMARK_OW_AUTH`, `apiKey`, `GITHUB_TOKEN`, ...). */
export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key.replace(/([a-z])([A-Z])/g, '$1_$2'));
}

/**
 * Remember a secret value (and the forms it travels in: base64 as in a Basic header, URL
 * encoding, the halves of `<uuid>:<key>`) so that every later write scrubs it.
 */
export function registerSecret(value: unknown): void {
  if (typeof value !== 'string' || value.length < MIN_SECRET_LENGTH) return;
  const forms = [value, Buffer.from(value).toString('base64'), encodeURIComponent(value)];
  if (value.includes(':')) forms.push(...value.split(':'));
  let added = false;
  for (const f of forms) {
    if (f.length < MIN_SECRET_LENGTH || known.has(f)) continue;
    known.add(f);
    added = true;
  }
  if (added) ordered = [...known].sort((a, b) => b.length - a.length);
}

/**
 * Register the values of environment variables with secret-like names (`*_TOKEN`, `*_AUTH`,
 * ...), except plain words (`AUTH_MODE=production` is a setting, not a key).
 */
export function registerEnvSecrets(env: NodeJS.ProcessEnv = process.env): void {
  for (const [k, v] of Object.entries(env))
    if (isSecretKey(k) && !/^[a-z]+$/i.test(v ?? '')) registerSecret(v);
}

/** Register the credentials a kubeconfig holds (token, client key, password, OIDC tokens). */
export function registerKubeconfigSecrets(text: string): void {
  const re =
    /^\s*(token|client-key-data|client-certificate-data|password|id-token|refresh-token)\s*:\s*["']?([^\s"']+)/gm;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) registerSecret(m[2]);
}

/** True once any secret has been registered. */
export function hasSecrets(): boolean {
  return ordered.length > 0;
}

/** Replace every registered secret in `text` (fast path for hot writers: values only). */
export function scrubValues(text: string): string {
  let out = text;
  for (const s of ordered) if (out.includes(s)) out = out.split(s).join(REDACTED);
  return out;
}

/** Replace registered secrets, URL credentials, secret-named flags and assignments, and Authorization header values. */
export function scrub(text: string): string {
  return scrubPatterns(scrubValues(text));
}

type Schema = Readonly<Record<string, unknown>> | undefined;

function child(schema: Schema, key: string | number): Schema {
  if (!schema) return undefined;
  if (typeof key === 'number') return schema.items as Schema;
  const props = schema.properties as Record<string, Schema> | undefined;
  if (props?.[key]) return props[key];
  const extra = schema.additionalProperties;
  return typeof extra === 'object' ? (extra as Schema) : undefined;
}

function walk(value: unknown, schema: Schema, secret: boolean, onSecret: (v: unknown) => unknown): unknown {
  if (secret || schema?.writeOnly === true) return onSecret(value);
  if (Array.isArray(value)) return value.map((v, i) => walk(v, child(schema, i), false, onSecret));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value))
      out[k] = walk(v, child(schema, k), isSecretKey(k) && typeof v !== 'boolean', onSecret);
    return out;
  }
  return typeof value === 'string' ? scrubPatterns(value) : value;
}

/** Every secret value in a config: `writeOnly` in its schema, secret-like key names, URL credentials. */
export function secretsOf(config: unknown, schema?: Readonly<Record<string, unknown>>): string[] {
  const found: string[] = [];
  const collect = (v: unknown): unknown => {
    if (typeof v === 'string') found.push(v);
    else if (v !== null && typeof v === 'object') for (const x of Object.values(v)) collect(x);
    return v;
  };
  walk(config, schema, false, collect);
  const strings: string[] = [];
  const gather = (v: unknown): void => {
    if (typeof v === 'string') strings.push(v);
    else if (v !== null && typeof v === 'object') for (const x of Object.values(v)) gather(x);
  };
  gather(config);
  for (const text of strings) {
    for (const m of text.matchAll(/\b[a-z][a-z0-9+.-]*:\/\/([^\s/@:'"]+):([^\s/@'"]+)@/gi))
      found.push(decodeURIComponent(m[2] as string), `${m[1]}:${m[2]}`);
    scrubAssignments(text, found);
  }
  return found;
}

/** Register every secret of a parsed config (see {@link secretsOf}). */
export function registerConfigSecrets(config: unknown, schema?: Readonly<Record<string, unknown>>): void {
  for (const s of secretsOf(config, schema)) registerSecret(s);
}

/** A copy of `config` fit for results and logs: secret values replaced by {@link REDACTED}. */
export function redactConfig<T>(config: T, schema?: Readonly<Record<string, unknown>>): T {
  return walk(config, schema, false, () => REDACTED) as T;
}

/** Forget every registered secret (tests). */
export function clearSecrets(): void {
  known.clear();
  ordered = [];
}

/**
 * Dockerfile.layer against a real Docker engine: a stand-in for the upstream invoker image
 * (a shell, ls/wc/mv/rmdir and /invoker/lib/*.jar, imported from this host, no registry) gets
 * its openwhisk-invoker jar replaced and nothing else; a base with two invoker jars fails the
 * build with the message. Needs a Docker engine: fails in CI without one, skips locally.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it, type TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';

const IN_CI = process.env.CI === 'true' || process.env.CI === '1';
const layer = fileURLToPath(new URL('../../../platforms/openwhisk/mru/Dockerfile.layer', import.meta.url));
/** What the tests created, removed in reverse order (built images, their intermediates, the bases). */
const owned: string[] = [];
const dir = mkdtempSync(join(tmpdir(), 'fm-layer-'));

function docker(args: string[]) {
  return spawnSync('docker', args, { encoding: 'utf8', timeout: 120_000 });
}

function engine(t: TestContext): boolean {
  const r = spawnSync('docker', ['version', '--format', '{{.Server.Version}}'], { encoding: 'utf8' });
  if (r.status === 0) return true;
  const reason = `no Docker engine (${(r.stderr || String(r.error)).split('\n')[0]}): start dockerd`;
  if (IN_CI) assert.fail(reason);
  t.skip(reason);
  return false;
}

/** A base image: host binaries + their libraries, and the given jars in /invoker/lib. */
function baseImage(name: string, jars: Record<string, string>): string {
  const root = join(dir, name);
  const tools = ['sh', 'ls', 'wc', 'mv', 'rmdir', 'cat'].map((t) =>
    execFileSync('sh', ['-c', `command -v ${t}`], { encoding: 'utf8' }).trim(),
  );
  const libs = new Set<string>();
  for (const bin of tools) {
    for (const m of execFileSync('ldd', [bin], { encoding: 'utf8' }).matchAll(/(\/\S+) \(0x/g))
      libs.add(m[1] as string);
  }
  for (const f of [...tools, ...libs]) {
    mkdirSync(join(root, dirname(f)), { recursive: true });
    copyFileSync(f, join(root, f));
  }
  mkdirSync(join(root, 'bin'), { recursive: true });
  if (!tools.includes('/bin/sh')) copyFileSync(tools[0] as string, join(root, 'bin', 'sh'));
  mkdirSync(join(root, 'invoker', 'lib'), { recursive: true });
  for (const [jar, text] of Object.entries(jars)) writeFileSync(join(root, 'invoker', 'lib', jar), text);
  const tar = join(dir, `${name}.tar`);
  execFileSync('tar', ['-C', root, '-cf', tar, '.']);
  const r = docker(['import', tar, `faasmark-test/invoker-base:${name}`]);
  assert.equal(r.status, 0, r.stderr);
  owned.push(`faasmark-test/invoker-base:${name}`);
  return `faasmark-test/invoker-base:${name}`;
}

function build(base: string, tag: string) {
  const ctx = join(dir, `ctx-${tag}`);
  mkdirSync(ctx, { recursive: true });
  copyFileSync(layer, join(ctx, 'Dockerfile'));
  writeFileSync(join(ctx, 'openwhisk-invoker.jar'), 'patched invoker');
  const r = docker([
    'build',
    '--force-rm',
    '--build-arg',
    `BASE=${base}`,
    '-t',
    `faasmark-test/invoker:${tag}`,
    ctx,
  ]);
  // the classic builder leaves the image of each finished step (` ---> <id>`) when a later one fails
  for (const m of `${r.stdout}${r.stderr}`.matchAll(/ ---> ([0-9a-f]{12})\b/g)) owned.push(m[1] as string);
  if (r.status === 0) owned.push(`faasmark-test/invoker:${tag}`);
  return r;
}

/** A file's content in an image, read with docker create + docker cp (nothing runs). */
function fileIn(image: string, path: string): string | undefined {
  const c = docker(['create', image, '/bin/sh']);
  assert.equal(c.status, 0, c.stderr);
  const id = c.stdout.trim();
  try {
    const out = join(dir, `cp-${id}`);
    const cp = docker(['cp', `${id}:${path}`, out]);
    if (cp.status !== 0) return undefined;
    return execFileSync('cat', [out], { encoding: 'utf8' });
  } finally {
    docker(['rm', '-f', id]);
  }
}

after(() => {
  for (const ref of [...new Set(owned)].reverse()) docker(['rmi', ref]);
  rmSync(dir, { recursive: true, force: true });
});

describe('MRU invoker layer (Dockerfile.layer)', () => {
  it('replaces the upstream openwhisk-invoker jar and nothing else', (t) => {
    if (!engine(t)) return;
    const base = baseImage('one', {
      'openwhisk-invoker-1.0.0-SNAPSHOT.jar': 'upstream invoker',
      'openwhisk-common-1.0.0-SNAPSHOT.jar': 'upstream common',
    });
    const r = build(base, 'one');
    assert.equal(r.status, 0, r.stderr);
    const image = 'faasmark-test/invoker:one';
    assert.equal(fileIn(image, '/invoker/lib/openwhisk-invoker-1.0.0-SNAPSHOT.jar'), 'patched invoker');
    assert.equal(fileIn(image, '/invoker/lib/openwhisk-common-1.0.0-SNAPSHOT.jar'), 'upstream common');
    assert.equal(fileIn(image, '/faasmark/openwhisk-invoker.jar'), undefined, 'no copy left behind');
  });

  it('a base without exactly one invoker jar fails the build, saying so', (t) => {
    if (!engine(t)) return;
    const base = baseImage('two', { 'openwhisk-invoker-1.0.0.jar': 'a', 'openwhisk-invoker-2.0.0.jar': 'b' });
    const r = build(base, 'two');
    assert.notEqual(r.status, 0);
    assert.match(
      r.stderr + r.stdout,
      /expected one \/invoker\/lib\/openwhisk-invoker-\*\.jar in the base image/,
    );
  });
});

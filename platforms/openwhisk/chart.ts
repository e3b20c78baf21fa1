/**
 * Where the OpenWhisk chart comes from, resolved before any cluster exists (docs/openwhisk.md
 * "Chart"): by default a git checkout of apache/openwhisk-deploy-kube at the pinned commit
 * (./pins.ts; fetched once into the cache directory), else a local chart directory, else a
 * repository chart whose version is checked against the repository's index (the Apache
 * repository serves 1.0.0 only). The chart's values.yaml gives the core image tags and the
 * OpenWhisk commit, recorded in the manifest and compared with the invoker image.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ConfigError, PlatformError } from '../../core/errors.js';
import { onShutdown } from '../../core/lifecycle.js';
import type { HelmConfig } from './config.js';
import { type CommandRunner, firstLine } from './runner.js';

export interface ChartDescription {
  source: 'git' | 'repository' | 'directory';
  /** git: the remote; repository: the repository URL. */
  url?: string;
  /** The commit checked out (git), or HEAD of a local directory that is a git checkout. */
  commit?: string;
  /** Chart directory (git, directory). */
  path?: string;
  /** Chart.yaml `version` (directory, git) or the repository version installed. */
  version?: string;
  /** From the chart's values.yaml. */
  controllerImage?: string;
  invokerImage?: string;
  /** values.yaml `whisk.versions.openwhisk.gitTag`: the OpenWhisk commit of the core images. */
  openwhiskCommit?: string;
}

export interface ResolvedChart {
  /** The chart argument of `helm upgrade` (a directory or `openwhisk/<name>`). */
  ref: string;
  /** Extra `helm upgrade` arguments (`--version`). */
  args: string[];
  description: ChartDescription;
}

/** faasmark's cache (the pinned chart checkout): $FAASMARK_CACHE_DIR, else $XDG_CACHE_HOME/faasmark. */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.FAASMARK_CACHE_DIR) return resolve(env.FAASMARK_CACHE_DIR);
  return join(env.XDG_CACHE_HOME ? resolve(env.XDG_CACHE_HOME) : join(homedir(), '.cache'), 'faasmark');
}

function parseMapping(text: string): Record<string, unknown> {
  try {
    const doc = parseYaml(text) as unknown;
    return typeof doc === 'object' && doc !== null ? (doc as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** Image tags and the OpenWhisk commit from a chart directory (missing fields stay undefined). */
export function readChartFacts(chartDir: string): Partial<ChartDescription> {
  const read = (file: string) => {
    try {
      return readFileSync(join(chartDir, file), 'utf8');
    } catch {
      return '';
    }
  };
  const chart = parseMapping(read('Chart.yaml'));
  return {
    ...(typeof chart.version === 'string' ? { version: chart.version } : {}),
    ...valuesFacts(read('values.yaml')),
  };
}

/** The controller and invoker images and the OpenWhisk commit named by a chart's values.yaml. */
export function valuesFacts(text: string): Partial<ChartDescription> {
  const facts: Partial<ChartDescription> = {};
  const values = parseMapping(text) as {
    controller?: { imageName?: string; imageTag?: string };
    invoker?: { imageName?: string; imageTag?: string };
    whisk?: { versions?: { openwhisk?: { gitTag?: string } } };
  };
  const image = (c?: { imageName?: string; imageTag?: string }) =>
    c?.imageName && c.imageTag ? `${c.imageName}:${c.imageTag}` : undefined;
  const controller = image(values.controller);
  const invoker = image(values.invoker);
  if (controller) facts.controllerImage = controller;
  if (invoker) facts.invokerImage = invoker;
  const commit = values.whisk?.versions?.openwhisk?.gitTag;
  if (typeof commit === 'string') facts.openwhiskCommit = commit;
  return facts;
}

async function git(runner: CommandRunner, args: string[], what: string, hint: string): Promise<string> {
  const r = await runner.run('git', args, { timeout: 300 });
  if (r.exitCode !== 0) {
    throw new PlatformError(`${what} failed (git exit ${r.exitCode}): ${firstLine(r.stderr)}`, { hint });
  }
  return r.stdout.trim();
}

/** Fetch exactly `commit` of `url` into the cache (once; a finished checkout is reused). */
async function checkout(
  runner: CommandRunner,
  git_: { url: string; commit: string },
  root: string,
  log: (line: string) => void,
): Promise<string> {
  const dir = join(root, `openwhisk-deploy-kube-${git_.commit}`);
  const hint = `check network access to ${git_.url} and that commit ${git_.commit} exists there`;
  if (existsSync(join(dir, '.git'))) {
    const head = await runner.run('git', ['-C', dir, 'rev-parse', 'HEAD'], { timeout: 30 });
    if (head.exitCode === 0 && head.stdout.trim() === git_.commit) return dir;
    await rm(dir, { recursive: true, force: true });
  }
  const tmp = `${dir}.partial-${process.pid}`;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(dirname(tmp), { recursive: true });
  log(`openwhisk: fetching the chart: ${git_.url} at ${git_.commit}`);
  // an interrupted fetch leaves no partial checkout behind
  const unregister = onShutdown('partial chart checkout', () => rm(tmp, { recursive: true, force: true }));
  try {
    await git(runner, ['init', '-q', tmp], 'git init', `check that ${root} is writable`);
    await git(runner, ['-C', tmp, 'fetch', '-q', '--depth', '1', git_.url, git_.commit], 'git fetch', hint);
    await git(runner, ['-C', tmp, 'checkout', '-q', '--detach', 'FETCH_HEAD'], 'git checkout', hint);
    const head = await git(runner, ['-C', tmp, 'rev-parse', 'HEAD'], 'git rev-parse', hint);
    if (head !== git_.commit)
      throw new PlatformError(`the chart checkout is at ${head}, not the pinned ${git_.commit}`, { hint });
    await rename(tmp, dir);
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    throw err;
  } finally {
    unregister();
  }
  return dir;
}

/** A repository chart: add the repository, then check that the version exists in its index. */
async function repositoryChart(runner: CommandRunner, h: HelmConfig): Promise<ResolvedChart> {
  const add = await runner.run('helm', ['repo', 'add', 'openwhisk', h.repoUrl, '--force-update'], {
    timeout: 120,
  });
  if (add.exitCode !== 0)
    throw new PlatformError(`helm repo add ${h.repoUrl} failed: ${firstLine(add.stderr)}`, {
      hint: `check network access to ${h.repoUrl}`,
    });
  const chart = h.chart as string;
  const search = await runner.run('helm', ['search', 'repo', chart, '--versions', '-o', 'json'], {
    timeout: 60,
  });
  let versions: string[] = [];
  try {
    versions = (JSON.parse(search.stdout) as Array<{ name: string; version: string }>)
      .filter((e) => e.name === chart)
      .map((e) => e.version);
  } catch {
    versions = [];
  }
  if (versions.length === 0)
    throw new PlatformError(`${h.repoUrl} has no chart ${chart}: ${firstLine(search.stderr)}`, {
      hint: 'leave helm.chart unset to install the pinned openwhisk-deploy-kube checkout',
    });
  const version = h.chartVersion ?? versions[0];
  if (!versions.includes(version as string))
    throw new ConfigError(
      `helm.chartVersion ${version} does not exist in ${h.repoUrl} (it serves ${chart} ${versions.join(', ')})`,
      [],
      {
        hint: 'leave helm.chart and helm.chartVersion unset to install the pinned openwhisk-deploy-kube checkout',
      },
    );
  const show = await runner.run('helm', ['show', 'values', chart, '--version', version as string], {
    timeout: 60,
  });
  return {
    ref: chart,
    args: ['--version', version as string],
    description: {
      source: 'repository',
      url: h.repoUrl,
      version,
      ...(show.exitCode === 0 ? valuesFacts(show.stdout) : {}),
    },
  };
}

/**
 * Resolve the chart: check out the pinned commit, or check a directory, or a repository
 * version. Nothing touches a cluster.
 * @throws ConfigError (a version or directory that does not exist), PlatformError (git, helm)
 */
export async function resolveChart(
  runner: CommandRunner,
  h: HelmConfig,
  log: (line: string) => void,
  env: NodeJS.ProcessEnv = process.env,
): Promise<ResolvedChart> {
  if (h.chart?.startsWith('openwhisk/')) return repositoryChart(runner, h);
  if (h.chart !== undefined) {
    const dir = resolve(h.chart);
    if (!existsSync(join(dir, 'Chart.yaml')))
      throw new ConfigError(`helm.chart: ${dir} is not a chart directory (no Chart.yaml)`, [], {
        hint: 'give a chart directory, openwhisk/openwhisk with chartVersion, or leave it unset for the pinned checkout',
      });
    const head = await runner
      .run('git', ['-C', dir, 'rev-parse', 'HEAD'], { timeout: 30 })
      .catch(() => undefined);
    const commit = head?.exitCode === 0 ? head.stdout.trim() : undefined;
    return {
      ref: dir,
      args: [],
      description: { source: 'directory', path: dir, ...(commit ? { commit } : {}), ...readChartFacts(dir) },
    };
  }
  const pin = h.git as { url: string; commit: string; path: string };
  const root = await checkout(runner, pin, cacheDir(env), log);
  const dir = join(root, pin.path);
  if (!existsSync(join(dir, 'Chart.yaml')))
    throw new ConfigError(`helm.git.path: ${pin.path} holds no Chart.yaml at commit ${pin.commit}`);
  return {
    ref: dir,
    args: [],
    description: { source: 'git', url: pin.url, commit: pin.commit, path: pin.path, ...readChartFacts(dir) },
  };
}

/**
 * A warning when the invoker image does not name the chart's core image tag: controller and
 * invoker would then come from different OpenWhisk commits (docs/openwhisk.md "Chart").
 */
export function imageMismatch(chart: ChartDescription, invokerImage: string | undefined): string | undefined {
  const controllerTag = chart.controllerImage?.split(':').at(-1);
  if (!invokerImage || !controllerTag) return undefined;
  const tagged = invokerImage.split('@')[0] as string;
  const tag =
    tagged.lastIndexOf(':') > tagged.lastIndexOf('/') ? tagged.slice(tagged.lastIndexOf(':') + 1) : '';
  if (tag === '' || tag.includes(controllerTag)) return undefined;
  return `invoker image ${invokerImage} does not carry the chart's core image tag ${controllerTag} (controller ${chart.controllerImage}): controller and invoker may come from different OpenWhisk commits`;
}

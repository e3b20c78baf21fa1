/**
 * A stateful stand-in for what faasmark drives around an OpenWhisk install (tests only): git
 * (a remote holding chart commits), helm (a repository serving only the versions it has, the
 * release reading its values file), kubectl, kind and docker, wired to a FakeOpenWhisk. It
 * models the failure modes of a first real run (docs/openwhisk.md "Readiness"): a chart version
 * the repository lacks; action pods that stay Pending while the invoker's user-pod node
 * affinity is on and no node is labelled openwhisk-role=invoker (then the invoker never
 * becomes healthy and every invoke is 503); an invoker pod that is Ready at once (no probe)
 * while the controller still counts no healthy invoker; images missing from the engine.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml, stringify } from 'yaml';
import { MissingToolError } from '../../../core/errors.js';
import type {
  CommandOptions,
  CommandResult,
  CommandRunner,
  FollowHandle,
} from '../../../platforms/openwhisk/runner.js';
import type { FakeOpenWhisk } from './fake-openwhisk.js';

/** OpenWhisk's config key (core/invoker application.conf), written out here on purpose. */
const AFFINITY_OFF = '-Dwhisk.kubernetes.user-pod-node-affinity.enabled=false';

export interface FakeChartCommit {
  version: string;
  coreTag: string;
  openwhiskCommit: string;
}

export interface FakeClusterOptions {
  api: FakeOpenWhisk;
  /** Commits of the fake openwhisk-deploy-kube remote. */
  charts?: Record<string, FakeChartCommit>;
  /** Versions the fake Helm repository serves (the Apache one: 1.0.0 only). */
  repoVersions?: string[];
  /** References present in the local Docker engine. */
  dockerImages?: string[];
  /** Labels of the single node (openwhisk-role=invoker satisfies the invoker's affinity). */
  nodeLabels?: Record<string, string>;
  /** How long after a (re)start the invoker's health action has run (ms). */
  healthDelayMs?: number;
  kindClusters?: string[];
  /** Tools that are not installed. */
  missing?: string[];
  /** Injected failures: the first match answers instead of the fake. */
  fail?: Array<{ match: RegExp; result: Partial<CommandResult> }>;
}

const ok = (stdout = ''): CommandResult => ({ exitCode: 0, stdout, stderr: '' });
const err = (stderr: string, exitCode = 1): CommandResult => ({ exitCode, stdout: '', stderr });

export class FakeCluster implements CommandRunner {
  readonly calls: string[] = [];
  readonly followed: string[] = [];
  readonly images: Set<string>;
  readonly loaded: string[] = [];
  readonly kindClusters: Set<string>;
  /** The values of the last install/upgrade (read from the -f file while it existed). */
  values: Record<string, unknown> | undefined;
  release: { chart: string; version: string } | undefined;
  private fetched: { dir: string; commit: string } | undefined;

  constructor(readonly o: FakeClusterOptions) {
    this.images = new Set(o.dockerImages ?? []);
    this.kindClusters = new Set(o.kindClusters ?? []);
  }

  /** True when the invoker's action pods can be scheduled with the current values. */
  schedulable(): boolean {
    if (this.o.nodeLabels?.['openwhisk-role'] === 'invoker') return true;
    const opts = (this.values?.invoker as { options?: string } | undefined)?.options ?? '';
    return opts.split(/\s+/).includes(AFFINITY_OFF);
  }

  async run(command: string, args: string[], _options: CommandOptions): Promise<CommandResult> {
    const line = [command, ...args].join(' ');
    this.calls.push(line);
    if (this.o.missing?.includes(command)) throw new MissingToolError(command, `install ${command}`);
    const injected = this.o.fail?.find((f) => f.match.test(line));
    if (injected) return { exitCode: 1, stdout: '', stderr: '', ...injected.result };
    switch (command) {
      case 'git':
        return this.git(args);
      case 'helm':
        return this.helm(args);
      case 'kubectl':
        return this.kubectl(args);
      case 'kind':
        return this.kind(args);
      case 'docker':
        return this.docker(args);
      default:
        return err(`fake cluster: unexpected command ${line}`, 127);
    }
  }

  follow(command: string, args: string[], onLine: (line: string) => void): FollowHandle {
    this.followed.push([command, ...args].join(' '));
    this.o.api.logListeners.add(onLine);
    return { stop: async () => void this.o.api.logListeners.delete(onLine) };
  }

  private git(args: string[]): CommandResult {
    if (args[0] === '--version') return ok('git version 2.39.5');
    if (args[0] === 'init') {
      mkdirSync(join(args[2] as string, '.git'), { recursive: true });
      return ok();
    }
    const dir = args[1] as string;
    const verb = args[2];
    if (verb === 'fetch') {
      const commit = args.at(-1) as string;
      if (!this.o.charts?.[commit])
        return err(`fatal: remote error: upload-pack: not our ref ${commit}`, 128);
      this.fetched = { dir, commit };
      return ok();
    }
    if (verb === 'checkout') {
      if (this.fetched?.dir !== dir) return err('fatal: invalid reference: FETCH_HEAD', 128);
      const c = this.o.charts?.[this.fetched.commit] as FakeChartCommit;
      const chart = join(dir, 'helm', 'openwhisk');
      mkdirSync(chart, { recursive: true });
      writeFileSync(join(chart, 'Chart.yaml'), stringify({ name: 'openwhisk', version: c.version }));
      writeFileSync(
        join(chart, 'values.yaml'),
        stringify({
          whisk: { versions: { openwhisk: { gitTag: c.openwhiskCommit } } },
          controller: { imageName: 'openwhisk/controller', imageTag: c.coreTag },
          invoker: { imageName: 'openwhisk/invoker', imageTag: c.coreTag },
        }),
      );
      writeFileSync(join(dir, '.git', 'HEAD'), this.fetched.commit);
      return ok();
    }
    if (verb === 'rev-parse') {
      const head = join(dir, '.git', 'HEAD');
      return existsSync(head) ? ok(readFileSync(head, 'utf8')) : err('fatal: not a git repository', 128);
    }
    return err(`fake git: ${args.join(' ')}`);
  }

  private helm(args: string[]): CommandResult {
    const versions = this.o.repoVersions ?? ['1.0.0'];
    if (args[0] === 'version') return ok('v3.16.2+g13654a5');
    if (args[0] === 'repo') return ok('"openwhisk" has been added to your repositories');
    if (args[0] === 'search')
      return ok(
        JSON.stringify(versions.map((v) => ({ name: 'openwhisk/openwhisk', version: v, app_version: v }))),
      );
    if (args[0] === 'show') {
      // the repository's chart 1.0.0 tags its core images 1.0.0
      const v = args[args.indexOf('--version') + 1] as string;
      return ok(
        stringify({
          controller: { imageName: 'openwhisk/controller', imageTag: v },
          invoker: { imageName: 'openwhisk/invoker', imageTag: v },
        }),
      );
    }
    if (args[0] === 'list')
      return ok(
        JSON.stringify(
          this.release
            ? [{ name: 'owdev', chart: `openwhisk-${this.release.version}`, app_version: 'ef725a6' }]
            : [],
        ),
      );
    if (args[0] === 'uninstall') {
      if (!this.release) return err('Error: uninstall: Release not loaded: owdev: release: not found');
      this.release = undefined;
      return ok('release "owdev" uninstalled');
    }
    if (args[0] === 'upgrade') return this.helmUpgrade(args);
    return err(`fake helm: ${args.join(' ')}`);
  }

  private helmUpgrade(args: string[]): CommandResult {
    const install = args[1] === '--install';
    const chart = args[install ? 3 : 2] as string;
    const at = args.indexOf('--version');
    let version: string;
    if (chart.startsWith('openwhisk/')) {
      version = at >= 0 ? (args[at + 1] as string) : '1.0.0';
      if (!(this.o.repoVersions ?? ['1.0.0']).includes(version))
        return err(
          `Error: INSTALLATION FAILED: chart "openwhisk" matching ${version} not found in openwhisk index. (try 'helm repo update'): no chart version found for openwhisk-${version}`,
        );
    } else {
      if (!existsSync(join(chart, 'Chart.yaml'))) return err(`Error: path "${chart}" not found`);
      version = String(
        (parseYaml(readFileSync(join(chart, 'Chart.yaml'), 'utf8')) as { version: string }).version,
      );
    }
    if (!install && !this.release) return err('Error: UPGRADE FAILED: "owdev" has no deployed releases');
    const file = args[args.indexOf('-f') + 1] as string;
    this.values = parseYaml(readFileSync(file, 'utf8')) as Record<string, unknown>;
    this.release = { chart, version };
    if (install) this.o.api.startInvoker(this.schedulable(), this.o.healthDelayMs ?? 30);
    return ok(`Release "owdev" has been ${install ? 'installed' : 'upgraded'}. Happy Helming!`);
  }

  private kubectl(args: string[]): CommandResult {
    const a = args.join(' ');
    if (args[0] === 'version') return ok('Client Version: v1.31.0');
    if (/ rollout restart /.test(` ${a} `)) {
      this.o.api.startInvoker(this.schedulable(), this.o.healthDelayMs ?? 30);
      return ok('statefulset.apps/owdev-invoker restarted');
    }
    if (/ rollout status /.test(` ${a} `)) return ok('partitioned roll out complete');
    // no readinessProbe on the invoker: Ready as soon as its container runs
    if (/ wait --for=condition=Ready /.test(` ${a} `)) return ok('pod/owdev-invoker-0 condition met');
    const raw = args.indexOf('--raw');
    if (raw >= 0) {
      const path = args[raw + 1] as string;
      if (path.endsWith('/services/owdev-controller:http/proxy/invokers/healthy/count'))
        return ok(String(this.o.api.healthyCount()));
      return err(`Error from server (NotFound): the server could not find the requested resource`);
    }
    if (/ get pods -o wide/.test(` ${a}`)) return ok(this.podTable());
    if (/get pod\/owdev-invoker-0 -o jsonpath/.test(a)) {
      const inv = this.values?.invoker as { imageName?: string; imageTag?: string } | undefined;
      const image = inv?.imageName ? `${inv.imageName}:${inv.imageTag}` : 'openwhisk/invoker:ef725a6';
      return ok(`${image}\ndocker.io/${image.split(/[:@]/)[0]}@sha256:${'a'.repeat(64)}`);
    }
    if (/get pod\/owdev-controller-0 -o jsonpath/.test(a))
      return ok(`openwhisk/controller:ef725a6\ndocker.io/openwhisk/controller@sha256:${'c'.repeat(64)}`);
    return err(`fake kubectl: ${a}`);
  }

  private podTable(): string {
    const rows = [
      'NAME                     READY   STATUS    RESTARTS   AGE   IP           NODE',
      'owdev-controller-0       1/1     Running   0          5m    10.244.0.7   kind-control-plane',
      'owdev-invoker-0          1/1     Running   0          4m    10.244.0.9   kind-control-plane',
      ...this.o.api.pendingPods.map(
        (p) => `${p.padEnd(24)} 0/1     Pending   0          3m    <none>       <none>`,
      ),
    ];
    return rows.join('\n');
  }

  private kind(args: string[]): CommandResult {
    if (args[0] === 'version') return ok('kind v0.24.0 go1.22.6 linux/amd64');
    const name = args[args.indexOf('--name') + 1] as string;
    if (args[0] === 'get' && args[1] === 'clusters') return ok([...this.kindClusters].join('\n'));
    if (args[0] === 'get' && args[1] === 'kubeconfig') return ok('apiVersion: v1\nkind: Config\n');
    if (args[0] === 'create') {
      this.kindClusters.add(name);
      return ok();
    }
    if (args[0] === 'delete') {
      this.kindClusters.delete(name);
      return ok();
    }
    if (args[0] === 'load') {
      const image = args[2] as string;
      if (!this.images.has(image)) return err(`ERROR: image: "${image}" not present locally`);
      this.loaded.push(image);
      return ok();
    }
    return err(`fake kind: ${args.join(' ')}`);
  }

  private docker(args: string[]): CommandResult {
    if (args[0] === 'version') return ok('20.10.24+dfsg1');
    if (args[0] === 'image' && args[1] === 'inspect') {
      const ref = args.at(-1) as string;
      if (!this.images.has(ref)) return err(`Error: No such image: ${ref}`);
      const digest = ref.includes('@') ? JSON.stringify([ref.replace(/:[^/@]+@/, '@')]) : '[]';
      return ok(`sha256:${'b'.repeat(64)} ${digest}`);
    }
    if (args[0] === 'tag') {
      if (!this.images.has(args[1] as string)) return err(`Error: No such image: ${args[1]}`);
      this.images.add(args[2] as string);
      return ok();
    }
    return err(`fake docker: ${args.join(' ')}`);
  }
}

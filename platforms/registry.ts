/**
 * Platform name → module, imported lazily (SeBS's name→class map in sebs/sebs.py). Each
 * platform lives in platforms/<name>/: `config.ts` (light: the JSON Schema of its suite entry,
 * the config type derived from it, `parseConfig`) and `index.ts` (heavy: `create(config, context)`).
 */
import type { Platform, SettingsControl } from '../core/platform.js';
import type { JsonSchema } from '../core/validate.js';

export const PLATFORM_NAMES = ['local-container', 'local-wasm', 'sim', 'openwhisk', 'spin'] as const;
export type PlatformName = (typeof PLATFORM_NAMES)[number];

/** What every platform factory gets besides its own config. */
export interface PlatformContext {
  /** Where built workload artifacts live (default workloads/build). */
  buildDir: string;
  /** A directory the platform may write logs and scratch files to (inside the point's results). */
  workDir: string;
  /** Log a line to stderr (never stdout). */
  log: (line: string) => void;
}

export interface PlatformModule {
  create(config: Record<string, unknown>, context: PlatformContext): Platform | Promise<Platform>;
}

export interface PlatformConfigModule {
  /** JSON Schema of the suite entry, including `name`, with its defaults: the one source of the config type. */
  configSchema: JsonSchema;
  /**
   * Validate an entry (schema, defaults, cross-field rules); `where` prefixes every path
   * (default: the platform's name). @throws ConfigError listing every problem
   */
  parseConfig(raw: unknown, where?: string): unknown;
  /** What an entry (as parseConfig returns it) does with a point's keep-alive and routing. */
  settingsControl(config: never): SettingsControl;
  /**
   * Optional suite-level rule: problems with the entry for these workloads (e.g. OpenWhisk
   * needs an action per workload), each `<where>.<key> …`. Gets what parseConfig returned.
   */
  checkWorkloads?(config: unknown, workloads: string[], where?: string): string[];
}

export function isPlatformName(name: string): name is PlatformName {
  return (PLATFORM_NAMES as readonly string[]).includes(name);
}

export async function loadPlatformModule(name: PlatformName): Promise<PlatformModule> {
  switch (name) {
    case 'local-container':
      return import('./local-container/index.js');
    case 'local-wasm':
      return import('./local-wasm/index.js');
    case 'sim':
      return import('./sim/index.js');
    case 'openwhisk':
      return import('./openwhisk/index.js');
    case 'spin':
      return import('./spin/index.js');
  }
}

export async function loadPlatformConfig(name: PlatformName): Promise<PlatformConfigModule> {
  switch (name) {
    case 'local-container':
      return import('./local-container/config.js');
    case 'local-wasm':
      return import('./local-wasm/config.js');
    case 'sim':
      return import('./sim/config.js');
    case 'openwhisk':
      return import('./openwhisk/config.js');
    case 'spin':
      return import('./spin/config.js');
  }
}

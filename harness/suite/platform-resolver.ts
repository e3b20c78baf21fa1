/**
 * How the engine reaches platforms: the registry by default (lazy imports of
 * platforms/<name>/{config,index}.ts); tests pass a resolver with fakes (same interface).
 */

import { ConfigError } from '../../core/errors.js';
import type { Platform, SettingsControl } from '../../core/platform.js';
import {
  isPlatformName,
  loadPlatformConfig,
  loadPlatformModule,
  type PlatformContext,
} from '../../platforms/registry.js';

export interface PlatformResolver {
  /**
   * Check a platform's suite entry: its schema, then its cross-field rules, then (given the
   * suite's workloads) its suite-level rule; problems are named `<where>.<key>`. Returns what
   * the entry does with a point's keep-alive and routing.
   * @throws ConfigError listing them; Error when the platform is not available
   */
  checkConfig(
    name: string,
    config: Record<string, unknown>,
    where: string,
    workloads?: string[],
  ): Promise<SettingsControl>;
  create(name: string, config: Record<string, unknown>, context: PlatformContext): Promise<Platform>;
}

export const registryResolver: PlatformResolver = {
  async checkConfig(name, config, where, workloads) {
    if (!isPlatformName(name)) throw new Error(`unknown platform ${JSON.stringify(name)}`);
    const module = await loadPlatformConfig(name);
    const parsed = module.parseConfig(config, where);
    const problems =
      workloads && module.checkWorkloads ? module.checkWorkloads(parsed, workloads, where) : [];
    if (problems.length)
      throw new ConfigError(`${where}: the ${name} entry cannot run this suite's workloads`, problems);
    return module.settingsControl(parsed as never);
  },
  async create(name, config, context) {
    if (!isPlatformName(name)) throw new Error(`unknown platform ${JSON.stringify(name)}`);
    return (await loadPlatformModule(name)).create(config, context);
  },
};

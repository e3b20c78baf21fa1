/**
 * How the engine reaches platforms: the registry by default (lazy imports of
 * platforms/<name>/{config,index}.ts); tests pass a resolver with fakes (same interface).
 */

import type { Platform, SettingsControl } from '../../core/platform.js';
import {
  isPlatformName,
  loadPlatformConfig,
  loadPlatformModule,
  type PlatformContext,
} from '../../platforms/registry.js';

export interface PlatformResolver {
  /**
   * Check a platform's suite entry: its schema, then its cross-field rules; problems are named
   * `<where>.<key>`; returns what the entry does with a point's settings.
   * @throws ConfigError listing them; Error when the platform is not available
   */
  checkConfig(name: string, config: Record<string, unknown>, where: string): Promise<SettingsControl>;
  create(name: string, config: Record<string, unknown>, context: PlatformContext): Promise<Platform>;
}

export const registryResolver: PlatformResolver = {
  async checkConfig(name, config, where) {
    if (!isPlatformName(name)) throw new Error(`unknown platform ${JSON.stringify(name)}`);
    const module = await loadPlatformConfig(name);
    return module.settingsControl(module.parseConfig(config, where) as never);
  },
  async create(name, config, context) {
    if (!isPlatformName(name)) throw new Error(`unknown platform ${JSON.stringify(name)}`);
    return (await loadPlatformModule(name)).create(config, context);
  },
};

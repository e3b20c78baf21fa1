/**
 * How the engine reaches platforms: the registry by default (lazy imports of
 * platforms/<name>/{config,index}.ts); tests pass a resolver with fakes (same interface).
 */

import type { Platform } from '../../core/platform.js';
import {
  isPlatformName,
  loadPlatformConfig,
  loadPlatformModule,
  type PlatformContext,
} from '../../platforms/registry.js';

export interface PlatformResolver {
  /** The platform's suite-entry JSON Schema (throws when the platform is not available). */
  configSchema(name: string): Promise<Record<string, unknown>>;
  create(name: string, config: Record<string, unknown>, context: PlatformContext): Promise<Platform>;
}

export const registryResolver: PlatformResolver = {
  async configSchema(name) {
    if (!isPlatformName(name)) throw new Error(`unknown platform ${JSON.stringify(name)}`);
    return (await loadPlatformConfig(name)).configSchema;
  },
  async create(name, config, context) {
    if (!isPlatformName(name)) throw new Error(`unknown platform ${JSON.stringify(name)}`);
    return (await loadPlatformModule(name)).create(config, context);
  },
};

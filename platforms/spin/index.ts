/**
 * The `spin` platform: `create(config, context)` validates the suite entry and returns the
 * bare-metal adapter (`spin up` on this host) or the SpinKube adapter (a SpinApp on Kubernetes).
 */

import type { Platform } from '../../core/platform.js';
import type { PlatformContext } from '../registry.js';
import { SpinBareMetalPlatform } from './bare-metal.js';
import { parseConfig } from './config.js';

export { SpinBareMetalPlatform } from './bare-metal.js';
export { parseConfig, type SpinConfig } from './config.js';

/** @throws ConfigError for a bad suite entry (every problem listed). */
export async function create(config: Record<string, unknown>, context: PlatformContext): Promise<Platform> {
  const resolved = parseConfig(config);
  if (resolved.mode === 'spinkube') {
    const { SpinKubePlatform } = await import('./spinkube/platform.js');
    return new SpinKubePlatform(resolved, context);
  }
  return new SpinBareMetalPlatform(resolved, context);
}

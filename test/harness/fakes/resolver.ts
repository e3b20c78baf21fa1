/** A platform resolver for tests: small schemas shaped like the real ones, fake platforms. */

import type { Platform } from '../../../core/platform.js';
import type { PlatformResolver } from '../../../harness/suite/platform-resolver.js';
import { parseEntry } from '../../../platforms/platform-config.js';
import { type FakeOptions, FakePlatform } from './fake-platform.js';

export const FAKE_SCHEMAS: Record<string, Record<string, unknown>> = {
  'local-container': {
    $id: 'test/local-container',
    type: 'object',
    additionalProperties: false,
    required: ['name'],
    properties: {
      name: { const: 'local-container' },
      routing: { enum: ['mru', 'newest', 'random'] },
      maxConcurrency: { type: 'integer', minimum: 1 },
    },
  },
  'local-wasm': {
    $id: 'test/local-wasm',
    type: 'object',
    additionalProperties: false,
    required: ['name'],
    properties: { name: { const: 'local-wasm' }, workers: { type: 'integer', minimum: 1 } },
  },
  sim: {
    $id: 'test/sim',
    type: 'object',
    additionalProperties: false,
    required: ['name'],
    properties: { name: { const: 'sim' } },
  },
};

/** Resolver whose platforms are FakePlatforms (wasm kind for local-wasm). */
export function fakeResolver(opts: FakeOptions = {}, created: Platform[] = []): PlatformResolver {
  return {
    async checkConfig(name, config, where) {
      const s = FAKE_SCHEMAS[name];
      if (!s) throw new Error(`no fake for ${name}`);
      parseEntry(name, s, config, where);
      if (name === 'local-wasm') return { keepAlive: 'none', routing: false };
      return opts.control ?? { keepAlive: 'set', routing: true };
    },
    async create(name) {
      const p = new FakePlatform({ ...opts, executor: name === 'local-wasm' ? 'wasm' : 'container' });
      created.push(p);
      return p;
    },
  };
}

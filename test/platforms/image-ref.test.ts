/**
 * Image references as the Docker distribution grammar writes them (platforms/external/image-ref.ts):
 * tags, digests, registries with ports, and the local tag that stands for a digest.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  digestAlias,
  formatImageRef,
  parseImageRef,
  pullsAlways,
} from '../../platforms/external/image-ref.js';

const D = `sha256:${'0123456789abcdef'.repeat(4)}`;

describe('image references', () => {
  it('parses name, tag and digest (table)', () => {
    const cases: Array<[string, ReturnType<typeof parseImageRef>]> = [
      ['aes', { name: 'aes' }],
      ['faasmark/aes:nightly', { name: 'faasmark/aes', tag: 'nightly' }],
      ['localhost:5000/a/b:1', { name: 'localhost:5000/a/b', tag: '1' }],
      ['registry:5000/ns/invoker', { name: 'registry:5000/ns/invoker' }],
      [`ghcr.io/me/invoker@${D}`, { name: 'ghcr.io/me/invoker', digest: D }],
      [`ghcr.io/me/invoker:mru-ef725a6@${D}`, { name: 'ghcr.io/me/invoker', tag: 'mru-ef725a6', digest: D }],
      ['My.Registry.io/ab/c', { name: 'My.Registry.io/ab/c' }],
    ];
    for (const [ref, expected] of cases) {
      assert.deepEqual(parseImageRef(ref), expected, ref);
      assert.equal(formatImageRef(expected as NonNullable<typeof expected>), ref);
    }
  });

  it('refuses what is not a reference (table)', () => {
    for (const ref of [
      '',
      'Not/aes',
      'ab/Cd',
      'a b',
      'a:',
      'a@',
      'a@sha256:12',
      `a@sha512:${'a'.repeat(64)}`,
      'a:t:u',
      '/a',
      'a//b',
    ])
      assert.equal(parseImageRef(ref), undefined, ref);
  });

  it('a digest gets a local tag; latest or no tag pulls always', () => {
    assert.equal(
      digestAlias({ name: 'ghcr.io/me/invoker', digest: D }),
      'ghcr.io/me/invoker:faasmark-0123456789ab',
    );
    assert.equal(digestAlias({ name: 'a', tag: 't' }), 'a:t');
    assert.equal(pullsAlways({ name: 'a' }), true);
    assert.equal(pullsAlways({ name: 'a', tag: 'latest' }), true);
    assert.equal(pullsAlways({ name: 'a', digest: D }), false);
    assert.equal(pullsAlways({ name: 'a', tag: 'nightly' }), false);
  });
});

/** The whatlang profile generator (workloads/whatlang/generate-profiles.ts) and the committed profiles. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { rootPath } from '../../core/paths.js';
import {
  countTrigrams,
  LANGUAGES,
  PROFILE_SIZE,
  topTrigrams,
} from '../../workloads/whatlang/generate-profiles.js';

describe('whatlang profiles', () => {
  it('counts padded, lower-cased letter trigrams weighted 1/length, skipping possessives', () => {
    const counts = countTrigrams(['Ab', "cat's", 'abc'], false);
    // " ab" appears in "ab" (weight 1/2) and "abc" (weight 1/3)
    assert.equal(counts.get(' ab'), 1 / 2 + 1 / 3);
    assert.equal(counts.get('ab '), 1 / 2);
    assert.equal(counts.get('bc '), 1 / 3);
    assert.equal(counts.has('cat'), false);
    assert.equal(countTrigrams(['Paris'], true).size, 0, 'capitalised entries skipped when asked (English)');
    assert.deepEqual(topTrigrams(counts, 2), [' ab', 'ab ']);
  });

  it('the committed profiles.txt has one line of PROFILE_SIZE distinct trigrams per language', () => {
    const lines = readFileSync(rootPath('workloads', 'rust', 'whatlang', 'profiles.txt'), 'utf8')
      .split('\n')
      .filter((l) => l !== '' && !l.startsWith('#'));
    assert.deepEqual(
      lines.map((l) => l.split('\t')[0]),
      LANGUAGES.map((l) => l.code),
    );
    for (const line of lines) {
      const trigrams = line.split('\t').slice(1);
      assert.equal(trigrams.length, PROFILE_SIZE);
      assert.equal(new Set(trigrams).size, PROFILE_SIZE);
      assert.ok(trigrams.every((t) => [...t].length === 3));
    }
  });
});

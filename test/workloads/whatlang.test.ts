/**
 * whatlang: accuracy on a labelled sample (fixtures/whatlang-sample.json: 55 sentences, 11
 * languages, written for these tests), the thesis's pangram, and native = wasm. The
 * threshold (≥ 80 %) sits below the measured 85.5 % (47/55, 2026-11-25): profiles come from
 * wordlists, not running text, and the Scandinavian and Iberian pairs are close — the
 * table printed as diagnostics shows where it errs.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { type ActionServer, startActionServer } from '../../platforms/direct/native-runner.js';
import { invokeWasmRaw, runWasmOnce } from '../../platforms/direct/wasm-runner.js';
import { getWorkload } from '../../workloads/registry.js';
import { BOTH, needBuilds } from './helpers.js';

const SAMPLE = JSON.parse(
  readFileSync(new URL('./fixtures/whatlang-sample.json', import.meta.url), 'utf8'),
) as {
  sentences: [string, string][];
};

describe('whatlang', () => {
  let server: ActionServer | undefined;
  before(async () => {
    if (getWorkload('whatlang').artifacts().native) server = await startActionServer('whatlang');
  });
  after(async () => {
    await server?.stop();
  });

  it('detects "The quick brown fox jumps over the lazy dog" as English (eng)', async (t) => {
    if (!needBuilds(t, BOTH('whatlang'))) return;
    const r = (await runWasmOnce('whatlang', {})) as { lang: string; confidence: number };
    assert.equal(r.lang, 'eng');
    assert.ok(r.confidence > 0 && r.confidence <= 1);
    assert.deepEqual(await (server as ActionServer).run({}), r);
  });

  it('reaches >= 80 % accuracy on 55 labelled sentences in 11 languages (per-language table in diagnostics)', async (t) => {
    if (!needBuilds(t, [['whatlang', 'wasm']])) return;
    const perLang = new Map<string, { ok: number; total: number; wrong: string[] }>();
    let ok = 0;
    for (const [lang, text] of SAMPLE.sentences) {
      const r = (await runWasmOnce('whatlang', { text })) as { lang: string };
      const row = perLang.get(lang) ?? { ok: 0, total: 0, wrong: [] };
      row.total++;
      if (r.lang === lang) {
        row.ok++;
        ok++;
      } else row.wrong.push(r.lang);
      perLang.set(lang, row);
    }
    assert.ok(perLang.size >= 10);
    for (const [lang, row] of perLang) {
      t.diagnostic(
        `${lang}: ${row.ok}/${row.total}${row.wrong.length ? ` (misread as ${row.wrong.join(', ')})` : ''}`,
      );
    }
    const accuracy = ok / SAMPLE.sentences.length;
    t.diagnostic(`overall accuracy ${ok}/${SAMPLE.sentences.length} = ${(accuracy * 100).toFixed(1)} %`);
    assert.ok(accuracy >= 0.8, `accuracy ${accuracy}`);
  });

  it('gives byte-identical JSON natively and in wasm, including edge texts', async (t) => {
    if (!needBuilds(t, BOTH('whatlang'))) return;
    const texts = [
      ...SAMPLE.sentences.map(([, s]) => s),
      '',
      '12345 !!!',
      'ünïcödé ÆØÅ æøå',
      'a',
      '🙂🙂 hello',
    ];
    for (const text of texts) {
      const native = await (server as ActionServer).runRaw({ text });
      const wasm = await invokeWasmRaw('whatlang', JSON.stringify({ text }));
      assert.equal(native.status, 200);
      assert.equal(native.body, wasm.body, text);
    }
    assert.deepEqual(await runWasmOnce('whatlang', { text: '12345' }), {
      lang: 'und',
      confidence: 0,
      trigrams: 0,
    });
  });
});

describe('whatlang on arbitrary text (property, seeded)', () => {
  let server: ActionServer | undefined;
  before(async () => {
    if (getWorkload('whatlang').artifacts().native) server = await startActionServer('whatlang');
  });
  after(async () => {
    await server?.stop();
  });

  it('answers 200 with the same bytes natively and in wasm for 150 random Unicode strings (lone surrogates included)', async (t) => {
    if (!needBuilds(t, BOTH('whatlang'))) return;
    const fc = await import('fast-check');
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 200 }), async (text) => {
        const native = await (server as ActionServer).runRaw({ text });
        const wasm = await invokeWasmRaw('whatlang', JSON.stringify({ text }));
        assert.equal(native.status, 200, native.body);
        assert.equal(native.body, wasm.body);
        const r = JSON.parse(native.body) as { lang: string; confidence: number };
        assert.match(r.lang, /^[a-z]{3}$/);
        assert.ok(r.confidence >= 0 && r.confidence <= 1);
      }),
      { numRuns: 150, seed: 20261125 },
    );
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Resvg } from '@resvg/resvg-js';
import { type Figure, vegaLiteSpec } from '../../../analysis/plots/figure.js';
import { findFontFile, renderFigure, resvgOptions } from '../../../analysis/plots/render.js';

const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

const fig: Figure = {
  id: 't',
  title: 'Mean response time vs keep-alive',
  xLabel: 'keep-alive (s)',
  yLabel: 'response time (s)',
  series: [
    { name: 'SMP aes', kind: 'model', points: [1, 2, 3, 4].map((x) => ({ x, y: 1 / x })) },
    {
      name: 'OpenWhisk aes (measured)',
      kind: 'measured',
      points: [
        { x: 1, y: 1.1, lo: 1, hi: 1.2 },
        { x: 3, y: 0.3 },
      ],
    },
  ],
};

/** Dark pixels (all channels < 128) in the RGBA raster of `svg`. */
function darkPixels(svg: string, fontFile?: string): number {
  const img = new Resvg(svg, resvgOptions(fontFile)).render();
  const px = img.pixels;
  let n = 0;
  for (let i = 0; i < px.length; i += 4)
    if ((px[i] as number) < 128 && (px[i + 1] as number) < 128 && (px[i + 2] as number) < 128) n++;
  return n;
}

describe('figure specs', () => {
  it('layers: model lines, CI rules, measured points; one colour domain', () => {
    const spec = vegaLiteSpec(fig) as { layer: { mark: { type: string } }[]; data: { values: unknown[] } };
    assert.deepEqual(
      spec.layer.map((l) => l.mark.type),
      ['line', 'rule', 'point'],
    );
    assert.equal(spec.data.values.length, 6);
  });
  it('log scale drops non-positive values', () => {
    const spec = vegaLiteSpec({
      ...fig,
      yScale: 'log',
      series: [
        {
          name: 's',
          kind: 'model',
          points: [
            { x: 1, y: 0 },
            { x: 2, y: 1 },
          ],
        },
      ],
    }) as {
      data: { values: unknown[] };
    };
    assert.equal(spec.data.values.length, 1);
  });
  it('refuses figures too large to render fast', () => {
    const big = {
      ...fig,
      series: [
        { name: 's', kind: 'model' as const, points: Array.from({ length: 6000 }, (_, x) => ({ x, y: x })) },
      ],
    };
    assert.throws(() => vegaLiteSpec(big), /at most 5000 render quickly/);
  });
});

describe('rendering', () => {
  it('SVG holds the title, axis labels and legend; PNG has the PNG signature', async () => {
    const r = await renderFigure(fig);
    assert.match(r.svg, /^<svg/);
    assert.match(r.svg, /Mean response time vs keep-alive/);
    assert.match(r.svg, /keep-alive \(s\)/);
    assert.match(r.svg, /OpenWhisk aes \(measured\)/);
    assert.doesNotMatch(r.svg, /(src|href)\s*=\s*["']https?:/);
    assert.deepEqual([...r.png.subarray(0, 8)], PNG_MAGIC);
  });
  it('text renders in the PNG with the explicitly loaded font', () => {
    const font = findFontFile();
    assert.ok(font, 'DejaVu Sans not found: install Debian fonts-dejavu-core (or set FAASMARK_FONT_FILE)');
    // an SVG like vega writes it (text with font-family); the same without the text is the baseline
    const svg =
      '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="50"><rect width="200" height="50" fill="white"/><text x="5" y="40" font-family="DejaVu Sans" font-size="30px" fill="#000">faasmark</text></svg>';
    const noText = svg.replace(/<text[^>]*>faasmark<\/text>/, '');
    assert.notEqual(noText, svg);
    assert.ok(darkPixels(svg, font) > darkPixels(noText, font) + 200, 'glyphs drew dark pixels');
  });
});

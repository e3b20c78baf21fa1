/**
 * Server-side figure rendering, no browser: Vega-Lite spec → Vega (vega-lite `compile`) →
 * headless Vega `View` (renderer 'none') → `toSVG()`; SVG → PNG with @resvg/resvg-js, with the
 * DejaVu Sans font file loaded explicitly (Debian `fonts-dejavu-core`) so text renders the
 * same on every machine instead of depending on whatever system fonts resvg finds.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Resvg, type ResvgRenderOptions } from '@resvg/resvg-js';
import { parse, View } from 'vega';
import { compile } from 'vega-lite';
import { writeFileAtomic, writeJsonAtomic } from '../../core/fs-atomic.js';
import { type Figure, vegaLiteSpec } from './figure.js';

/** Where Debian's fonts-dejavu-core puts the face the figures use. */
export const FONT_CANDIDATES = [
  '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf',
  '/usr/share/fonts/dejavu/DejaVuSans.ttf',
  '/usr/share/fonts/TTF/DejaVuSans.ttf',
];

/** The font file loaded into resvg, or undefined when none of the candidates exists. */
export function findFontFile(): string | undefined {
  const fromEnv = process.env.FAASMARK_FONT_FILE;
  if (fromEnv && existsSync(fromEnv)) return fromEnv;
  return FONT_CANDIDATES.find((p) => existsSync(p));
}

/** Render a Vega-Lite spec to an SVG string (headless Vega view). */
export async function specToSvg(spec: Record<string, unknown>): Promise<string> {
  // biome-ignore lint/suspicious/noExplicitAny: vega-lite's TopLevelSpec type is too deep to build by hand
  const vg = compile(spec as any).spec;
  const view = new View(parse(vg), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** resvg options: white background, 2× zoom, the DejaVu Sans file loaded explicitly when found. */
export function resvgOptions(fontFile = findFontFile()): ResvgRenderOptions {
  return {
    background: 'white',
    fitTo: { mode: 'zoom', value: 2 },
    font: fontFile
      ? { fontFiles: [fontFile], loadSystemFonts: false, defaultFontFamily: 'DejaVu Sans' }
      : { loadSystemFonts: true },
  };
}

/** Rasterise an SVG to PNG bytes (2× scale for legibility). */
export function svgToPng(svg: string, fontFile = findFontFile()): Uint8Array {
  return new Resvg(svg, resvgOptions(fontFile)).render().asPng();
}

export interface RenderedFigure {
  id: string;
  svg: string;
  png: Uint8Array;
  spec: Record<string, unknown>;
}

/** Draw one figure as SVG and PNG. */
export async function renderFigure(fig: Figure): Promise<RenderedFigure> {
  const spec = vegaLiteSpec(fig);
  const svg = await specToSvg(spec);
  return { id: fig.id, svg, png: svgToPng(svg), spec };
}

/**
 * Draw one figure and write `<dir>/<id>.svg` and `.png` (with `spec`, also the Vega-Lite spec
 * as `.vl.json`), atomically. Returns the SVG text and the [svg, png] paths.
 */
export async function writeFigure(
  fig: Figure,
  dir: string,
  opts: { spec?: boolean } = {},
): Promise<{ svg: string; files: [string, string] }> {
  const r = await renderFigure(fig);
  const svgPath = join(dir, `${fig.id}.svg`);
  const pngPath = join(dir, `${fig.id}.png`);
  await writeFileAtomic(svgPath, r.svg);
  await writeFileAtomic(pngPath, r.png);
  if (opts.spec) await writeJsonAtomic(join(dir, `${fig.id}.vl.json`), r.spec);
  return { svg: r.svg, files: [svgPath, pngPath] };
}

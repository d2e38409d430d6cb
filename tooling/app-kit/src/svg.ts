/**
 * Pictures are written as SVG text and rasterised to PNG by resvg (@resvg/resvg-js: Rust's
 * resvg with its prebuilt binary inside the npm package, no download at install time). Text
 * is set in Roboto, loaded from the @expo-google-fonts/roboto package rather than the
 * system's fonts, so a PNG looks the same on every machine.
 */
import { createRequire } from 'node:module';
import { Resvg } from '@resvg/resvg-js';

const require = createRequire(import.meta.url);
const FONT_FILES = ['400Regular/Roboto_400Regular.ttf', '700Bold/Roboto_700Bold.ttf'].map((f) => require.resolve(`@expo-google-fonts/roboto/${f}`));
export const FONT_FAMILY = 'Roboto';

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

type Attributes = Record<string, string | number | undefined>;

function attributes(attrs: Attributes): string {
  return Object.entries(attrs)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${escapeXml(typeof v === 'number' ? String(Math.round(v * 100) / 100) : (v as string))}"`)
    .join('');
}

/** An element: `el('rect', { x: 1 })`, or with children or text inside. */
export function el(name: string, attrs: Attributes, inner = ''): string {
  return inner === '' ? `<${name}${attributes(attrs)}/>` : `<${name}${attributes(attrs)}>${inner}</${name}>`;
}

export interface TextOptions {
  size?: number;
  anchor?: 'start' | 'middle' | 'end';
  weight?: 'normal' | 'bold';
  fill?: string;
  /** Degrees, about (x, y). */
  rotate?: number;
  /** Vertical placement of (x, y): the baseline (default) or the middle of the letters. */
  baseline?: 'alphabetic' | 'middle';
}

export function text(x: number, y: number, content: string, options: TextOptions = {}): string {
  // resvg centres on 'central'; a shift of a third of the size is the same for Roboto and works everywhere.
  const dy = options.baseline === 'middle' ? (options.size ?? 12) * 0.35 : 0;
  return el(
    'text',
    {
      x,
      y: y + dy,
      'font-size': options.size ?? 12,
      'font-family': FONT_FAMILY,
      'font-weight': options.weight === 'bold' ? 700 : undefined,
      'text-anchor': options.anchor ?? 'start',
      fill: options.fill ?? '#222',
      transform: options.rotate === undefined ? undefined : `rotate(${options.rotate} ${x} ${y})`,
    },
    escapeXml(content),
  );
}

export function svgDocument(width: number, height: number, body: string[]): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">` +
    `<rect width="${width}" height="${height}" fill="white"/>${body.join('')}</svg>`
  );
}

/** PNG bytes of an SVG document. */
export function renderPng(svg: string): Uint8Array {
  const resvg = new Resvg(svg, {
    font: { loadSystemFonts: false, fontFiles: FONT_FILES, defaultFontFamily: FONT_FAMILY, sansSerifFamily: FONT_FAMILY },
    shapeRendering: 2,
    textRendering: 1,
    imageRendering: 1, // nearest neighbour: enlarged 28×28 images keep their pixels
    logLevel: 'off',
  });
  return resvg.render().asPng();
}

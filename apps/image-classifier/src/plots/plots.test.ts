import { describe, expect, it } from 'vitest';
import { decodePng, type Image } from '@nn/data';
import { blues, confusionSvg } from '@nn/app-kit/confusion';
import { curvesSvg, niceTicks } from './curves.js';
import { mistakesSvg } from './mistakes.js';
import { escapeXml, renderPng, text } from '@nn/app-kit/svg';

/** Distinct grey levels of a rendered PNG: a blank picture has one. */
function decoded(svg: string): { image: Image; levels: number } {
  const image = decodePng(renderPng(svg));
  const levels = new Set<number>();
  for (let i = 0; i < image.data.length; i += 7) levels.add(image.data[i]);
  return { image, levels: levels.size };
}

describe('svg helpers', () => {
  it('escapes text', () => {
    expect(escapeXml(`<T-shirt & "top">`)).toBe('&#60;T-shirt &#38; &#34;top&#34;&#62;');
    expect(text(1, 2, 'a<b')).toContain('>a&#60;b</text>');
  });

  it('draws text with the bundled font (the letters change pixels)', () => {
    const blank = decoded(`<svg xmlns="http://www.w3.org/2000/svg" width="200" height="40"><rect width="200" height="40" fill="white"/></svg>`);
    const lettered = decoded(`<svg xmlns="http://www.w3.org/2000/svg" width="200" height="40"><rect width="200" height="40" fill="white"/>${text(10, 28, 'Ankle boot', { size: 20 })}</svg>`);
    expect(blank.levels).toBe(1);
    expect(lettered.levels).toBeGreaterThan(4);
  });
});

describe('niceTicks', () => {
  it('covers the range with round steps', () => {
    expect(niceTicks(0.31, 0.92)).toEqual([0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(0.855, 0.912)).toEqual([0.84, 0.86, 0.88, 0.9, 0.92]);
    expect(niceTicks(12, 87)).toEqual([0, 20, 40, 60, 80, 100]);
  });

  it('widens a single value into a range', () => {
    const ticks = niceTicks(0.5, 0.5);
    expect(ticks[0]).toBeLessThan(0.5);
    expect(ticks[ticks.length - 1]).toBeGreaterThan(0.5);
  });
});

describe('plots', () => {
  it('shades the confusion matrix from white to dark blue', () => {
    expect(blues(0)).toBe('rgb(247,251,255)');
    expect(blues(1)).toBe('rgb(8,48,107)');
    const counts = [
      [90, 10],
      [5, 95],
    ];
    const svg = confusionSvg({ classes: ['Shirt', 'T-shirt/top'], counts, title: 'test' });
    expect(svg).toContain('>T-shirt/top</text>');
    expect(svg).toContain('>95</text>');
    const { image } = decoded(svg);
    expect(image.width).toBeGreaterThan(200);
  });

  it('draws misclassified images with their labels', () => {
    const image: Image = { channels: 1, height: 28, width: 28, data: Uint8Array.from({ length: 784 }, (_, i) => i % 256) };
    const svg = mistakesSvg({ title: 'mistakes', mistakes: [{ image, actual: 'Shirt', predicted: 'Coat', confidence: 0.87 }] });
    expect(svg).toContain('true: Shirt');
    expect(svg).toContain('guess: Coat 87 %');
    expect(svg).toContain('data:image/png;base64,');
    expect(decoded(svg).levels).toBeGreaterThan(10);
  });

  it('draws learning curves', () => {
    const svg = curvesSvg({ title: 'run', loss: { train: [1, 0.5, 0.4], val: [0.8, 0.6, 0.5] }, accuracy: { train: [0.6, 0.8, 0.85], val: [0.7, 0.8, 0.82] }, best: 3 });
    expect(svg).toContain('kept (epoch 3)');
    expect(svg.match(/<polyline/g)).toHaveLength(4);
    expect(decoded(svg).image.height).toBeGreaterThan(300);
  });
});

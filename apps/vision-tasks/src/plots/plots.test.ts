import { describe, expect, it } from 'vitest';
import { chartSvg, niceTicks } from '@nn/app-kit/lines';
import { CLASS_COLORS, scenesSvg } from './scenes.js';
import { renderPng } from '@nn/app-kit/svg';

const grey = { channels: 3, height: 4, width: 4, data: new Uint8Array(48).fill(100) };

describe('pictures', () => {
  it('ticks are round numbers inside the range', () => {
    expect(niceTicks(0, 1)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(1, 4)).toEqual([1, 2, 3, 4]);
  });

  it('draws one labelled line per class and renders to PNG', () => {
    const svg = chartSvg({ title: 'PR', xLabel: 'recall', yLabel: 'precision', xRange: [0, 1], yRange: [0, 1], lines: [{ label: 'Coat (AP 0.50)', x: [0, 1], y: [1, 0.5], color: '#123456' }] });
    expect(svg).toContain('Coat (AP 0.50)');
    expect(svg).toContain('stroke="#123456"');
    expect(Array.from(renderPng(svg).subarray(1, 4))).toEqual([0x50, 0x4e, 0x47]); // 'PNG'
  });

  it('puts ground truth beside prediction, boxes with class and score, and a legend', () => {
    const svg = scenesSvg({
      title: 't',
      classes: ['T-shirt/top', 'Trouser'],
      rows: [{ truth: { image: grey, boxes: [{ box: [0, 0, 2, 2], classId: 1 }] }, prediction: { image: grey, boxes: [{ box: [1, 1, 3, 3], classId: 1, score: 0.875 }] } }],
    });
    expect(svg.match(/ground truth/g)).toHaveLength(1);
    expect(svg).toContain('Trouser 0.88');
    expect(svg).toContain(`stroke="${CLASS_COLORS[1]}"`);
    expect(svg).toContain('T-shirt/top'); // the legend
  });
});

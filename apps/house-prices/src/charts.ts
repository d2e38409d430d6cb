/**
 * The two pictures of a training run, drawn by Vega-Lite (a chart grammar: the spec says
 * what to show, Vega lays it out and renders SVG headlessly) and rasterised to PNG by
 * resvg (a Rust SVG renderer shipped as a prebuilt npm package; no native build).
 */
import { Resvg } from '@resvg/resvg-js';
import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

async function toPng(spec: TopLevelSpec): Promise<Uint8Array> {
  const view = new View(parse(compile(spec).spec), { renderer: 'none' });
  try {
    const svg = await view.toSVG();
    // Text needs a font: the system's, with DejaVu Sans (Debian's default) preferred.
    const png = new Resvg(svg, { background: 'white', fitTo: { mode: 'zoom', value: 2 }, font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' } });
    return png.render().asPng();
  } finally {
    view.finalize();
  }
}

/** Training and validation loss per epoch, log scale, with a rule at the best epoch (the one kept). */
export function lossChart(history: readonly Record<string, number>[], bestEpoch: number, title: string): Promise<Uint8Array> {
  const values = history.flatMap((e, i) => [
    { epoch: i + 1, loss: e.loss, split: 'training' },
    ...(e.val_loss === undefined ? [] : [{ epoch: i + 1, loss: e.val_loss, split: 'validation' }]),
  ]);
  return toPng({
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    width: 560,
    height: 320,
    layer: [
      {
        data: { values },
        mark: { type: 'line', strokeWidth: 2 },
        encoding: {
          x: { field: 'epoch', type: 'quantitative', title: 'epoch' },
          y: { field: 'loss', type: 'quantitative', scale: { type: 'log' }, title: 'loss (MSE of the standardised log price)' },
          color: { field: 'split', type: 'nominal', title: null, scale: { range: ['#4c78a8', '#f58518'] } },
        },
      },
      {
        data: { values: [{ epoch: bestEpoch }] },
        mark: { type: 'rule', color: '#888', strokeDash: [6, 4] },
        encoding: { x: { field: 'epoch', type: 'quantitative' } },
      },
    ],
  });
}

/** Predicted against actual price, log-log, with the line of perfect prediction. */
export function scatterChart(actual: ArrayLike<number>, predicted: ArrayLike<number>, title: string): Promise<Uint8Array> {
  const points = Array.from(actual, (a, i) => ({ actual: a, predicted: predicted[i] }));
  const all = [...Array.from(actual), ...Array.from(predicted)];
  const [low, high] = [Math.min(...all), Math.max(...all)];
  const axis = { type: 'log' as const, domain: [low * 0.9, high * 1.1], nice: false };
  return toPng({
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    width: 420,
    height: 420,
    layer: [
      {
        data: { values: [{ actual: low, predicted: low }, { actual: high, predicted: high }] },
        mark: { type: 'line', color: '#888', strokeDash: [6, 4] },
        encoding: { x: { field: 'actual', type: 'quantitative', scale: axis }, y: { field: 'predicted', type: 'quantitative', scale: axis } },
      },
      {
        data: { values: points },
        mark: { type: 'circle', size: 14, opacity: 0.55, color: '#4c78a8' },
        encoding: {
          x: { field: 'actual', type: 'quantitative', scale: axis, title: 'actual price ($)', axis: { format: '$~s' } },
          y: { field: 'predicted', type: 'quantitative', scale: axis, title: 'predicted price ($)', axis: { format: '$~s' } },
        },
      },
    ],
  });
}

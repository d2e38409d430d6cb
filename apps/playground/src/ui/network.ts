/**
 * The network picture: a column of input features, one column per hidden layer (its
 * neurons' heat maps, +/− neurons, the layer's activation), the output; links between
 * columns drawn as SVG lines whose width and colour follow the weight. Hovering a link
 * shows its weight; clicking it edits it.
 */
import { ACTIVATIONS, FEATURES, LIMITS, type ActivationName, type Config, type FeatureName } from '../config.js';
import { FEATURE_LABELS, featureMatrix, gridPoints, orderedFeatures } from '../features.js';
import type { Frame } from '../trainer.js';
import { cssColor } from './colors.js';
import { drawHeatmap } from './heatmap.js';

export interface NetworkHandlers {
  toggleFeature(feature: FeatureName): void;
  setLayers(count: number): void;
  setNeurons(layer: number, neurons: number): void;
  setActivation(layer: number, activation: ActivationName): void;
  editWeight(layer: number, to: number, from: number, value: number): void;
}

const SVG = 'http://www.w3.org/2000/svg';
const NODE_PX = 40;

function element<K extends keyof HTMLElementTagNameMap>(tag: K, className = '', text = ''): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text) e.textContent = text;
  return e;
}

function nodeCanvas(): HTMLCanvasElement {
  const canvas = element('canvas', 'node-map');
  canvas.width = NODE_PX;
  canvas.height = NODE_PX;
  return canvas;
}

export class NetworkView {
  private readonly svg: SVGSVGElement;
  /** Per column (features, hidden layers..., output), the node elements in order. */
  private columns: HTMLElement[][] = [];
  private neuronCanvases: HTMLCanvasElement[][] = [];
  private outputCanvas: HTMLCanvasElement | null = null;
  private links: SVGLineElement[][] = [];
  private readonly editor: HTMLInputElement;
  private editing: { layer: number; to: number; from: number } | null = null;

  constructor(
    private readonly root: HTMLElement,
    private readonly handlers: NetworkHandlers,
  ) {
    this.svg = document.createElementNS(SVG, 'svg');
    this.svg.classList.add('links');
    this.editor = element('input', 'weight-editor');
    this.editor.type = 'number';
    this.editor.step = '0.1';
    this.editor.hidden = true;
    this.editor.addEventListener('keydown', (event) => {
      if (event.key === 'Enter') this.commitEdit();
      if (event.key === 'Escape') this.editor.hidden = true;
    });
    this.editor.addEventListener('blur', () => (this.editor.hidden = true));
    window.addEventListener('resize', () => this.placeLinks());
  }

  /** Rebuilds the columns for a new structure. */
  build(config: Config): void {
    this.root.replaceChildren(this.svg, this.editor);
    this.columns = [];
    this.neuronCanvases = [];
    const active = orderedFeatures(config.features);

    const features = element('div', 'column features');
    features.append(element('div', 'column-head', 'Features'));
    const grid = gridPoints(20);
    const inputNodes: HTMLElement[] = [];
    for (const f of FEATURES) {
      const node = element('button', `node feature${active.includes(f) ? ' active' : ''}`);
      node.dataset.feature = f;
      node.title = `${active.includes(f) ? 'Remove' : 'Add'} the feature ${FEATURE_LABELS[f]}`;
      const canvas = nodeCanvas();
      const values = featureMatrix(grid.xs, grid.ys, [f]);
      const scale = Math.max(...values.map(Math.abs)) || 1;
      drawHeatmap(canvas, values.map((v) => v / scale), 20);
      node.append(canvas, element('span', 'label', FEATURE_LABELS[f]));
      node.addEventListener('click', () => this.handlers.toggleFeature(f));
      features.append(node);
      if (active.includes(f)) inputNodes.push(node);
    }
    this.columns.push(inputNodes);

    const layers = element('div', 'layers');
    const head = element('div', 'layers-head');
    const add = element('button', 'small', '+');
    add.title = 'Add a hidden layer';
    add.dataset.action = 'add-layer';
    add.disabled = config.hidden.length >= LIMITS.hiddenLayers;
    add.addEventListener('click', () => this.handlers.setLayers(config.hidden.length + 1));
    const remove = element('button', 'small', '−');
    remove.title = 'Remove a hidden layer';
    remove.dataset.action = 'remove-layer';
    remove.disabled = config.hidden.length === 0;
    remove.addEventListener('click', () => this.handlers.setLayers(config.hidden.length - 1));
    head.append(add, remove, element('span', 'layer-count', `${config.hidden.length} hidden layer${config.hidden.length === 1 ? '' : 's'}`));
    layers.append(head);

    const row = element('div', 'columns');
    row.append(features);
    config.hidden.forEach((neurons, l) => {
      const column = element('div', 'column layer');
      column.dataset.layer = String(l);
      const controls = element('div', 'column-head');
      const plus = element('button', 'small', '+');
      plus.title = 'Add a neuron';
      plus.disabled = neurons >= LIMITS.neurons;
      plus.addEventListener('click', () => this.handlers.setNeurons(l, neurons + 1));
      const minus = element('button', 'small', '−');
      minus.title = 'Remove a neuron';
      minus.disabled = neurons <= 1;
      minus.addEventListener('click', () => this.handlers.setNeurons(l, neurons - 1));
      const activation = element('select', 'layer-activation');
      activation.title = 'This layer\u2019s activation';
      for (const a of ACTIVATIONS) activation.append(new Option(a, a, false, a === config.activations[l]));
      activation.addEventListener('change', () => this.handlers.setActivation(l, activation.value as ActivationName));
      controls.append(plus, minus, element('span', '', `${neurons} neurons`), activation);
      column.append(controls);
      const nodes: HTMLElement[] = [];
      const canvases: HTMLCanvasElement[] = [];
      for (let k = 0; k < neurons; k++) {
        const node = element('div', 'node neuron');
        const canvas = nodeCanvas();
        node.append(canvas);
        column.append(node);
        nodes.push(node);
        canvases.push(canvas);
      }
      this.columns.push(nodes);
      this.neuronCanvases.push(canvases);
      row.append(column);
    });
    const output = element('div', 'column output');
    output.append(element('div', 'column-head', 'Output'));
    const outNode = element('div', 'node neuron output-node');
    this.outputCanvas = nodeCanvas();
    outNode.append(this.outputCanvas);
    output.append(outNode);
    this.columns.push([outNode]);
    row.append(output);
    layers.append(row);
    this.root.append(layers);

    this.svg.replaceChildren();
    this.links = [];
    for (let l = 0; l + 1 < this.columns.length; l++) {
      const lines: SVGLineElement[] = [];
      this.columns[l + 1].forEach((_, to) => {
        this.columns[l].forEach((_, from) => {
          const line = document.createElementNS(SVG, 'line');
          line.classList.add('link');
          line.dataset.layer = String(l);
          line.dataset.to = String(to);
          line.dataset.from = String(from);
          line.append(document.createElementNS(SVG, 'title'));
          line.addEventListener('click', (event) => this.startEdit(event, l, to, from));
          this.svg.append(line);
          lines.push(line);
        });
      });
      this.links.push(lines);
    }
    requestAnimationFrame(() => this.placeLinks());
  }

  /** Puts each line between the centres of its two nodes (after layout). */
  placeLinks(): void {
    const box = this.root.getBoundingClientRect();
    this.svg.setAttribute('width', String(this.root.scrollWidth));
    this.svg.setAttribute('height', String(this.root.scrollHeight));
    const centre = (e: HTMLElement, side: 'left' | 'right'): [number, number] => {
      const r = e.getBoundingClientRect();
      return [(side === 'left' ? r.left : r.right) - box.left, r.top + r.height / 2 - box.top];
    };
    this.links.forEach((lines, l) => {
      for (const line of lines) {
        const [x1, y1] = centre(this.columns[l][Number(line.dataset.from)], 'right');
        const [x2, y2] = centre(this.columns[l + 1][Number(line.dataset.to)], 'left');
        line.setAttribute('x1', String(x1));
        line.setAttribute('y1', String(y1));
        line.setAttribute('x2', String(x2));
        line.setAttribute('y2', String(y2));
      }
    });
  }

  /** New pictures and link weights from a frame. */
  update(frame: Frame, discretize: boolean): void {
    // A frame of the network before a change may still arrive after the new one was drawn.
    const matches = frame.weights.length === this.links.length && frame.weights.every((w, l) => w.length === this.links[l].length);
    if (!matches) return;
    const n = frame.gridSize;
    frame.neurons.forEach((values, l) => {
      const canvases = this.neuronCanvases[l] ?? [];
      canvases.forEach((canvas, k) => drawHeatmap(canvas, values, n, { stride: canvases.length, column: k }));
    });
    if (this.outputCanvas) drawHeatmap(this.outputCanvas, frame.output, n, { discretize });
    this.links.forEach((lines, l) => {
      const weights = frame.weights[l];
      if (!weights) return;
      const inputs = this.columns[l].length;
      for (const line of lines) {
        const w = weights[Number(line.dataset.to) * inputs + Number(line.dataset.from)];
        line.setAttribute('stroke', cssColor(w));
        line.setAttribute('stroke-width', String(Math.min(8, 0.6 + Math.abs(w) * 1.5)));
        line.dataset.weight = String(w);
        line.firstElementChild!.textContent = `weight ${w.toFixed(3)} (click to edit)`;
      }
    });
  }

  private startEdit(event: MouseEvent, layer: number, to: number, from: number): void {
    const box = this.root.getBoundingClientRect();
    this.editing = { layer, to, from };
    const line = event.currentTarget as SVGLineElement;
    this.editor.value = Number(line.dataset.weight ?? 0).toFixed(3);
    this.editor.style.left = `${event.clientX - box.left}px`;
    this.editor.style.top = `${event.clientY - box.top}px`;
    this.editor.hidden = false;
    this.editor.focus();
    this.editor.select();
  }

  private commitEdit(): void {
    const value = Number(this.editor.value);
    this.editor.hidden = true;
    if (this.editing && this.editor.value.trim() !== '' && Number.isFinite(value)) this.handlers.editWeight(this.editing.layer, this.editing.to, this.editing.from, value);
  }
}

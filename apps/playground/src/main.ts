/**
 * The page: controls bound to the configuration (which lives in the URL's hash), the
 * training worker, and the pictures drawn from the frames it sends back.
 */
import {
  ACTIVATIONS,
  BACKENDS,
  DATASETS,
  LEARNING_RATES,
  LIMITS,
  OPTIMIZERS,
  PROBLEMS,
  REGRESSION_DATASETS,
  REGULARIZATIONS,
  REGULARIZATION_RATES,
  needsReset,
  type BackendChoice,
  type Config,
  type DatasetName,
} from './config.js';
import { parseCsv } from './csv.js';
import { DATASET_LABELS, type Point } from './datasets.js';
import type { ModelSpec } from './model.js';
import { applyPreset, PRESETS } from './presets.js';
import type { BackendInfo, FromWorker, ToWorker } from './protocol.js';
import type { Frame } from './trainer.js';
import { drawLines, PALETTE, pushCapped } from './ui/charts.js';
import { drawHeatmap, drawPoints } from './ui/heatmap.js';
import { NetworkView } from './ui/network.js';
import { decodeConfig, encodeConfig } from './url_state.js';

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
const send = (message: ToWorker, transfer: Transferable[] = []): void => worker.postMessage(message, transfer);

let config: Config = decodeConfig(location.hash);
let custom: Point[] | null = null;
let train: Point[] = [];
let test: Point[] = [];
let lastFrame: Frame | null = null;
let playing = false;
let backend: BackendInfo | null = null;
let offered: BackendChoice[] = ['cpu'];
let history = { train: [] as number[], test: [] as number[], grads: [] as number[][] };
const messages: string[] = [];
let nextPredict = 0;
/** How long the last frame took to draw (heat maps, links, charts), for the timing line and the tests. */
let drawMs = 0;
const predictions = new Map<number, (values: number[]) => void>();
let pendingExport: ((result: { spec: ModelSpec; safetensors: Uint8Array }) => void) | null = null;

const network = new NetworkView($('network'), {
  toggleFeature: (f) => setConfig({ ...config, features: config.features.includes(f) ? config.features.filter((x) => x !== f) : [...config.features, f] }),
  setLayers: (count) => {
    const hidden = Array.from({ length: count }, (_, i) => config.hidden[i] ?? 4);
    setConfig({ ...config, hidden, activations: hidden.map((_, i) => config.activations[i] ?? config.activations.at(-1) ?? 'tanh') });
  },
  setNeurons: (layer, neurons) => setConfig({ ...config, hidden: config.hidden.map((n, i) => (i === layer ? neurons : n)) }),
  setActivation: (layer, activation) => setConfig({ ...config, activations: config.activations.map((a, i) => (i === layer ? activation : a)) }),
  editWeight: (layer, to, from, value) => send({ type: 'setWeight', layer, to, from, value }),
});

function report(message: string): void {
  messages.push(message);
  const list = $('messages');
  list.replaceChildren(...messages.slice(-5).map((m) => Object.assign(document.createElement('li'), { textContent: m })));
}

/** Applies a new configuration: restarts training where it must, writes the URL, redraws the controls. */
function setConfig(next: Config, forceReset = false): void {
  const structural = forceReset || needsReset(config, next);
  const structureChanged = JSON.stringify([config.features, config.hidden, config.activations]) !== JSON.stringify([next.features, next.hidden, next.activations]);
  config = next;
  const hash = `#${encodeConfig(config)}`;
  if (location.hash !== hash) history_replace(hash);
  renderControls();
  if (structural) {
    history = { train: [], test: [], grads: [] };
    lastFrame = null;
    send({ type: 'reset', config, custom });
  } else {
    send({ type: 'update', config });
  }
  if (structural || structureChanged) network.build(config);
}

function history_replace(hash: string): void {
  window.history.replaceState(null, '', hash);
}

function fillSelect(id: string, values: readonly (string | number)[], label: (v: string | number) => string = String): void {
  const select = $<HTMLSelectElement>(id);
  select.replaceChildren(...values.map((v) => new Option(label(v), String(v))));
}

function renderControls(): void {
  $<HTMLSelectElement>('lr').value = String(config.learningRate);
  const same = config.activations.every((a) => a === config.activations[0]);
  $<HTMLSelectElement>('activation').value = same && config.activations.length > 0 ? config.activations[0] : '';
  $<HTMLSelectElement>('reg').value = config.regularization;
  $<HTMLSelectElement>('regRate').value = String(config.regularizationRate);
  $<HTMLSelectElement>('problem').value = config.problem;
  $<HTMLSelectElement>('optimizer').value = config.optimizer;
  $<HTMLSelectElement>('dropout').value = String(config.dropout);
  $<HTMLSelectElement>('backend').value = config.backend;
  for (const option of $<HTMLSelectElement>('backend').options) option.disabled = !offered.includes(option.value as BackendChoice);
  const bigger = $<HTMLInputElement>('bigger').checked || config.batchSize > LIMITS.tfBatchSize;
  $<HTMLInputElement>('bigger').checked = bigger;
  $<HTMLInputElement>('batch').max = String(bigger ? LIMITS.batchSize : LIMITS.tfBatchSize);
  for (const [id, value] of [['ratio', config.trainRatio], ['noise', config.noise], ['batch', config.batchSize]] as const) {
    $<HTMLInputElement>(id).value = String(value);
    $(`${id}Value`).textContent = String(value);
  }
  $<HTMLInputElement>('showTest').checked = config.showTestData;
  $<HTMLInputElement>('discretize').checked = config.discretize;
  for (const button of $('datasets').querySelectorAll<HTMLButtonElement>('button')) {
    const name = button.dataset.dataset as DatasetName;
    button.classList.toggle('selected', name === config.dataset);
    button.hidden = name === 'csv' ? custom === null : REGRESSION_DATASETS.includes(name) !== (config.problem === 'regression');
  }
  $('play').textContent = playing ? '⏸' : '▶';
}

function drawOutput(): void {
  const canvas = $<HTMLCanvasElement>('outputMap');
  if (lastFrame) drawHeatmap(canvas, lastFrame.output, lastFrame.gridSize, { discretize: config.discretize });
  else canvas.getContext('2d')!.clearRect(0, 0, canvas.width, canvas.height);
  drawPoints(canvas, train, false);
  if (config.showTestData) drawPoints(canvas, test, true);
}

function onFrame(frame: Frame, info: BackendInfo, stepMs: number): void {
  lastFrame = frame;
  backend = info;
  $('epoch').textContent = frame.epoch.toLocaleString('en-US', { minimumIntegerDigits: 6 });
  $('trainLoss').textContent = frame.trainLoss.toFixed(3);
  $('testLoss').textContent = frame.testLoss.toFixed(3);
  $('running').textContent = info.name === 'cpu' ? '@nn/backend-cpu' : `@nn/backend-gpujs, gpu.js mode ${info.mode}`;
  $('timing').textContent = stepMs > 0 ? `last epoch: ${stepMs.toFixed(1)} ms in the worker; last frame drawn in ${drawMs.toFixed(1)} ms` : '';
  pushCapped(history.train, frame.trainLoss);
  pushCapped(history.test, frame.testLoss);
  frame.gradNorms.forEach((g, l) => {
    history.grads[l] ??= [];
    pushCapped(history.grads[l], g);
  });
  drawLines($<HTMLCanvasElement>('lossCurve'), [history.train, history.test], ['#999', '#000']);
  drawLines($<HTMLCanvasElement>('gradNorms'), history.grads, PALETTE, { log: true });
  $('gradLegend').replaceChildren(
    ...frame.gradNorms.map((_, l) => {
      const span = document.createElement('span');
      span.style.setProperty('--c', PALETTE[l % PALETTE.length]);
      span.textContent = l === frame.gradNorms.length - 1 ? 'output' : `layer ${l + 1}`;
      return span;
    }),
  );
  network.update(frame, config.discretize);
  drawOutput();
}

worker.onmessage = (event: MessageEvent<FromWorker>) => {
  const message = event.data;
  switch (message.type) {
    case 'ready':
      offered = message.offered;
      if (!offered.includes(config.backend)) config = { ...config, backend: 'cpu' };
      setConfig(config, true);
      break;
    case 'data':
      train = message.train;
      test = message.test;
      drawOutput();
      break;
    case 'frame':
      playing = message.playing;
      {
        const start = performance.now();
        onFrame(message.frame, message.backend, message.stepMs);
        renderControls();
        drawMs = performance.now() - start;
      }
      requestAnimationFrame(() => send({ type: 'drawn' }));
      break;
    case 'exported':
      pendingExport?.(message);
      pendingExport = null;
      break;
    case 'predicted':
      predictions.get(message.id)?.(message.values);
      predictions.delete(message.id);
      break;
    case 'error':
      playing = false;
      renderControls();
      report(message.message);
      console.error(`playground worker: ${message.message}`);
      break;
  }
};
worker.onerror = (event) => {
  report(`worker: ${event.message}`);
  console.error(`playground worker: ${event.message}`);
};

function download(name: string, data: BlobPart, type: string): void {
  const url = URL.createObjectURL(new Blob([data], { type }));
  const a = Object.assign(document.createElement('a'), { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function useCsv(text: string, source: string): void {
  const result = parseCsv(text);
  const errors = $('csvErrors');
  errors.replaceChildren(...result.errors.slice(0, 20).map((e) => Object.assign(document.createElement('li'), { textContent: `${source}: ${e}` })));
  if (result.errors.length > 20) errors.append(Object.assign(document.createElement('li'), { textContent: `… and ${result.errors.length - 20} more` }));
  if (result.points.length < 2) {
    errors.append(Object.assign(document.createElement('li'), { textContent: `${source}: not used: fewer than 2 good points (the current data is kept)` }));
    return;
  }
  custom = result.points;
  setConfig({ ...config, dataset: 'csv', problem: result.problem }, true);
}

async function importModel(files: FileList): Promise<void> {
  const list = [...files];
  const json = list.find((f) => f.name.endsWith('.json'));
  const weights = list.find((f) => f.name.endsWith('.safetensors'));
  if (!json || !weights) throw new Error('import: choose both files, the .json spec and the .safetensors weights');
  const spec = JSON.parse(await json.text()) as ModelSpec;
  if (spec.format !== 'nn-playground-model') throw new Error(`import: ${json.name} is not a Playground model spec`);
  setConfig({ ...config, features: spec.features, hidden: spec.hidden, activations: spec.activations, dropout: spec.dropout, problem: spec.problem }, true);
  const bytes = new Uint8Array(await weights.arrayBuffer());
  send({ type: 'import', safetensors: bytes }, [bytes.buffer]);
}

function setup(): void {
  for (const name of DATASETS) {
    const button = Object.assign(document.createElement('button'), { textContent: DATASET_LABELS[name] });
    button.dataset.dataset = name;
    button.addEventListener('click', () => setConfig({ ...config, dataset: name }));
    $('datasets').append(button);
  }
  fillSelect('lr', LEARNING_RATES);
  fillSelect('activation', ['', ...ACTIVATIONS], (v) => (v === '' ? 'per layer' : String(v)));
  fillSelect('reg', REGULARIZATIONS);
  fillSelect('regRate', REGULARIZATION_RATES);
  fillSelect('problem', PROBLEMS);
  fillSelect('optimizer', OPTIMIZERS, (v) => ({ sgd: 'SGD', momentum: 'SGD + momentum', adam: 'Adam' })[v as string] ?? String(v));
  fillSelect('dropout', [0, 0.1, 0.2, 0.3, 0.5]);
  fillSelect('backend', BACKENDS, (v) => (v === 'cpu' ? 'cpu' : `gpujs ${String(v)}`));
  PRESETS.forEach((p, i) => $('presets').append(new Option(p.name, String(i))));

  $('reset').addEventListener('click', () => setConfig(config, true));
  $('play').addEventListener('click', () => {
    playing = !playing;
    send({ type: playing ? 'play' : 'pause' });
    renderControls();
  });
  $('step').addEventListener('click', () => {
    playing = false;
    send({ type: 'step' });
    renderControls();
  });
  $('regenerate').addEventListener('click', () => setConfig({ ...config, seed: (config.seed + 1) % 2 ** 31 }));
  const onSelect = (id: string, apply: (value: string) => Config): void => $(id).addEventListener('change', () => setConfig(apply($<HTMLSelectElement>(id).value)));
  onSelect('lr', (v) => ({ ...config, learningRate: Number(v) }));
  onSelect('activation', (v) => (v === '' ? config : { ...config, activations: config.hidden.map(() => v as Config['activations'][number]) }));
  onSelect('reg', (v) => ({ ...config, regularization: v as Config['regularization'] }));
  onSelect('regRate', (v) => ({ ...config, regularizationRate: Number(v) }));
  onSelect('problem', (v) => {
    const problem = v as Config['problem'];
    const dataset = problem === 'regression' ? 'plane' : 'circle';
    return { ...config, problem, dataset: REGRESSION_DATASETS.includes(config.dataset) === (problem === 'regression') ? config.dataset : dataset };
  });
  onSelect('optimizer', (v) => ({ ...config, optimizer: v as Config['optimizer'] }));
  onSelect('dropout', (v) => ({ ...config, dropout: Number(v) }));
  onSelect('backend', (v) => ({ ...config, backend: v as BackendChoice }));
  for (const [id, key] of [['ratio', 'trainRatio'], ['noise', 'noise'], ['batch', 'batchSize']] as const) {
    $(id).addEventListener('input', () => ($(`${id}Value`).textContent = $<HTMLInputElement>(id).value));
    $(id).addEventListener('change', () => setConfig({ ...config, [key]: Number($<HTMLInputElement>(id).value) }));
  }
  $('bigger').addEventListener('change', () => {
    if (!$<HTMLInputElement>('bigger').checked && config.batchSize > LIMITS.tfBatchSize) setConfig({ ...config, batchSize: LIMITS.tfBatchSize });
    else renderControls();
  });
  $('showTest').addEventListener('change', () => setConfig({ ...config, showTestData: $<HTMLInputElement>('showTest').checked }));
  $('discretize').addEventListener('change', () => setConfig({ ...config, discretize: $<HTMLInputElement>('discretize').checked }));
  $('csvFile').addEventListener('change', () => {
    const file = $<HTMLInputElement>('csvFile').files?.[0];
    if (file) void file.text().then((text) => useCsv(text, file.name));
  });
  $('csvLoad').addEventListener('click', () => useCsv($<HTMLTextAreaElement>('csvText').value, 'pasted CSV'));
  $('presets').addEventListener('change', () => {
    const preset = PRESETS[Number($<HTMLSelectElement>('presets').value)];
    $('presetNote').textContent = preset?.note ?? '';
    if (preset) setConfig(applyPreset(preset, config), true);
  });
  $('export').addEventListener('click', () => {
    pendingExport = ({ spec, safetensors }) => {
      download('playground-model.safetensors', safetensors as BlobPart, 'application/octet-stream');
      download('playground-model.json', JSON.stringify(spec, null, 2), 'application/json');
    };
    send({ type: 'export' });
  });
  $('importFiles').addEventListener('change', () => {
    const files = $<HTMLInputElement>('importFiles').files;
    if (files) importModel(files).catch((error: unknown) => report(error instanceof Error ? error.message : String(error)));
  });
  window.addEventListener('hashchange', () => {
    const next = decodeConfig(location.hash);
    if (encodeConfig(next) !== encodeConfig(config)) setConfig(next);
  });
  renderControls();
  network.build(config);
}

/** For the end-to-end tests (and the curious, from the console). */
const hooks = {
  state: () => ({ config, epoch: lastFrame?.epoch ?? 0, trainLoss: lastFrame?.trainLoss ?? NaN, testLoss: lastFrame?.testLoss ?? NaN, backend, offered, playing, messages: [...messages], points: train.length + test.length, drawMs }),
  predict: (xs: number[], ys: number[]) =>
    new Promise<number[]>((resolve) => {
      const id = nextPredict++;
      predictions.set(id, resolve);
      send({ type: 'predict', id, xs, ys });
    }),
};
(window as unknown as { __playground: typeof hooks }).__playground = hooks;

setup();

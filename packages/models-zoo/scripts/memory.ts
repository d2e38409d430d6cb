/**
 * Peak memory of building each zoo model at full size with its real initialisation, one
 * model per child process so that each peak is its own:
 *
 *   node --conditions=@nn/source --import tsx scripts/memory.ts
 *
 * Prints a Markdown table (the one in README.md): parameter bytes, the process's peak
 * resident memory above what it held before building, and the build time.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import '@nn/backend-cpu';
import { memory } from '@nn/tensor';
import type { AnyModule } from '@nn/layers';
import * as zoo from '../src/index.js';

const builders: Record<string, () => AnyModule> = {
  'lenet5': () => zoo.lenet5(),
  'alexnet': () => zoo.alexnet(),
  'vgg11': () => zoo.vgg11(),
  'vgg11_bn': () => zoo.vgg11_bn(),
  'vgg13': () => zoo.vgg13(),
  'vgg16_c': () => zoo.vgg16_c(),
  'vgg16': () => zoo.vgg16(),
  'vgg16_bn': () => zoo.vgg16_bn(),
  'vgg19': () => zoo.vgg19(),
  'googlenet': () => zoo.googlenet(),
  'googlenet (aux)': () => zoo.googlenet({ auxLogits: true }),
  'resnet18': () => zoo.resnet18(),
  'resnet34': () => zoo.resnet34(),
  'resnet50': () => zoo.resnet50(),
  'resnet101': () => zoo.resnet101(),
  'resnet152': () => zoo.resnet152(),
  'residualAttention56': () => zoo.residualAttention56(),
  'residualAttention92': () => zoo.residualAttention92(),
  'unet': () => zoo.unet(),
  'vgg16 ({ init: false })': () => zoo.vgg16({ init: false }),
};

interface Measurement {
  paramMB: number;
  baselineMB: number;
  peakMB: number;
  afterMB: number;
  seconds: number;
}

const MB = 1e6;

function measureOne(name: string): Measurement {
  const baselineMB = process.memoryUsage().rss / MB;
  const start = performance.now();
  const model = builders[name]();
  const seconds = (performance.now() - start) / 1000;
  const paramMB = model.parameters().reduce((n, p) => n + p.size * 4, 0) / MB;
  // maxRSS is in kilobytes: the most this process ever held, the build's peak included.
  const peakMB = (process.resourceUsage().maxRSS * 1024) / MB;
  const afterMB = process.memoryUsage().rss / MB;
  void memory();
  return { paramMB, baselineMB, peakMB, afterMB, seconds };
}

const [flag, name] = process.argv.slice(2);
if (flag === '--one') {
  process.stdout.write(JSON.stringify(measureOne(name)));
} else {
  const script = fileURLToPath(import.meta.url);
  console.log('| model | parameters (MB) | peak RSS − before (MB) | peak ÷ parameters | build (s) |');
  console.log('|---|---:|---:|---:|---:|');
  for (const model of Object.keys(builders)) {
    const out = execFileSync(process.execPath, [...process.execArgv, script, '--one', model], { encoding: 'utf8' });
    const m = JSON.parse(out) as Measurement;
    const extra = m.peakMB - m.baselineMB;
    console.log(`| ${model} | ${m.paramMB.toFixed(1)} | ${extra.toFixed(0)} | ${(extra / m.paramMB).toFixed(2)} | ${m.seconds.toFixed(1)} |`);
  }
}

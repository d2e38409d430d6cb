/**
 * A run's folder holds `model.safetensors`: the nets' weights under `model.` (ae, vae) or
 * `generator.` and `discriminator.` (dcgan), the optimizers' moment tensors under
 * `optimizer.<name>.<parameter index>.<field>`, and in `__metadata__` the config, the epochs
 * done, the loss history and the optimizers' steps and hyperparameters, so that training
 * resumes exactly where it stopped (`train --resume`) and `sample` needs only this file.
 * Stripped of its prefix, each net's state dict has PyTorch's keys.
 */
import { join } from 'node:path';
import type { Optimizer, OptimizerStateDict, ParamState } from '@nn/layers';
import { loadWithMetadata, save } from '@nn/layers/node';
import { Tensor } from '@nn/tensor';
import { buildNets, MODELS, namedNets, type ModelConfig, type Nets } from './models.js';

export const CHECKPOINT_FILE = 'model.safetensors';
const FORMAT = 'nn-generative/1';

export interface History {
  /** Mean training loss per epoch, per curve ('loss', or 'generator' and 'discriminator'). */
  epochs: Record<string, number[]>;
  /** Mean loss per logged block of steps (the GAN's players). */
  steps: Record<string, number[]>;
}

export interface RunState {
  config: ModelConfig;
  epochsDone: number;
  history: History;
}

export function checkpointPath(pathOrDir: string): string {
  return pathOrDir.endsWith('.safetensors') ? pathOrDir : join(pathOrDir, CHECKPOINT_FILE);
}

export async function saveRun(dir: string, nets: Nets, optimizers: Record<string, Optimizer>, state: RunState): Promise<string> {
  const tensors: Record<string, Tensor> = {};
  for (const [prefix, net] of Object.entries(namedNets(nets))) for (const [key, t] of Object.entries(net.stateDict())) tensors[`${prefix}.${key}`] = t;
  const optimizerMeta: Record<string, { paramGroups: unknown; numbers: Record<string, Record<string, number>> }> = {};
  for (const [name, optimizer] of Object.entries(optimizers)) {
    const dict = optimizer.stateDict();
    const numbers: Record<string, Record<string, number>> = {};
    for (const [index, fields] of Object.entries(dict.state)) {
      for (const [field, value] of Object.entries(fields)) {
        if (value instanceof Tensor) tensors[`optimizer.${name}.${index}.${field}`] = value;
        else (numbers[index] ??= {})[field] = value;
      }
    }
    optimizerMeta[name] = { paramGroups: dict.paramGroups, numbers };
  }
  const path = join(dir, CHECKPOINT_FILE);
  await save(tensors, path, {
    metadata: { format: FORMAT, config: JSON.stringify(state.config), epochsDone: String(state.epochsDone), history: JSON.stringify(state.history), optimizers: JSON.stringify(optimizerMeta) },
  });
  return path;
}

export interface LoadedRun extends RunState {
  nets: Nets;
  /** Restores the optimizers' state into optimizers built over the loaded nets' parameters. */
  restoreOptimizers: (optimizers: Record<string, Optimizer>) => void;
}

export async function loadRun(pathOrDir: string): Promise<LoadedRun> {
  const file = checkpointPath(pathOrDir);
  const { stateDict, metadata } = await loadWithMetadata(file);
  if (metadata.format !== FORMAT) throw new Error(`${file}: the metadata entry 'format' must be ${FORMAT} (a checkpoint written by generative train), got ${JSON.stringify(metadata.format)}`);
  const parse = <T>(entry: string): T => {
    try {
      return JSON.parse(metadata[entry] ?? '') as T;
    } catch {
      throw new Error(`${file}: the metadata entry '${entry}' is not valid JSON`);
    }
  };
  const config = parse<ModelConfig>('config');
  if (!MODELS.includes(config.model)) throw new Error(`${file}: the config's model must be one of ${MODELS.join(', ')}, got ${JSON.stringify(config.model)}`);
  const nets = buildNets(config, false);
  for (const [prefix, net] of Object.entries(namedNets(nets))) {
    const own: Record<string, Tensor> = {};
    for (const [key, t] of Object.entries(stateDict)) if (key.startsWith(`${prefix}.`)) own[key.slice(prefix.length + 1)] = t;
    const { missingKeys } = net.loadStateDict(own);
    if (missingKeys.length > 0) throw new Error(`${file}: the ${prefix} weights lack ${missingKeys[0]}`);
  }
  const optimizerMeta = parse<Record<string, { paramGroups: Record<string, unknown>[]; numbers: Record<string, Record<string, number>> }>>('optimizers');
  return {
    config,
    nets,
    epochsDone: Number(metadata.epochsDone),
    history: parse<History>('history'),
    restoreOptimizers: (optimizers) => {
      for (const [name, optimizer] of Object.entries(optimizers)) {
        const saved = optimizerMeta[name];
        if (saved === undefined) throw new Error(`${file}: no state for the optimizer '${name}'`);
        const state: Record<number, ParamState> = {};
        for (const [index, fields] of Object.entries(saved.numbers)) state[Number(index)] = { ...fields };
        const prefix = `optimizer.${name}.`;
        for (const [key, t] of Object.entries(stateDict)) {
          if (!key.startsWith(prefix)) continue;
          const [index, field] = key.slice(prefix.length).split('.');
          (state[Number(index)] ??= {})[field] = t;
        }
        optimizer.loadStateDict({ state, paramGroups: saved.paramGroups } satisfies OptimizerStateDict);
      }
    },
  };
}

/**
 * A model file: `<arch>.safetensors` holds the weights, and its `__metadata__` what rebuilds
 * the model: the architecture, the character vocabulary (its JSON) and the labels, so the
 * one file is the model.
 */
import { join } from 'node:path';
import { vocabularyFromJSON, CharVocabulary } from '@nn/data';
import { loadWithMetadata, save } from '@nn/layers/node';
import { dispose } from '@nn/tensor';
import { CharLanguageModel } from './language_model.js';
import { ARCHITECTURES, buildClassifier, DEFAULT_SHAPES, type Architecture, type Classifier, type Shape } from './models.js';

export const CLASSIFIER_FORMAT = 'nn-text-classifier/1';
const LM_FORMAT = 'nn-text-lm/1';

export const modelFile = (dir: string, name: string): string => join(dir, `${name}.safetensors`);

interface Saved<M> {
  model: M;
  vocab: CharVocabulary;
  /** Language codes, by class index (classifier), or the one language (language model). */
  classes: string[];
}

export async function saveModelFile(path: string, model: Classifier, info: { arch: Architecture; vocab: CharVocabulary; classes: string[]; shape?: Partial<Shape> }): Promise<void> {
  // Every size, not only the overrides, so the model loads back whatever the defaults become.
  const shape: Shape = { ...DEFAULT_SHAPES[info.arch], ...info.shape };
  await save(model.stateDict(), path, { metadata: { format: CLASSIFIER_FORMAT, arch: info.arch, vocab: info.vocab.serialize(), classes: info.classes.join(','), shape: JSON.stringify(shape) } });
}

export async function saveLanguageModel(path: string, model: CharLanguageModel, info: { vocab: CharVocabulary; language: string }): Promise<void> {
  await save(model.stateDict(), path, { metadata: { format: LM_FORMAT, hidden: String(model.hiddenSize), vocab: info.vocab.serialize(), classes: info.language } });
}

async function read(path: string, format: string, what: string) {
  const { stateDict, metadata } = await loadWithMetadata(path);
  if (metadata.format !== format) {
    dispose(Object.values(stateDict));
    throw new Error(`${path}: not ${what} written by this app (metadata format ${JSON.stringify(metadata.format)}, expected ${format})`);
  }
  const vocab = vocabularyFromJSON(metadata.vocab, `${path} (its vocabulary)`);
  if (!(vocab instanceof CharVocabulary)) throw new Error(`${path}: its vocabulary is not a character vocabulary`);
  return { stateDict, metadata, vocab, classes: (metadata.classes ?? '').split(',') };
}

export async function loadModelFile(path: string): Promise<Saved<Classifier> & { arch: Architecture }> {
  const { stateDict, metadata, vocab, classes } = await read(path, CLASSIFIER_FORMAT, 'a classifier');
  const arch = metadata.arch as Architecture;
  if (!ARCHITECTURES.includes(arch)) throw new Error(`${path}: unknown model '${metadata.arch}' in its metadata`);
  const shape = JSON.parse(metadata.shape ?? '{}') as Partial<Shape>;
  // Files written before the sizes were saved whole hold only the overrides: their n-gram
  // table's rows are its buckets (the LSTM's default moved from 2^16 to 2^18, then 2^19).
  const table = stateDict['embedding.weight'];
  if (shape.buckets === undefined && table !== undefined && (shape.ngrams ?? DEFAULT_SHAPES[arch].ngrams) > 1) shape.buckets = table.shape[0];
  const model = buildClassifier({ arch, vocabSize: vocab.size, numClasses: classes.length, shape });
  model.loadStateDict(stateDict);
  dispose(Object.values(stateDict));
  model.eval();
  return { model, vocab, classes, arch };
}

export async function loadLanguageModel(path: string): Promise<Saved<CharLanguageModel>> {
  const { stateDict, metadata, vocab, classes } = await read(path, LM_FORMAT, 'a language model');
  const model = new CharLanguageModel(vocab.size, Number(metadata.hidden));
  model.loadStateDict(stateDict);
  dispose(Object.values(stateDict));
  model.eval();
  return { model, vocab, classes };
}

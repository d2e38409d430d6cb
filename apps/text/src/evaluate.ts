/** Scoring a classifier: accuracy and the confusion matrix over a set of words. */
import { noGrad } from '@nn/autograd';
import { argmax, dispose } from '@nn/tensor';
import type { Dataset } from '@nn/data';
import { unseededOrder, wordLoader, type EncodedExample } from './batches.js';
import type { Classifier } from './models.js';

export interface Scores {
  accuracy: number;
  /** confusion[true][predicted]. */
  confusion: number[][];
  /** The predicted class of each word, in the data set's order. */
  predictions: number[];
}

export function confusionScores(truths: readonly number[], predictions: readonly number[], numClasses: number): Scores {
  const confusion = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  let right = 0;
  truths.forEach((t, i) => {
    confusion[t][predictions[i]]++;
    if (t === predictions[i]) right++;
  });
  return { accuracy: truths.length === 0 ? 0 : right / truths.length, confusion, predictions: [...predictions] };
}

export function scoreClassifier(model: Classifier, dataset: Dataset<EncodedExample>, numClasses: number): Scores {
  model.eval();
  const truths: number[] = [];
  const predictions: number[] = [];
  noGrad(() => {
    for (const [{ tokens, lengths }, labels] of wordLoader(dataset, 256)) {
      const logits = model.forward(tokens, Array.from(lengths.dataSync()));
      const predicted = argmax(logits, 1);
      predictions.push(...Array.from(predicted.dataSync()));
      truths.push(...Array.from(labels.dataSync()));
      dispose([tokens, lengths, labels, logits, predicted]);
    }
  });
  model.train();
  // The loader groups words by length; put the predictions back in the data set's order.
  const inOrder = new Array<number>(predictions.length);
  const truthsInOrder = new Array<number>(truths.length);
  unseededOrder(dataset, 256).forEach((index, row) => {
    inOrder[index] = predictions[row];
    truthsInOrder[index] = truths[row];
  });
  return confusionScores(truthsInOrder, inOrder, numClasses);
}

// Metrics: accumulators for fit's logs (update per batch, compute over the epoch) and one-shot functions.
export { Metric, type MetricOptions } from './metric.js';
export type { LabelOptions } from './labels.js';
export * from './regression.js';
export * from './classification.js';
export * from './segmentation.js';
export { boxArea, boxConvert, boxIou, cornerBoxIou, type BoxFormat, type BoxOptions, type Boxes, type CornerBox } from './boxes.js';
export { allPointAp, cocoAp, cocoPrecisionAtRecalls, cocoRecallThresholds, precisionEnvelope } from './average_precision.js';
export * from './detection.js';

import type { Task } from '../data.js';
import { detect } from './detect.js';
import { localize } from './localize.js';
import { segment } from './segment.js';
import type { TaskRunner } from './task.js';

export const RUNNERS: Record<Task, TaskRunner> = { segment, localize, detect };
export { DETECTORS, type Detector, type Model, type ModelConfig, type Prediction, type TaskRunner } from './task.js';

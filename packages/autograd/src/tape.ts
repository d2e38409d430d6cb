/**
 * The tape. It listens to every kernel run of the engine and, as PyTorch does, records a
 * run whenever grad mode is on and one of its inputs requires a gradient: no explicit
 * "start recording" call, so `loss.backward()` works after any forward pass that touched a
 * parameter. The record keeps what the kernel's gradient needs (shared handles on the input
 * and output buffers, not copies) until backward has used it.
 *
 * A record nobody can reach any more (all its outputs disposed, e.g. by tidy, or collected by
 * the garbage collector, with no live record downstream) is freed by a sweep that runs when the tape has doubled since the last
 * one, so an evaluation loop that forgets noGrad() does not leak without bound.
 */
import { engine, type KernelRun, type Shape, type Tensor } from '@nn/tensor';
import { gradientFor, isNonDifferentiable } from './gradients/index.js';
import type { GradientDef } from './gradients/types.js';

export interface TapeInput {
  readonly name: string;
  readonly shape: Shape;
  readonly requiresGrad: boolean;
  /** The record that produced this input, for a non-leaf. */
  readonly producer: TapeNode | null;
  readonly outputIndex: number;
  /** The tensor itself, for a leaf that requires a gradient (its .grad receives it). */
  readonly leaf: Tensor | null;
  /** A shared handle on the value, when the gradient reads it. */
  saved: Tensor | null;
}

export interface TapeNode {
  /** Increases in execution order, so descending ids are a reverse topological order. */
  readonly id: number;
  readonly kernelName: string;
  readonly def: GradientDef | undefined;
  readonly attrs: Record<string, unknown>;
  readonly inputs: readonly TapeInput[];
  /**
   * Whether each output handle is still live: false once it is disposed or collected (a loop
   * without tidy lets the garbage collector take an output nobody uses, and the record then
   * goes at the next sweep), and from the start for outputs without gradients (int32).
   * Flags rather than WeakRefs: a WeakRef keeps its target alive until the current job ends,
   * so a training loop that never yields to the event loop would keep every step's handles.
   */
  readonly outputLive: boolean[];
  savedOutputs: Tensor[] | null;
  released: boolean;
}

interface Producer {
  node: TapeNode;
  index: number;
}

let gradEnabled = true;
let nextNodeId = 0;
const producers = new WeakMap<Tensor, Producer>();
const liveNodes = new Set<TapeNode>();
const MIN_SWEEP = 4096;
let sweepAt = MIN_SWEEP;

/**
 * When the garbage collector takes a recorded output, the records it kept alive may be
 * unreachable now: one sweep runs after the collection's finalizers (not one per tensor).
 */
let sweepQueued = false;
const collectedOutputs = new FinalizationRegistry<Producer>(({ node, index }) => {
  node.outputLive[index] = false;
  if (sweepQueued) return;
  sweepQueued = true;
  void Promise.resolve().then(() => {
    sweepQueued = false;
    sweepUnreachable();
  });
});

export function isGradEnabled(): boolean {
  return gradEnabled;
}

/** Sets grad mode and returns the previous one (used by noGrad/enableGrad). */
export function setGradEnabled(enabled: boolean): boolean {
  const previous = gradEnabled;
  gradEnabled = enabled;
  return previous;
}

/** The record that produced `t` and which of its outputs `t` is; undefined for a leaf. */
export function producerOf(t: Tensor): Producer | undefined {
  return producers.get(t);
}

function record(run: KernelRun): void {
  if (!gradEnabled) return;
  let any = false;
  for (const name in run.inputs) {
    if (run.inputs[name].requiresGrad) {
      any = true;
      break;
    }
  }
  // Only floating-point outputs carry gradients (a cast to int32, MaxPool2D's indices do not).
  if (!any || isNonDifferentiable(run.kernelName) || !run.outputs.some((t) => t.dtype === 'float32')) return;
  const names = Object.keys(run.inputs);
  const def = gradientFor(run.kernelName);
  const saveInputs = def?.saveInputs ?? [];
  const inputs: TapeInput[] = names.map((name) => {
    const t = run.inputs[name];
    const made = producers.get(t);
    return {
      name,
      shape: t.shape,
      requiresGrad: t.requiresGrad,
      producer: made?.node ?? null,
      outputIndex: made?.index ?? 0,
      leaf: t.requiresGrad && !made ? t : null,
      saved: saveInputs.includes(name) ? engine().share(t) : null,
    };
  });
  const node: TapeNode = {
    id: nextNodeId++,
    kernelName: run.kernelName,
    def,
    attrs: run.attrs,
    inputs,
    outputLive: run.outputs.map((t) => t.dtype === 'float32'),
    savedOutputs: def?.saveOutputs ? run.outputs.map((t) => engine().share(t)) : null,
    released: false,
  };
  run.outputs.forEach((t, index) => {
    if (t.dtype !== 'float32') return;
    t.requiresGrad = true;
    const made = { node, index };
    producers.set(t, made);
    collectedOutputs.register(t, made, t);
  });
  liveNodes.add(node);
  if (liveNodes.size >= sweepAt) sweepUnreachable();
}

/** Frees what a record saved; backward calls it once it has used the record. */
export function releaseNode(node: TapeNode): void {
  if (node.released) return;
  node.released = true;
  for (const input of node.inputs) {
    input.saved?.dispose();
    input.saved = null;
  }
  for (const t of node.savedOutputs ?? []) t.dispose();
  node.savedOutputs = null;
  liveNodes.delete(node);
}

/**
 * Frees every record that no live tensor can reach: roots are records with an output that
 * is not disposed; everything upstream of a root stays. Returns how many were freed.
 */
export function sweepUnreachable(): number {
  const reachable = new Set<TapeNode>();
  const stack: TapeNode[] = [];
  for (const node of liveNodes) {
    if (node.outputLive.includes(true)) stack.push(node);
  }
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (reachable.has(node) || node.released) continue;
    reachable.add(node);
    for (const input of node.inputs) if (input.producer) stack.push(input.producer);
  }
  let freed = 0;
  for (const node of [...liveNodes]) {
    if (!reachable.has(node)) {
      releaseNode(node);
      freed++;
    }
  }
  sweepAt = Math.max(MIN_SWEEP, 2 * liveNodes.size);
  return freed;
}

/** How many records still hold saved tensors (for tests and leak hunting). */
export function tapeSize(): number {
  return liveNodes.size;
}

engine().onKernelRun(record);
engine().onDispose((t) => {
  const made = producers.get(t);
  if (!made) return;
  made.node.outputLive[made.index] = false;
  // Its cell would otherwise hold the record until the finalizers run, after the loop yields.
  collectedOutputs.unregister(t);
});

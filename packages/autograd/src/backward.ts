/**
 * The backward pass: walks the records reachable from the roots in reverse execution order,
 * calls each kernel's gradient with the gradient of its output, and sums what reaches each
 * tensor (a tensor used twice gets both contributions). Runs with grad mode off, inside one
 * tidy, freeing each intermediate gradient as soon as it has been passed on.
 */
import { add, engine, formatShape, keep, shapesEqual, tidy, zeros, type Shape, type Tensor } from '@nn/tensor';
import type { GradContext } from './gradients/types.js';
import { producerOf, releaseNode, setGradEnabled, sweepUnreachable, type TapeInput, type TapeNode } from './tape.js';

export interface BackwardOptions {
  /** Keep the saved tensors so that backward can run through this graph again (default false). */
  retainGraph?: boolean;
}

interface Request {
  roots: readonly Tensor[];
  /** The gradient of each root (the vector of the vector-Jacobian product). */
  seeds: readonly Tensor[];
  retainGraph: boolean;
  /** Return the gradients of these tensors instead of accumulating into leaves' .grad. */
  targets?: readonly Tensor[];
  /** Non-leaf tensors whose .grad backward() should fill too (retainGrad). */
  retained?: ReadonlySet<Tensor>;
}

/**
 * Runs backward; returns the targets' gradients (zeros where none reaches) when targets are
 * given. Afterwards it also frees records nobody can reach (e.g. running statistics computed
 * from a batch that required grad, then disposed), so a training loop's memory stays flat
 * step by step rather than only at the tape's periodic sweep.
 */
export function runBackward(request: Request): Tensor[] {
  const previous = setGradEnabled(false);
  try {
    return tidy(() => backwardPass(request));
  } finally {
    setGradEnabled(previous);
    sweepUnreachable();
  }
}

/** A new handle on the same buffer, owned by the current scope (so it can be freed independently). */
function alias(t: Tensor): Tensor {
  return engine().makeTensorFromInfo(t, engine().backendOf(t));
}

/** Adds `g` into `slots[key]`, taking ownership of g. */
function accumulate<K>(slots: Map<K, Tensor>, key: K, g: Tensor): void {
  const existing = slots.get(key);
  if (!existing) {
    slots.set(key, g);
    return;
  }
  slots.set(key, add(existing, g));
  existing.dispose();
  g.dispose();
}

/** The key of one output of one record: "node id:output index". */
const slotKey = (node: TapeNode, index: number): string => `${node.id}:${index}`;

function backwardPass({ roots, seeds, retainGraph, targets, retained }: Request): Tensor[] {
  // Gradients waiting for a record's outputs, keyed by "node id:output index", and for leaves.
  const pending = new Map<string, Tensor>();
  const leafGrads = new Map<Tensor, Tensor>();
  const starts: TapeNode[] = [];
  roots.forEach((root, i) => {
    const seed = alias(seeds[i]);
    const made = producerOf(root);
    if (made) {
      accumulate(pending, slotKey(made.node, made.index), seed);
      starts.push(made.node);
    } else {
      accumulate(leafGrads, root, seed);
    }
  });

  const nodes = reachable(starts);
  const targetSet = new Set(targets ?? []);
  // The non-leaf targets and retained tensors by the record output they are (the tape keeps no handle on outputs).
  const targetSlots = new Map<string, Tensor>();
  const retainedSlots = new Map<string, Tensor>();
  for (const [tensors, slots] of [[targetSet, targetSlots], [retained ?? new Set<Tensor>(), retainedSlots]] as const) {
    for (const t of tensors) {
      const made = producerOf(t);
      if (made) slots.set(slotKey(made.node, made.index), t);
    }
  }
  const useful = targets ? usefulNodes(nodes, targetSet, targetSlots) : null;
  const needs = (input: TapeInput): boolean => input.requiresGrad && (useful === null || leadsToTarget(input, useful, targetSet, targetSlots));
  // Gradients of non-leaf targets, read when their producer comes up (all consumers are done by then).
  const targetGrads = new Map<Tensor, Tensor>();

  for (const node of nodes) {
    for (let index = 0; index < node.outputLive.length; index++) {
      const key = slotKey(node, index);
      const g = pending.get(key);
      if (g === undefined) continue;
      const target = targetSlots.get(key);
      if (target) targetGrads.set(target, alias(g));
      const kept = retainedSlots.get(key);
      if (kept) setGrad(kept, g);
    }
    const dy = pending.get(slotKey(node, 0));
    pending.delete(slotKey(node, 0));
    if (dy !== undefined && (useful === null || useful.has(node))) {
      propagate(node, dy, needs, (input, g) => {
        if (input.producer) accumulate(pending, slotKey(input.producer, input.outputIndex), g);
        else accumulate(leafGrads, input.leaf!, g);
      });
    }
    dy?.dispose();
    if (!retainGraph) releaseNode(node);
  }

  if (targets) {
    // Returned tensors survive the tidy around the pass; a target listed twice gets two handles.
    const given = new Set<Tensor>();
    return targets.map((t) => {
      const g = targetGrads.get(t) ?? leafGrads.get(t) ?? zeros(t.shape);
      if (given.has(g)) return alias(g);
      given.add(g);
      return g;
    });
  }
  for (const [leaf, g] of leafGrads) setGrad(leaf, g);
  return [];
}

/** Accumulates into t.grad; the .grad handle stays the same object across steps (updated in place). */
function setGrad(t: Tensor, g: Tensor): void {
  if (t.grad === null || t.grad.isDisposed) {
    t.grad = keep(alias(g));
    return;
  }
  const sum = add(t.grad, g);
  engine().assign(t.grad, sum);
  sum.dispose();
}

/** Calls the node's gradient and hands each needed input's gradient to `route`. */
function propagate(node: TapeNode, dy: Tensor, needs: (input: TapeInput) => boolean, route: (input: TapeInput, g: Tensor) => void): void {
  const def = node.def;
  if (!def) throw new Error(`backward: kernel '${node.kernelName}' has no gradient (and is not declared non-differentiable)`);
  const byName = new Map(node.inputs.map((input) => [input.name, input]));
  const ctx = contextOf(node, byName, needs);
  const grads = tidy(() => def.grad(dy, ctx));
  const routed = new Set<Tensor>();
  for (const input of node.inputs) {
    if (!needs(input)) continue;
    let g = grads[input.name];
    if (g === undefined) throw new Error(`backward: the gradient of '${node.kernelName}' gave nothing for input '${input.name}'`);
    if (!shapesEqual(g.shape, input.shape)) {
      throw new Error(`backward: the gradient of '${node.kernelName}' for input '${input.name}' has shape ${formatShape(g.shape)}, expected ${formatShape(input.shape)}`);
    }
    // One tensor may be the gradient of two inputs, or dy itself: give each route its own handle.
    if (g === dy || g.kept || routed.has(g)) g = alias(g);
    routed.add(g);
    route(input, g);
  }
  for (const g of Object.values(grads)) if (g && !routed.has(g) && g !== dy && !g.kept) g.dispose();
}

function contextOf(node: TapeNode, byName: Map<string, TapeInput>, needs: (input: TapeInput) => boolean): GradContext {
  const inputOf = (name: string): TapeInput => {
    const input = byName.get(name);
    if (!input) throw new Error(`backward: kernel '${node.kernelName}' has no input '${name}'`);
    return input;
  };
  return {
    attrs: node.attrs,
    inputNames: node.inputs.map((input) => input.name),
    input: (name) => {
      const saved = inputOf(name).saved;
      if (!saved) throw new Error(`backward: the gradient of '${node.kernelName}' reads input '${name}' but does not list it in saveInputs`);
      return saved;
    },
    output: (index = 0) => {
      const saved = node.savedOutputs?.[index];
      if (!saved) throw new Error(`backward: the gradient of '${node.kernelName}' reads output ${index} but does not set saveOutputs`);
      return saved;
    },
    inputShape: (name): Shape => inputOf(name).shape,
    needs: (name) => needs(inputOf(name)),
  };
}

/** Records reachable from `starts`, latest first (a reverse topological order, since ids follow execution). */
function reachable(starts: readonly TapeNode[]): TapeNode[] {
  const seen = new Set<TapeNode>();
  const stack = [...starts];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (seen.has(node)) continue;
    if (node.released) {
      throw new Error(
        `backward: the graph through '${node.kernelName}' was already freed by an earlier backward; pass { retainGraph: true } to that call to run backward through it twice`,
      );
    }
    seen.add(node);
    for (const input of node.inputs) if (input.producer) stack.push(input.producer);
  }
  return [...seen].sort((a, b) => b.id - a.id);
}

/** Records on a path to some target (computed forward, from the earliest record). */
function usefulNodes(nodes: readonly TapeNode[], targets: ReadonlySet<Tensor>, targetSlots: ReadonlyMap<string, Tensor>): Set<TapeNode> {
  const useful = new Set<TapeNode>();
  for (let i = nodes.length - 1; i >= 0; i--) {
    const node = nodes[i];
    if (node.inputs.some((input) => input.requiresGrad && leadsToTarget(input, useful, targets, targetSlots))) useful.add(node);
  }
  return useful;
}

/** Whether an input is a target (a leaf, or a record output in `targetSlots`) or has one upstream. */
function leadsToTarget(input: TapeInput, useful: ReadonlySet<TapeNode>, targets: ReadonlySet<Tensor>, targetSlots: ReadonlyMap<string, Tensor>): boolean {
  if (!input.producer) return targets.has(input.leaf!);
  return useful.has(input.producer) || targetSlots.has(slotKey(input.producer, input.outputIndex));
}

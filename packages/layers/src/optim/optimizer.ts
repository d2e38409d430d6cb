/**
 * The optimizer base, as torch.optim.Optimizer: parameter groups with their own
 * hyperparameters, per-parameter state, zeroGrad(), step(), stateDict()/loadStateDict().
 * Each subclass implements one parameter's update with tensor ops, so it runs on every
 * backend; the new values go into the parameter with engine().assign, so the handle a
 * module holds stays the same.
 */
import { noGrad } from '@nn/autograd';
import { engine, keep, shapesEqual, Tensor, tidy, zerosLike } from '@nn/tensor';
import { emptyDict } from '../safetensors.js';
import { show } from '../show.js';

/** Hyperparameters every optimizer has. */
export interface OptimizerOptions {
  lr: number;
}

/** A group as the user passes it: its parameters, and hyperparameters overriding the defaults. */
export type ParamGroupSpec<O> = Partial<O> & { params: Iterable<Tensor> };

/** A group as the optimizer keeps it: every hyperparameter filled in. Schedulers change `lr` here. */
export type ParamGroup<O> = O & { params: Tensor[]; [extra: string]: unknown };

/** Per-parameter state: step counts as numbers, running averages as tensors. */
export type ParamState = Record<string, Tensor | number>;

export interface OptimizerStateDict {
  /** By parameter index over all groups, in order, as PyTorch numbers them. */
  state: Record<number, ParamState>;
  paramGroups: Record<string, unknown>[];
}

export abstract class Optimizer<O extends OptimizerOptions = OptimizerOptions> {
  readonly defaults: O;
  readonly paramGroups: ParamGroup<O>[] = [];
  readonly state = new Map<Tensor, ParamState>();
  /**
   * Whether step() may use the backend's fused update kernel (one pass per parameter, the
   * same float32 results as the op composition) where the backend has one; false always
   * runs the composition. SGD and Adam/AdamW have one on @nn/backend-cpu and backend-gpujs.
   */
  fused = true;

  constructor(params: Iterable<Tensor> | ParamGroupSpec<O>[], defaults: O) {
    this.defaults = defaults;
    const list = [...(params as Iterable<Tensor | ParamGroupSpec<O>>)];
    if (list.length === 0) throw new Error(`${this.constructor.name}: got an empty parameter list`);
    if (list.every((p) => p instanceof Tensor)) {
      this.addParamGroup({ params: list } as unknown as ParamGroupSpec<O>);
    } else if (list.every((p) => !(p instanceof Tensor))) {
      for (const group of list as ParamGroupSpec<O>[]) this.addParamGroup(group);
    } else {
      throw new Error(`${this.constructor.name}: params must be all tensors or all parameter groups`);
    }
  }

  /** Adds a group (e.g. layers to unfreeze when fine-tuning); hyperparameters default to the optimizer's. */
  addParamGroup(spec: ParamGroupSpec<O>): void {
    const name = this.constructor.name;
    const params = [...spec.params];
    for (const p of params) {
      if (!(p instanceof Tensor)) throw new Error(`${name}: parameters must be Tensors`);
      if (p.dtype !== 'float32') throw new Error(`${name}: can only optimize float32 tensors, got ${p.dtype}`);
      for (const g of this.paramGroups) if (g.params.includes(p)) throw new Error(`${name}: some parameters appear in more than one parameter group`);
    }
    if (new Set(params).size !== params.length) throw new Error(`${name}: a parameter group lists the same parameter twice`);
    const group = { ...this.defaults, ...spec, params } as ParamGroup<O>;
    this.validate(group);
    this.paramGroups.push(group);
  }

  /** Throws if a group's hyperparameters are out of range. */
  protected abstract validate(group: O): void;

  /**
   * The update for one parameter with gradient `grad`; runs inside noGrad and tidy, so
   * temporaries vanish; new values go in with `this.set(target, value)`.
   */
  protected abstract update(param: Tensor, grad: Tensor, group: ParamGroup<O>, state: ParamState): void;

  /**
   * One optimization step over every parameter that has a gradient. A closure, if given,
   * re-evaluates the model and returns the loss (needed by no optimizer here; accepted for
   * PyTorch's signature), and step() returns what it returned.
   */
  step(closure?: () => number): number | undefined {
    const loss = closure?.();
    noGrad(() => {
      for (const group of this.paramGroups) {
        for (const p of group.params) {
          if (p.grad === null) continue;
          if (p.isDisposed) throw new Error(`${this.constructor.name}.step: a parameter of shape [${p.shape.join(',')}] has been disposed`);
          const grad = p.grad;
          if (!shapesEqual(grad.shape, p.shape)) {
            throw new Error(`${this.constructor.name}.step: gradient of shape [${grad.shape.join(',')}] does not match its parameter [${p.shape.join(',')}]`);
          }
          let state = this.state.get(p);
          if (state === undefined) {
            state = {};
            this.state.set(p, state);
          }
          const s = state;
          tidy(() => this.update(p, grad, group, s));
        }
      }
    });
    return loss;
  }

  /** Drops (default, as PyTorch's set_to_none) or zeroes every gradient. */
  zeroGrad(setToNone = true): void {
    for (const group of this.paramGroups) {
      for (const p of group.params) {
        if (p.grad === null) continue;
        if (setToNone) {
          p.grad.dispose();
          p.grad = null;
        } else {
          const zero = zerosLike(p.grad);
          engine().assign(p.grad, zero);
          zero.dispose();
        }
      }
    }
  }

  /** Whether the fused kernel `kernelName` may run for `param` (see `fused`); state tensors must have its size. */
  protected canFuse(kernelName: string, param: Tensor, state: readonly (Tensor | number | undefined)[]): boolean {
    if (!this.fused || !engine().backend.kernels.has(kernelName)) return false;
    return state.every((s) => !(s instanceof Tensor) || s.size === param.size);
  }

  /** Writes `value` into `target` in place (a parameter or a state tensor). */
  protected set(target: Tensor, value: Tensor): void {
    engine().assign(target, value);
  }

  /** A state tensor, created kept (zeros like `param` unless `init` says otherwise) on first use. */
  protected stateTensor(state: ParamState, key: string, param: Tensor, init?: () => Tensor): Tensor {
    const existing = state[key];
    if (existing instanceof Tensor) return existing;
    const made = keep(init ? init() : zerosLike(param));
    state[key] = made;
    return made;
  }

  /**
   * The optimizer's state, PyTorch's layout: per-parameter state by index, and the groups'
   * hyperparameters with their parameters as indices. State tensors are the live ones.
   */
  stateDict(): OptimizerStateDict {
    const index = new Map<Tensor, number>();
    const paramGroups = this.paramGroups.map((group) => {
      const { params, ...hyper } = group;
      return { ...hyper, params: params.map((p) => index.get(p) ?? index.set(p, index.size).get(p)!) };
    });
    const state: Record<number, ParamState> = {};
    for (const [p, s] of this.state) {
      const i = index.get(p);
      if (i !== undefined) state[i] = { ...s };
    }
    return { state, paramGroups };
  }

  /** Restores hyperparameters and state saved by stateDict() of an optimizer over the same parameters. */
  loadStateDict(dict: OptimizerStateDict): void {
    const name = this.constructor.name;
    if (dict === null || typeof dict !== 'object' || typeof (dict as { then?: unknown }).then === 'function') {
      throw new Error(`${name}.loadStateDict: expected { state, paramGroups } from stateDict()${typeof (dict as { then?: unknown } | null)?.then === 'function' ? ', got a Promise (await it first)' : `, got ${show(dict)}`}`);
    }
    if (!Array.isArray(dict.paramGroups) || dict.paramGroups.length !== this.paramGroups.length) {
      throw new Error(`${name}.loadStateDict: the saved state has ${dict.paramGroups?.length} parameter groups, this optimizer ${this.paramGroups.length}`);
    }
    const params = this.paramGroups.flatMap((g) => g.params);
    dict.paramGroups.forEach((saved, i) => {
      const count = Array.isArray(saved.params) ? saved.params.length : -1;
      if (count !== this.paramGroups[i].params.length) {
        throw new Error(`${name}.loadStateDict: parameter group ${i} has ${count} parameters in the saved state but ${this.paramGroups[i].params.length} here`);
      }
    });
    if (dict.state === null || typeof dict.state !== 'object') throw new Error(`${name}.loadStateDict: state must be an object by parameter index, got ${show(dict.state)}`);
    for (const [key, s] of Object.entries(dict.state)) {
      const p = /^(0|[1-9]\d*)$/.test(key) ? params[Number(key)] : undefined;
      if (p === undefined) throw new Error(`${name}.loadStateDict: state for parameter ${show(key)}, but there are only ${params.length}`);
      if (s === null || typeof s !== 'object') throw new Error(`${name}.loadStateDict: state of parameter ${key} must be an object, got ${show(s)}`);
      for (const [field, value] of Object.entries(s)) {
        if (value instanceof Tensor && !shapesEqual(value.shape, p.shape) && value.size !== 1) {
          throw new Error(`${name}.loadStateDict: state '${field}' of parameter ${key} has shape [${value.shape.join(',')}], the parameter [${p.shape.join(',')}]`);
        }
      }
    }
    dict.paramGroups.forEach((saved, i) => {
      const { params: _ignored, ...hyper } = saved;
      // Defined, not assigned: a key "__proto__" from a JSON file is a name, not the prototype.
      for (const [key, value] of Object.entries(hyper)) Object.defineProperty(this.paramGroups[i], key, { value, writable: true, enumerable: true, configurable: true });
    });
    this.disposeState();
    for (const [key, s] of Object.entries(dict.state)) {
      const copy: ParamState = emptyDict();
      // Shared handles: buffers are immutable, so sharing is as good as a copy.
      for (const [field, value] of Object.entries(s)) copy[field] = value instanceof Tensor ? engine().share(value) : value;
      this.state.set(params[Number(key)], copy);
    }
  }

  private disposeState(): void {
    for (const s of this.state.values()) for (const v of Object.values(s)) if (v instanceof Tensor) v.dispose();
    this.state.clear();
  }

  /** Frees the state tensors (the parameters belong to their module). */
  dispose(): void {
    this.disposeState();
  }
}

/** Throws `optimizer: name must be ..., got value` unless `ok`. */
export function check(ok: boolean, optimizer: string, what: string, value: unknown): void {
  if (!ok) throw new Error(`${optimizer}: ${what}, got ${JSON.stringify(value)}`);
}

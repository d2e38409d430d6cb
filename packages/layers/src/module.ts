/**
 * Module: the base of every layer and model, as torch.nn.Module. A module's parameters,
 * buffers and child modules are its own properties, found by looking at them, so a model
 * reads like PyTorch's:
 *
 *   class Net extends Module {
 *     conv1 = new Conv2d(1, 6, 5);
 *     fc = new Linear(120, 10);
 *     forward(x: Tensor) { return this.fc.forward(relu(this.conv1.forward(x)).flatten(1)); }
 *   }
 *
 * - a property holding a Module is a child;
 * - a property holding a tensor made by `parameter()` is a parameter (kept, requiresGrad);
 * - a property registered with `registerBuffer()` is a buffer (running statistics).
 * Other properties (numbers, options, plain tensors, arrays) are not part of the state.
 *
 * State-dict keys are the dotted property path with camelCase turned into snake_case
 * (`runningMean` → `running_mean`, `inProjWeight` → `in_proj_weight`), so that PyTorch
 * checkpoints load; a name that already has an underscore or a capital first letter
 * (`Mixed_5b`) is used as it is.
 */
import { cast, engine, keep, shapesEqual, Tensor, type Shape } from '@nn/tensor';
import { emptyDict, stateDictProblem, type StateDict } from './safetensors.js';
import { show } from './show.js';

const parameters = new WeakSet<Tensor>();

/**
 * Makes `t` a trainable parameter (PyTorch's nn.Parameter): kept out of tidy scopes and
 * marked `requiresGrad`. Optimizers update it in place with `engine().assign`, so the
 * handle stays the same object for the module's whole life.
 */
export function parameter(t: Tensor, requiresGrad = true): Tensor {
  if (!(t instanceof Tensor)) throw new Error('parameter: expected a Tensor');
  if (t.isDisposed) throw new Error('parameter: the tensor has been disposed');
  if (requiresGrad && t.dtype !== 'float32') throw new Error(`parameter: only float32 tensors can require gradients, got ${t.dtype}`);
  keep(t);
  t.requiresGrad = requiresGrad;
  parameters.add(t);
  return t;
}

export function isParameter(value: unknown): value is Tensor {
  return value instanceof Tensor && parameters.has(value);
}

/** The state-dict key of a property name (see the module comment). */
export function stateKey(propertyName: string): string {
  if (propertyName.includes('_') || !/^[a-z]/.test(propertyName)) return propertyName;
  return propertyName.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

export interface LoadResult {
  missingKeys: string[];
  unexpectedKeys: string[];
}

/** What every module looks like from outside, whatever its forward takes and returns. */
// Method parameters are checked bivariantly, so any Module<In, Out> is assignable here.
export type AnyModule = Module<never[], unknown>;

export abstract class Module<In extends unknown[] = [Tensor], Out = Tensor> {
  /** Dropout and batch norm behave differently in training; see train()/eval(). */
  training = true;
  // Private fields are invisible to Object.entries, so they never count as state.
  readonly #buffers = new Map<string, { persistent: boolean }>();

  abstract forward(...inputs: In): Out;

  /** The layer's settings for toString(), as PyTorch's extra_repr: `inFeatures=3, outFeatures=4`. */
  extraRepr(): string {
    return '';
  }

  /**
   * Registers a buffer: state that is saved and loaded but not trained (BatchNorm's
   * running statistics). The tensor is kept; a non-persistent buffer stays out of the
   * state dict. Returns the tensor so that constructors can write `this.x = this.registerBuffer(...)`.
   */
  registerBuffer<T extends Tensor | null>(name: string, value: T, persistent = true): T {
    if (value !== null && !(value instanceof Tensor)) throw new Error(`registerBuffer: '${name}' must be a Tensor or null`);
    if (value instanceof Tensor) keep(value);
    this.#buffers.set(name, { persistent });
    (this as unknown as Record<string, unknown>)[name] = value;
    return value;
  }

  /** Registers a parameter under a property name (the same as assigning `parameter(t)` to it). */
  registerParameter(name: string, value: Tensor | null): Tensor | null {
    (this as unknown as Record<string, unknown>)[name] = value === null ? null : parameter(value);
    return value;
  }

  // ---- walking the tree -------------------------------------------------------------------

  /** Direct children with their state-dict names. */
  namedChildren(): [string, AnyModule][] {
    const out: [string, AnyModule][] = [];
    for (const [name, value] of Object.entries(this)) if (value instanceof Module) out.push([stateKey(name), value as AnyModule]);
    return out;
  }

  children(): AnyModule[] {
    return this.namedChildren().map(([, m]) => m);
  }

  /** This module and every descendant, each once, depth first; names are dotted paths ('' for this one). */
  namedModules(prefix = ''): [string, AnyModule][] {
    const out: [string, AnyModule][] = [];
    const seen = new Set<AnyModule>();
    const visit = (m: AnyModule, path: string): void => {
      if (seen.has(m)) return;
      seen.add(m);
      out.push([path, m]);
      for (const [name, child] of m.namedChildren()) visit(child, path ? `${path}.${name}` : name);
    };
    visit(this, prefix);
    return out;
  }

  modules(): AnyModule[] {
    return this.namedModules().map(([, m]) => m);
  }

  /** This module's own parameters (not its children's), null ones skipped. */
  ownParameters(): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [name, value] of Object.entries(this)) if (isParameter(value)) out.push([stateKey(name), value]);
    return out;
  }

  /** This module's own buffers; `persistentOnly` leaves out those not saved. */
  ownBuffers(persistentOnly = false): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [name, { persistent }] of this.#buffers) {
      const value = (this as unknown as Record<string, unknown>)[name];
      if (value instanceof Tensor && (persistent || !persistentOnly)) out.push([stateKey(name), value]);
    }
    return out;
  }

  /** Every parameter with its dotted name; a parameter shared by two modules appears once. */
  namedParameters(): [string, Tensor][] {
    return this.collect((m) => m.ownParameters());
  }

  parameters(): Tensor[] {
    return this.namedParameters().map(([, p]) => p);
  }

  namedBuffers(): [string, Tensor][] {
    return this.collect((m) => m.ownBuffers());
  }

  buffers(): Tensor[] {
    return this.namedBuffers().map(([, b]) => b);
  }

  private collect(own: (m: AnyModule) => [string, Tensor][]): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    const seen = new Set<Tensor>();
    for (const [path, m] of this.namedModules()) {
      for (const [name, t] of own(m)) {
        if (seen.has(t)) continue;
        seen.add(t);
        out.push([path ? `${path}.${name}` : name, t]);
      }
    }
    return out;
  }

  // ---- modes and traversal ------------------------------------------------------------------

  /** Sets training mode here and in every descendant. */
  train(mode = true): this {
    for (const m of this.modules()) m.training = mode;
    return this;
  }

  eval(): this {
    return this.train(false);
  }

  /** Calls `fn` on every child's subtree first, then on this module (PyTorch's order). */
  apply(fn: (m: AnyModule) => void): this {
    for (const child of this.children()) child.apply(fn);
    fn(this);
    return this;
  }

  /** Sets requiresGrad on every parameter (freezing or unfreezing the model). */
  requiresGrad_(requiresGrad = true): this {
    for (const p of this.parameters()) p.requiresGrad = requiresGrad;
    return this;
  }

  /** Drops every parameter's gradient (PyTorch's set_to_none). */
  zeroGrad(): void {
    for (const p of this.parameters()) {
      p.grad?.dispose();
      p.grad = null;
    }
  }

  /** Frees every parameter (with its gradient) and buffer; the module cannot be used afterwards. */
  dispose(): void {
    for (const p of this.parameters()) {
      p.grad?.dispose();
      p.grad = null;
      p.dispose();
    }
    for (const b of this.buffers()) b.dispose();
  }

  // ---- state --------------------------------------------------------------------------------

  /**
   * Parameters and persistent buffers by dotted key, in PyTorch's order (a module's own
   * parameters, then its buffers, then each child's). The tensors are the module's own
   * handles (as PyTorch's state_dict shares storage): read or save them, do not dispose them.
   */
  stateDict(): StateDict {
    const out: StateDict = emptyDict();
    const visit = (m: AnyModule, path: string): void => {
      const key = (name: string): string => (path ? `${path}.${name}` : name);
      for (const [name, p] of m.ownParameters()) out[key(name)] = p;
      for (const [name, b] of m.ownBuffers(true)) out[key(name)] = b;
      for (const [name, child] of m.namedChildren()) visit(child, key(name));
    };
    visit(this, '');
    return out;
  }

  /**
   * Loads parameters and buffers by key. Everything is checked before anything changes: a
   * wrongly shaped entry is always an error, and with `strict` (the default) so are missing
   * and unexpected keys; the message lists all of them. Values are converted to the target's
   * dtype (an I64 counter loads into our int32 buffer) and shared, not copied.
   */
  loadStateDict(stateDict: StateDict, options: { strict?: boolean } = {}): LoadResult {
    const notADict = stateDictProblem(stateDict);
    if (notADict !== null) throw new Error(`loadStateDict: ${notADict}`);
    const strict = options.strict ?? true;
    const own = this.stateDict();
    // Own properties only: a plain object inherits `constructor`, `toString`, ... by those names.
    const given = (key: string): unknown => (Object.hasOwn(stateDict, key) ? stateDict[key] : undefined);
    const missingKeys = Object.keys(own).filter((k) => !Object.hasOwn(stateDict, k));
    const unexpectedKeys = Object.keys(stateDict).filter((k) => !Object.hasOwn(own, k));
    const wrongShapes: string[] = [];
    for (const [key, target] of Object.entries(own)) {
      const value = given(key);
      if (value === undefined) continue;
      if (!(value instanceof Tensor) || value.isDisposed) {
        wrongShapes.push(`${show(key)}: not a live Tensor`);
      } else if (!shapesEqual(value.shape, target.shape)) {
        wrongShapes.push(`${show(key)}: checkpoint [${value.shape.join(',')}], model [${target.shape.join(',')}]`);
      }
    }
    const problems: string[] = [];
    if (strict && missingKeys.length > 0) problems.push(`missing keys: ${listed(missingKeys)}`);
    if (strict && unexpectedKeys.length > 0) problems.push(`unexpected keys: ${listed(unexpectedKeys)}`);
    if (wrongShapes.length > 0) problems.push(`wrongly shaped: ${listed(wrongShapes, (p) => p, '; ')}`);
    if (problems.length > 0) {
      throw new Error(`loadStateDict: error(s) loading state dict for ${this.constructor.name}:\n  ${problems.join('\n  ')}`);
    }
    for (const [key, target] of Object.entries(own)) {
      const value = given(key) as Tensor | undefined;
      if (value === undefined) continue;
      if (value.dtype === target.dtype) {
        engine().assign(target, value);
      } else {
        const converted = cast(value, target.dtype);
        engine().assign(target, converted);
        converted.dispose();
      }
    }
    return { missingKeys, unexpectedKeys };
  }

  // ---- text -----------------------------------------------------------------------------------

  /** PyTorch's repr: the class name with its settings, and the children indented below. */
  toString(): string {
    const lines: string[] = [];
    const extra = this.extraRepr();
    if (extra) lines.push(...extra.split('\n'));
    for (const [name, child] of this.namedChildren()) {
      const text = child.toString().split('\n').join('\n  ');
      lines.push(`(${name}): ${text}`);
    }
    const name = this.constructor.name;
    if (lines.length === 0) return `${name}()`;
    if (lines.length === 1 && this.namedChildren().length === 0) return `${name}(${lines[0]})`;
    return `${name}(\n  ${lines.join('\n  ')}\n)`;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

/** The first items of a list for a message, the rest counted: a file may hold a million keys. */
function listed(items: string[], format: (item: string) => string = (k) => show(k), separator = ', '): string {
  const first = items.slice(0, MAX_LISTED).map(format).join(separator);
  return items.length > MAX_LISTED ? `${first}${separator}and ${items.length - MAX_LISTED} more` : first;
}

const MAX_LISTED = 50;

/** The dims of a shape, as text for reprs and errors. */
export function shapeText(shape: Shape): string {
  return `[${shape.join(', ')}]`;
}

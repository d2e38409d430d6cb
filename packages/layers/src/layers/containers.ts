/**
 * Containers, as torch.nn.Sequential / ModuleList / ModuleDict. Their children live in an
 * ordered map rather than in properties, so any name works (even 'training') and the
 * state-dict keys are exactly the given names or indices: `features.0.weight`.
 */
import type { Tensor } from '@nn/tensor';
import { Module, type AnyModule } from '../module.js';

/** A layer that maps one tensor to one tensor, what Sequential chains. */
export type TensorModule = Module<[Tensor], Tensor>;

abstract class Container<In extends unknown[], Out> extends Module<In, Out> {
  protected readonly items = new Map<string, AnyModule>();

  override namedChildren(): [string, AnyModule][] {
    return [...this.items];
  }

  get length(): number {
    return this.items.size;
  }

  protected checkModule(owner: string, m: unknown, where: string): AnyModule {
    if (!(m instanceof Module)) throw new Error(`${owner}: ${where} is not a Module`);
    return m as AnyModule;
  }
}

/** Chains layers: the output of each is the input of the next. Children are named 0, 1, ... or as given. */
export class Sequential extends Container<[Tensor], Tensor> {
  constructor(...layers: TensorModule[] | [Record<string, TensorModule>]) {
    super();
    const first: unknown = layers[0];
    if (layers.length === 1 && !(first instanceof Module) && typeof first === 'object' && first !== null) {
      for (const [name, m] of Object.entries(first as Record<string, TensorModule>)) this.items.set(name, this.checkModule('Sequential', m, `entry '${name}'`));
    } else {
      (layers as TensorModule[]).forEach((m, i) => this.items.set(String(i), this.checkModule('Sequential', m, `argument ${i}`)));
    }
  }

  forward(x: Tensor): Tensor {
    let y = x;
    for (const m of this.items.values()) y = (m as unknown as TensorModule).forward(y);
    return y;
  }

  /** The layer at an index (negative counts from the end). */
  at(index: number): TensorModule {
    const list = [...this.items.values()];
    const m = list[index < 0 ? list.length + index : index];
    if (m === undefined) throw new Error(`Sequential: index ${index} is out of range for ${list.length} layers`);
    return m as unknown as TensorModule;
  }

  /** The layer with a given name ('0', 'conv1'). */
  get(name: string): TensorModule {
    const m = this.items.get(name);
    if (m === undefined) throw new Error(`Sequential: no layer named '${name}'`);
    return m as unknown as TensorModule;
  }

  append(layer: TensorModule): this {
    this.items.set(String(this.items.size), this.checkModule('Sequential', layer, 'the appended value'));
    return this;
  }

  [Symbol.iterator](): IterableIterator<TensorModule> {
    return this.items.values() as IterableIterator<TensorModule>;
  }
}

/** A list of modules whose parameters belong to the owner; no forward of its own. */
export class ModuleList<M extends AnyModule = AnyModule> extends Container<never[], never> {
  constructor(modules: Iterable<M> = []) {
    super();
    for (const m of modules) this.append(m);
  }

  forward(): never {
    throw new Error('ModuleList: has no forward; iterate over it and call each module');
  }

  at(index: number): M {
    const list = [...this.items.values()];
    const m = list[index < 0 ? list.length + index : index];
    if (m === undefined) throw new Error(`ModuleList: index ${index} is out of range for ${list.length} modules`);
    return m as M;
  }

  append(m: M): this {
    this.items.set(String(this.items.size), this.checkModule('ModuleList', m, 'the appended value'));
    return this;
  }

  extend(modules: Iterable<M>): this {
    for (const m of modules) this.append(m);
    return this;
  }

  [Symbol.iterator](): IterableIterator<M> {
    return this.items.values() as IterableIterator<M>;
  }
}

/**
 * Modules by name, in insertion order; no forward of its own. Give [name, module] entries to
 * fix the order exactly: an object literal lists integer-like keys ('1') first.
 */
export class ModuleDict<M extends AnyModule = AnyModule> extends Container<never[], never> {
  constructor(modules: Record<string, M> | Iterable<[string, M]> = {}) {
    super();
    const entries = Symbol.iterator in modules ? [...modules] : Object.entries(modules);
    for (const [name, m] of entries) this.set(name, m);
  }

  forward(): never {
    throw new Error('ModuleDict: has no forward; look modules up by name and call them');
  }

  get(name: string): M {
    const m = this.items.get(name);
    if (m === undefined) throw new Error(`ModuleDict: no module named '${name}' (have: ${[...this.items.keys()].join(', ')})`);
    return m as M;
  }

  has(name: string): boolean {
    return this.items.has(name);
  }

  set(name: string, m: M): this {
    if (typeof name !== 'string' || name === '' || name.includes('.')) throw new Error(`ModuleDict: key must be a non-empty string without '.', got ${JSON.stringify(name)}`);
    this.items.set(name, this.checkModule('ModuleDict', m, `entry '${name}'`));
    return this;
  }

  delete(name: string): boolean {
    return this.items.delete(name);
  }

  keys(): string[] {
    return [...this.items.keys()];
  }

  values(): M[] {
    return [...this.items.values()] as M[];
  }

  entries(): [string, M][] {
    return [...this.items] as [string, M][];
  }
}

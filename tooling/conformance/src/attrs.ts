/**
 * Reading a vector's PyTorch attributes for cases.ts. Every attribute must be read by the
 * case's run function: `done()` throws on any left over, so that a reference case with an
 * attribute we do not translate fails loudly instead of running with a default.
 */
import { Tensor } from '@nn/tensor';
import type { AttrValue } from './vectors.js';

export type Attrs = Readonly<Record<string, AttrValue>>;

export class AttrReader {
  private readonly unread: Set<string>;

  constructor(
    private readonly op: string,
    private readonly attrs: Attrs,
  ) {
    this.unread = new Set(Object.keys(attrs));
  }

  private fail(name: string, what: string): never {
    throw new Error(`cases: ${this.op}: attribute '${name}' = ${JSON.stringify(this.attrs[name])} ${what}`);
  }

  /** The raw value, or undefined when absent or null (PyTorch's None). */
  private take(name: string): AttrValue | undefined {
    this.unread.delete(name);
    const value = this.attrs[name];
    return value === null ? undefined : value;
  }

  /** The raw value, marked read (for attributes a run function checks itself). */
  raw(name: string): AttrValue | undefined {
    return this.take(name);
  }

  /** The raw value without marking it read. */
  peek(name: string): AttrValue | undefined {
    return this.attrs[name] ?? undefined;
  }

  has(name: string): boolean {
    return this.attrs[name] !== undefined && this.attrs[name] !== null;
  }

  number(name: string, fallback?: number): number {
    const v = this.take(name);
    if (v === undefined && fallback !== undefined) return fallback;
    if (typeof v !== 'number') this.fail(name, 'is not a number');
    return v;
  }

  int(name: string, fallback?: number): number {
    const v = this.number(name, fallback);
    if (!Number.isInteger(v)) this.fail(name, 'is not an integer');
    return v;
  }

  /** A number, or undefined for None/absent (e.g. clamp's `min=None`). */
  optionalNumber(name: string): number | undefined {
    const v = this.take(name);
    if (v === undefined) return undefined;
    if (typeof v !== 'number') this.fail(name, 'is not a number');
    return v;
  }

  /** An integer, or undefined for None/absent (e.g. `dim=None`). */
  optionalInt(name: string): number | undefined {
    const v = this.take(name);
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || !Number.isInteger(v)) this.fail(name, 'is not an integer');
    return v;
  }

  /** One axis, several, or undefined for all. */
  axes(name: string): number | number[] | undefined {
    const v = this.take(name);
    if (v === undefined) return undefined;
    if (typeof v === 'number' && Number.isInteger(v)) return v;
    if (Array.isArray(v) && v.every((d) => typeof d === 'number' && Number.isInteger(d))) return v as number[];
    this.fail(name, 'is not an axis or a list of axes');
  }

  bool(name: string, fallback?: boolean): boolean {
    const v = this.take(name);
    if (v === undefined && fallback !== undefined) return fallback;
    if (typeof v !== 'boolean') this.fail(name, 'is not a boolean');
    return v;
  }

  string<T extends string>(name: string, allowed: readonly T[], fallback?: T): T {
    const v = this.take(name);
    if (v === undefined && fallback !== undefined) return fallback;
    if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) this.fail(name, `is not one of ${allowed.join(', ')}`);
    return v as T;
  }

  ints(name: string, fallback?: number[]): number[] {
    const v = this.take(name);
    if (v === undefined && fallback !== undefined) return fallback;
    if (!Array.isArray(v) || !v.every((d) => typeof d === 'number' && Number.isInteger(d))) this.fail(name, 'is not a list of integers');
    return v as number[];
  }

  /** PyTorch's `int or (int, int)` arguments (kernel_size, stride, padding, ...). */
  pair(name: string, fallback?: [number, number]): [number, number] {
    const v = this.take(name);
    if (v === undefined && fallback !== undefined) return fallback;
    if (typeof v === 'number' && Number.isInteger(v)) return [v, v];
    if (Array.isArray(v) && v.length === 2 && v.every((d) => typeof d === 'number' && Number.isInteger(d))) return [v[0] as number, v[1] as number];
    if (Array.isArray(v) && v.length === 1 && typeof v[0] === 'number') return [v[0], v[0]];
    this.fail(name, 'is not an int or a pair of ints');
  }

  /** Reads an attribute that must hold one value we support (e.g. `ignore_index` = -100). */
  expect(name: string, supported: AttrValue): void {
    const v = this.take(name);
    if (v !== undefined && JSON.stringify(v) !== JSON.stringify(supported)) this.fail(name, `is not supported here (only ${JSON.stringify(supported)})`);
  }

  /** Throws if the case has an attribute that no reader call took. */
  done(): void {
    if (this.unread.size > 0) {
      const list = [...this.unread].map((k) => `${k}=${JSON.stringify(this.attrs[k])}`).join(', ');
      throw new Error(`cases: ${this.op}: attribute(s) ${list} not translated; extend its entry in tooling/conformance/src/cases.ts`);
    }
  }
}

/** The tensor inputs of a case, by name and in the order of PyTorch's positional arguments. */
export class Inputs {
  private readonly list: Tensor[];

  constructor(
    private readonly op: string,
    private readonly named: Readonly<Record<string, Tensor>>,
  ) {
    this.list = Object.values(named);
  }

  /** The input named `name`, else the one at `position`; throws if neither exists. */
  get(name: string, position: number): Tensor {
    const t = this.named[name] ?? this.list[position];
    if (t === undefined) throw new Error(`cases: ${this.op}: no input '${name}' (inputs: ${Object.keys(this.named).join(', ') || 'none'})`);
    return t;
  }

  /** An optional input (bias, weight): by name only, null when absent. */
  optional(name: string): Tensor | null {
    return this.named[name] ?? null;
  }

  /** All inputs by name (module cases bind their parameters from it). */
  byName(): Readonly<Record<string, Tensor>> {
    return this.named;
  }

  /** All inputs in order (cat's tensor list). */
  all(): Tensor[] {
    return this.list;
  }
}

export interface OpResult {
  /** The differentiable output: the one the vectors' `output` and `grads` refer to. */
  output: Tensor;
  /** Non-differentiated outputs, by the vectors' `extra_outputs` names (indices, running statistics). */
  extra?: Record<string, Tensor>;
}

export type OpRun = (inputs: Record<string, Tensor>, attrs: Attrs) => OpResult;

/** Wraps a run body with the attribute and input readers; `done()` runs after the body. */
export function op(name: string, body: (x: Inputs, a: AttrReader) => OpResult | Tensor): OpRun {
  return (inputs, attrs) => {
    const reader = new AttrReader(name, attrs);
    const result = body(new Inputs(name, inputs), reader);
    reader.done();
    return result instanceof Tensor ? { output: result } : result;
  };
}


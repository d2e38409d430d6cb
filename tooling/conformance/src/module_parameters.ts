/**
 * Module cases of the vectors (round 2) hold every parameter as an input named as in
 * PyTorch's state_dict. bindParameters puts those input tensors in the module's slots, so
 * the module computes with the stored values and gradients reach the case's inputs.
 */
import { stateKey, type AnyModule } from '@nn/layers';
import type { Tensor } from '@nn/tensor';

export function bindParameters(op: string, module: AnyModule, inputs: Readonly<Record<string, Tensor>>, dataInputs: readonly string[]): void {
  const params = module.namedParameters();
  const names = new Set(params.map(([name]) => name));
  const missing = params.map(([name]) => name).filter((name) => inputs[name] === undefined);
  const unknown = Object.keys(inputs).filter((name) => !names.has(name) && !dataInputs.includes(name));
  if (missing.length > 0 || unknown.length > 0) {
    throw new Error(
      `cases: ${op}: the case's parameters do not match the module's (missing: ${missing.join(', ') || 'none'}; unknown inputs: ${unknown.join(', ') || 'none'}); ` +
        `extend its entry in tooling/conformance/src/transformer_cases.ts`,
    );
  }
  const modules = new Map(module.namedModules());
  for (const [name, original] of params) {
    const value = inputs[name];
    if (value.shape.join(',') !== original.shape.join(',')) {
      throw new Error(`cases: ${op}: input '${name}' is [${value.shape.join(',')}], the module's parameter [${original.shape.join(',')}]`);
    }
    const dot = name.lastIndexOf('.');
    const owner = modules.get(name.slice(0, Math.max(dot, 0)))! as unknown as Record<string, unknown>;
    const property = Object.keys(owner).find((key) => stateKey(key) === name.slice(dot + 1) && owner[key] === original)!;
    owner[property] = value;
    original.dispose(); // parameters are kept out of tidy scopes
  }
}

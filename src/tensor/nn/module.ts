import type { Tensor } from '../tensor.js';

/**
 * A tree of named parameters and sub-modules. Names join with '.' like PyTorch's
 * state_dict keys ("blocks.0.attn.qkv.weight"), which checkpoints use.
 */
export abstract class Module {
  readonly #parameters = new Map<string, Tensor>();
  readonly #children = new Map<string, Module>();
  #training = true;

  protected addParameter(name: string, value: Tensor): Tensor {
    value.requiresGrad = true;
    value.name ||= name;
    this.#parameters.set(name, value);
    return value;
  }

  protected addModule<M extends Module>(name: string, module: M): M {
    this.#children.set(name, module);
    return module;
  }

  namedParameters(prefix = ''): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [name, value] of this.#parameters) out.push([prefix + name, value]);
    for (const [name, child] of this.#children) out.push(...child.namedParameters(`${prefix}${name}.`));
    return out;
  }

  parameters(): Tensor[] {
    return this.namedParameters().map(([, value]) => value);
  }

  /** Number of trainable scalars. */
  parameterCount(): number {
    return this.parameters().reduce((sum, p) => sum + p.size, 0);
  }

  get training(): boolean {
    return this.#training;
  }

  /** Training mode (dropout active) on or off, recursively. */
  train(on = true): this {
    this.#training = on;
    for (const child of this.#children.values()) child.train(on);
    return this;
  }

  eval(): this {
    return this.train(false);
  }
}

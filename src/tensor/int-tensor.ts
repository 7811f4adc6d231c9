import { checkShape, formatShape, type Shape, sizeOf } from './shape.js';

/** Integer ids (tokens, items, class targets) with a shape; never differentiable. */
export class IntTensor {
  readonly data: Int32Array;
  readonly shape: Shape;
  readonly size: number;

  constructor(data: Int32Array, shape: Shape) {
    checkShape(shape, 'IntTensor');
    const size = sizeOf(shape);
    if (data.length !== size) {
      throw new RangeError(
        `IntTensor: data has ${data.length} values but shape ${formatShape(shape)} needs ${size}`,
      );
    }
    this.data = data;
    this.shape = Object.freeze([...shape]);
    this.size = size;
  }

  toString(): string {
    return `IntTensor${formatShape(this.shape)}`;
  }
}

export function intTensor(values: ArrayLike<number>, shape?: Shape): IntTensor {
  const data = values instanceof Int32Array ? values : Int32Array.from(values);
  return new IntTensor(data, shape ?? [data.length]);
}

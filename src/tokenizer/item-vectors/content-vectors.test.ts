import { describe, expect, it } from 'vitest';
import type { Item } from '../../data/index.js';
import { contentVectors } from './content-vectors.js';

function dot(vectors: Float32Array, dim: number, a: number, b: number): number {
  let sum = 0;
  for (let j = 0; j < dim; j++) sum += vectors[a * dim + j]! * vectors[b * dim + j]!;
  return sum;
}

describe('contentVectors', () => {
  // Two families (lipsticks, shampoos) told apart by tags, categories and text; "lonely" has nothing usable.
  const items: Item[] = [
    { id: 'a', tags: ['1', '2'], categories: ['Beauty', 'Makeup', 'Lips'], title: 'Red matte lipstick' },
    { id: 'b', tags: ['1', '3'], categories: ['Beauty', 'Makeup', 'Lips'], title: 'Pink lipstick gloss' },
    { id: 'c', tags: ['2', '3'], categories: ['Beauty', 'Makeup'], title: 'Matte lipstick set' },
    { id: 'd', tags: ['7', '8'], categories: ['Beauty', 'Hair'], title: 'Argan oil shampoo' },
    { id: 'e', tags: ['7', '9'], categories: ['Beauty', 'Hair'], title: 'Shampoo for dry hair' },
    { id: 'f', tags: ['8', '9'], categories: ['Beauty', 'Hair'], title: '洗发水 shampoo' },
    { id: 'g', hashtags: ['#美妆'], text: '口红试色' },
    { id: 'h', hashtags: ['美妆'], text: '口红推荐' },
    { id: 'lonely', tags: ['unique-tag'] },
  ];
  const metadata = new Map(items.map((item) => [item.id, item]));
  const ids = [...items.map((item) => item.id), 'absent'];

  it('places items of one family closer than items of two, in unit rows of the asked dimension', () => {
    const result = contentVectors(ids, metadata, { dim: 4, seed: 1 });
    expect(result.vectors).toHaveLength(ids.length * 4);
    for (let item = 0; item < 8; item++) expect(dot(result.vectors, 4, item, item)).toBeCloseTo(1, 5);
    const within = Math.min(
      dot(result.vectors, 4, 0, 1),
      dot(result.vectors, 4, 3, 4),
      dot(result.vectors, 4, 6, 7),
    );
    const across = Math.max(
      dot(result.vectors, 4, 0, 3),
      dot(result.vectors, 4, 1, 5),
      dot(result.vectors, 4, 0, 6),
    );
    expect(within).toBeGreaterThan(across + 0.3);
  });

  it('reports items with no usable metadata and leaves their rows zero', () => {
    const result = contentVectors(ids, metadata, { dim: 4 });
    expect([...result.emptyItems]).toEqual([8, 9]); // only a tag no other item has; no metadata at all
    expect(result.vectors.subarray(8 * 4).every((value) => value === 0)).toBe(true);
    expect(result.features).toBeGreaterThan(10);
    expect(result.explainedShare).toBeGreaterThan(0);
    expect(result.explainedShare).toBeLessThanOrEqual(1 + 1e-6);
  });

  it('zero-pads beyond the rank and is seeded', () => {
    const result = contentVectors(ids, metadata, { dim: 40, seed: 3 });
    expect(result.dim).toBe(40);
    expect(contentVectors(ids, metadata, { dim: 40, seed: 3 }).vectors).toEqual(result.vectors);
    const lastColumn = Array.from({ length: ids.length }, (_, item) => result.vectors[item * 40 + 39]);
    expect(lastColumn.every((value) => value === 0)).toBe(true);
  });
});

/**
 * Indices of the k highest scores, best first. Ties go to the lower index, so
 * a ranking is a pure function of the scores. -Infinity marks an item that
 * must not be ranked; fewer than k indices come back when fewer are rankable.
 * O(n log k) with a min-heap of the current best k.
 */
export function topK(scores: Float32Array, k: number, out: Int32Array = new Int32Array(k)): Int32Array {
  if (!(k > 0) || out.length < k)
    throw new RangeError(`topK needs 0 < k <= out.length, got k ${k}, out ${out.length}`);
  const heap = out; // heap[0] is the worst of the kept items
  let size = 0;
  // "a worse than b": lower score, or equal score and higher index.
  const worse = (a: number, b: number): boolean => {
    const sa = scores[a]!;
    const sb = scores[b]!;
    return sa < sb || (sa === sb && a > b);
  };
  const siftDown = (start: number): void => {
    let i = start;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= size) return;
      const right = left + 1;
      const child = right < size && worse(heap[right]!, heap[left]!) ? right : left;
      if (!worse(heap[child]!, heap[i]!)) return;
      const tmp = heap[i]!;
      heap[i] = heap[child]!;
      heap[child] = tmp;
      i = child;
    }
  };
  // Score of the worst kept item once the heap is full: most items fall below it and cost one comparison.
  let floor = Number.NEGATIVE_INFINITY;
  for (let item = 0; item < scores.length; item++) {
    const score = scores[item]!;
    if (score < floor || score === Number.NEGATIVE_INFINITY || Number.isNaN(score)) continue;
    if (size < k) {
      let i = size++;
      heap[i] = item;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (!worse(heap[i]!, heap[parent]!)) break;
        const tmp = heap[i]!;
        heap[i] = heap[parent]!;
        heap[parent] = tmp;
        i = parent;
      }
      if (size === k) floor = scores[heap[0]!]!;
    } else if (worse(heap[0]!, item)) {
      heap[0] = item;
      siftDown(0);
      floor = scores[heap[0]!]!;
    }
  }
  const ranked = Array.from(heap.subarray(0, size)).sort((a, b) => (worse(a, b) ? 1 : worse(b, a) ? -1 : 0));
  const result = out.subarray(0, size);
  result.set(ranked);
  return result;
}

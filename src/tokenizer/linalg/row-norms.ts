/** Squared L2 norm of each row of [rows, dim]. */
export function squaredRowNorms(data: Float32Array, dim: number): Float64Array {
  const rows = dim === 0 ? 0 : data.length / dim;
  const norms = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let sum = 0;
    for (let j = r * dim; j < (r + 1) * dim; j++) sum += data[j]! * data[j]!;
    norms[r] = sum;
  }
  return norms;
}

/** Scales each row of [rows, dim] to unit L2 norm in place; zero rows stay zero. Returns `data`. */
export function normalizeRows(data: Float32Array, dim: number): Float32Array {
  const norms = squaredRowNorms(data, dim);
  norms.forEach((squared, r) => {
    if (squared === 0) return;
    const scale = 1 / Math.sqrt(squared);
    for (let j = r * dim; j < (r + 1) * dim; j++) data[j]! *= scale;
  });
  return data;
}

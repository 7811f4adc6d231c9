import { type ContentText, hashFeature, textFeatures } from '../text/index.js';

/** Size of the fallback content vector. */
export const HASHED_VECTOR_DIM = 256;

/**
 * A content vector without a trained model: signed feature hashing
 * (Weinberger et al. 2009) of the text features into `dim` buckets, one bit of
 * a second hash giving the sign so collisions cancel on average, L2-normalised.
 * Texts sharing words and character n-grams get close vectors.
 */
export function hashedTextVector(content: ContentText, dim = HASHED_VECTOR_DIM): Float32Array {
  const vector = new Float32Array(dim);
  const features = textFeatures(content);
  if (features.length === 1 && features[0] === 'empty') return vector;
  for (const feature of features) {
    const hash = hashFeature(feature);
    vector[hash % dim]! += hashFeature(`±${feature}`) & 1 ? 1 : -1;
  }
  let norm = 0;
  for (const value of vector) norm += value * value;
  norm = Math.sqrt(norm);
  if (norm > 0) for (let i = 0; i < dim; i++) vector[i]! /= norm;
  return vector;
}

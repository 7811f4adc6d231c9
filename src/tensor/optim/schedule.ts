export interface WarmupCosineOptions {
  /** Peak learning rate, reached at the end of the warmup. */
  peakLr: number;
  warmupSteps: number;
  totalSteps: number;
  /** Floor at the end of the cosine; default 0. */
  minLr?: number;
}

/**
 * Linear warmup then cosine decay to minLr (Loshchilov & Hutter 2017, SGDR without
 * restarts; the GPT-style schedule). `step` counts from 0; past totalSteps stays at minLr.
 */
export function warmupCosine(options: WarmupCosineOptions): (step: number) => number {
  const { peakLr, warmupSteps, totalSteps } = options;
  const minLr = options.minLr ?? 0;
  if (!(warmupSteps >= 0 && totalSteps > warmupSteps)) {
    throw new RangeError(
      `warmupCosine: need 0 <= warmupSteps < totalSteps, got ${warmupSteps}, ${totalSteps}`,
    );
  }
  return (step) => {
    if (step < warmupSteps) return (peakLr * (step + 1)) / warmupSteps;
    if (step >= totalSteps) return minLr;
    const progress = (step - warmupSteps) / (totalSteps - warmupSteps);
    return minLr + 0.5 * (peakLr - minLr) * (1 + Math.cos(Math.PI * progress));
  };
}

/**
 * Learning-rate schedules, as functions of the step index (0-based). Cosine annealing
 * (Loshchilov & Hutter, SGDR, without restarts) from `base` to `min` over the steps after an
 * optional linear warmup, which climbs from base/warmup to base over its first `warmup` steps.
 */
import { InternalError } from '../errors.js';

export interface CosineOptions {
  base: number;
  totalSteps: number;
  warmupSteps?: number;
  min?: number;
}

export function cosineSchedule(options: CosineOptions): (step: number) => number {
  const { base, totalSteps, warmupSteps = 0, min = 0 } = options;
  if (!(totalSteps > warmupSteps) || warmupSteps < 0) {
    throw new InternalError(`cosine schedule: ${totalSteps} total steps must exceed ${warmupSteps} warmup steps`);
  }
  return (step) => {
    if (step < warmupSteps) return (base * (step + 1)) / warmupSteps;
    const progress = Math.min(1, (step - warmupSteps) / (totalSteps - warmupSteps));
    return min + (base - min) * 0.5 * (1 + Math.cos(Math.PI * progress));
  };
}

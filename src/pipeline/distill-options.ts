/**
 * The distillation and evaluation flags of `edgec compress`, parsed and checked as the other
 * options are (options.ts): every bad value is a one-line UsageError naming the flag.
 *
 *   --distill-steps N   training steps of quantization-aware distillation (1..100000)
 *   --no-distill        skip distillation (post-training quantization only)
 *   --seed N            seed of synthetic data and distillation (0..2^32-1; default 1)
 *   --eval x.npy        evaluate fp32 and the compiled model on these inputs ...
 *   --labels y.npy      ... against these labels (class indices, or target outputs)
 */
import { UsageError } from '../errors.js';

export const DEFAULT_SEED = 1;
const MAX_DISTILL_STEPS = 100_000;

export interface DistillFlags {
  /** Run distillation when some layer is below 8 bits (default true). */
  distill?: boolean;
  distillSteps?: number;
  seed?: number;
  eval?: string;
  labels?: string;
}

export function parseDistillSteps(value: string): number {
  const n = /^\s*\d{1,9}\s*$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > MAX_DISTILL_STEPS) {
    throw new UsageError(`--distill-steps "${value}": expected an integer from 1 to ${MAX_DISTILL_STEPS} (use --no-distill for none)`);
  }
  return n;
}

export function parseSeed(value: string): number {
  const n = /^\s*\d{1,10}\s*$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new UsageError(`--seed "${value}": expected an integer from 0 to 4294967295`);
  return n;
}

/** Defaults and cross-flag checks (a programmatic caller gets the same as the CLI). */
export function resolveDistillFlags(o: DistillFlags): Required<Pick<DistillFlags, 'distill' | 'seed'>> & Pick<DistillFlags, 'distillSteps' | 'eval' | 'labels'> {
  const distill = o.distill ?? true;
  if (o.distillSteps !== undefined) {
    parseDistillSteps(String(o.distillSteps));
    if (!distill) throw new UsageError('--distill-steps and --no-distill contradict each other: give one of them');
  }
  if (o.seed !== undefined) parseSeed(String(o.seed));
  if (o.labels !== undefined && o.eval === undefined) throw new UsageError('--labels needs --eval (the inputs the labels belong to)');
  return {
    distill,
    seed: o.seed ?? DEFAULT_SEED,
    ...(o.distillSteps !== undefined ? { distillSteps: o.distillSteps } : {}),
    ...(o.eval !== undefined ? { eval: o.eval } : {}),
    ...(o.labels !== undefined ? { labels: o.labels } : {}),
  };
}

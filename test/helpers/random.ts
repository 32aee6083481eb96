/** Seeded random numbers for tests (mulberry32): the same seed gives the same tensors everywhere. */
import { makeTensor, sizeOf, type Tensor } from '../../src/ir/tensor.js';

export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Uniform floats in [lo, hi). */
export function randomTensor(shape: number[], seed: number, lo = -1, hi = 1): Tensor {
  const r = rng(seed);
  return makeTensor('float32', shape, Array.from({ length: sizeOf(shape) }, () => lo + (hi - lo) * r()));
}

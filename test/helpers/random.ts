/** Seeded tensors for tests, from edgec's own seeded generator (src/util/random.ts). */
import { makeTensor, sizeOf, type Tensor } from '../../src/ir/tensor.js';
import { rng } from '../../src/util/random.js';

export { rng };

/** Uniform floats in [lo, hi). */
export function randomTensor(shape: number[], seed: number, lo = -1, hi = 1): Tensor {
  const r = rng(seed);
  return makeTensor('float32', shape, Array.from({ length: sizeOf(shape) }, () => lo + (hi - lo) * r()));
}

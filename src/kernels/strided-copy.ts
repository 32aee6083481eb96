/**
 * The one data-movement kernel behind Transpose, Slice, Expand and Squeeze-like views:
 * out[i] = src[offset + sum_d coord_d(i) * srcStrides[d]], over `outShape` in row-major order.
 * A permuted stride list is a transpose, a scaled one with an offset is a slice, a zero stride
 * is a broadcast. The innermost dimension runs as a tight loop; the others advance a counter.
 */
import type { TensorData } from '../ir/tensor.js';

export function stridedCopy(
  src: TensorData,
  offset: number,
  srcStrides: readonly number[],
  outShape: readonly number[],
  out: TensorData,
): void {
  const n = out.length;
  if (n === 0) return;
  const rank = outShape.length;
  const innerSize = rank === 0 ? 1 : outShape[rank - 1]!;
  const innerStride = rank === 0 ? 0 : srcStrides[rank - 1]!;
  const counter = new Array<number>(rank).fill(0);
  let base = offset;
  for (let i = 0; i < n; i += innerSize) {
    for (let k = 0, s = base; k < innerSize; k++, s += innerStride) out[i + k] = src[s]!;
    for (let d = rank - 2; d >= 0; d--) {
      counter[d]!++;
      base += srcStrides[d]!;
      if (counter[d]! < outShape[d]!) break;
      base -= srcStrides[d]! * counter[d]!;
      counter[d] = 0;
    }
  }
}

/** The slow obvious version of stridedCopy, for tests: one coordinate decomposition per element. */
export function stridedCopyReference(
  src: TensorData,
  offset: number,
  srcStrides: readonly number[],
  outShape: readonly number[],
  out: TensorData,
): void {
  for (let i = 0; i < out.length; i++) {
    let rest = i;
    let s = offset;
    for (let d = outShape.length - 1; d >= 0; d--) {
      const coord = rest % outShape[d]!;
      rest = (rest - coord) / outShape[d]!;
      s += coord * srcStrides[d]!;
    }
    out[i] = src[s]!;
  }
}

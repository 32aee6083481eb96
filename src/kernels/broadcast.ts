/** Numpy-style (multidirectional) broadcasting, as ONNX defines it for elementwise ops. */
import { stridesOf } from '../ir/tensor.js';

/** The broadcast shape of several shapes, or undefined if they do not broadcast. */
export function broadcastShapes(...shapes: (readonly number[])[]): number[] | undefined {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  const out = new Array<number>(rank).fill(1);
  for (const s of shapes) {
    for (let i = 0; i < s.length; i++) {
      const o = rank - s.length + i;
      const d = s[i]!;
      if (out[o] === 1) out[o] = d;
      else if (d !== 1 && d !== out[o]) return undefined;
    }
  }
  return out;
}

/**
 * For each element of `outShape`, the flat index into a tensor of `shape` broadcast to it.
 * Used by elementwise kernels; the common equal-shape case skips it entirely.
 */
export function broadcastIndex(shape: readonly number[], outShape: readonly number[]): Int32Array {
  const rank = outShape.length;
  const padded = [...new Array<number>(rank - shape.length).fill(1), ...shape];
  const srcStrides = stridesOf(padded).map((s, i) => (padded[i] === 1 ? 0 : s));
  let n = 1;
  for (const d of outShape) n *= d;
  const index = new Int32Array(n);
  const counter = new Array<number>(rank).fill(0);
  let offset = 0;
  for (let i = 0; i < n; i++) {
    index[i] = offset;
    for (let d = rank - 1; d >= 0; d--) {
      counter[d]!++;
      offset += srcStrides[d]!;
      if (counter[d]! < outShape[d]!) break;
      offset -= srcStrides[d]! * counter[d]!;
      counter[d] = 0;
    }
  }
  return index;
}

/** out[i] = f(a[ia[i]], b[ib[i]]) over the broadcast shape. */
export function broadcastBinary(
  a: ArrayLike<number>,
  aShape: readonly number[],
  b: ArrayLike<number>,
  bShape: readonly number[],
  outShape: readonly number[],
  out: { [i: number]: number; length: number },
  f: (x: number, y: number) => number,
): void {
  const n = out.length;
  const same = (s: readonly number[]) => s.length === outShape.length && s.every((d, i) => d === outShape[i]);
  if (same(aShape) && same(bShape)) {
    for (let i = 0; i < n; i++) out[i] = f(a[i]!, b[i]!);
    return;
  }
  if (same(aShape) && b.length === 1) {
    const y = b[0]!;
    for (let i = 0; i < n; i++) out[i] = f(a[i]!, y);
    return;
  }
  const ia = broadcastIndex(aShape, outShape);
  const ib = broadcastIndex(bShape, outShape);
  for (let i = 0; i < n; i++) out[i] = f(a[ia[i]!]!, b[ib[i]!]!);
}

/**
 * The elementwise float32 glue of the engine and the training engine, each a TypeScript reference
 * (the hot path when the WebAssembly kernels are absent) and a dispatcher to the SIMD kernel of
 * wasm/src/elementwise.c (bit-identical, see wasm/elementwise-wasm.ts):
 * - the residual Add and its fused Relu/Clip in one pass: out = clamp(a + b) over same-shape
 *   operands. The general broadcasting Add (ops/binary.ts, over kernels/broadcast.ts) followed by
 *   the engine's applyActivation is its reference (one float32 rounding per sum, as there; the
 *   clamp bounds are float32 values, so clamping before or after that rounding gives the same);
 * - a fused Relu's or Clip's gradient: dy where the activation passed x through, else 0;
 * - the sum of a value's gradients from two readers.
 * `out` may be any of the inputs.
 */
import { wasmAddClamped, wasmAddInto, wasmClipMask, wasmReluMask } from './wasm/elementwise-wasm.js';

/** out[i] = min(max(a[i] + b[i], lo), hi), NaN passing through; lo/hi = -inf/inf clamp nothing. */
export function addClamped(out: Float32Array, a: Float32Array, b: Float32Array, lo: number, hi: number): void {
  if (!wasmAddClamped(out, a, b, lo, hi)) addClampedReference(out, a, b, lo, hi);
}

/** out[i] = x[i] > 0 ? dy[i] : 0 (dy's bits passed through). */
export function reluMask(out: Float32Array, x: Float32Array, dy: Float32Array): void {
  if (!wasmReluMask(out, x, dy)) reluMaskReference(asInts(out), asInts(x), asInts(dy));
}

/** out[i] = lo <= x[i] <= hi ? dy[i] : 0. */
export function clipMask(out: Float32Array, x: Float32Array, dy: Float32Array, lo: number, hi: number): void {
  if (!wasmClipMask(out, x, dy, lo, hi)) clipMaskReference(out, x, dy, lo, hi);
}

/** out[i] = a[i] + b[i]. */
export function addInto(out: Float32Array, a: Float32Array, b: Float32Array): void {
  if (!wasmAddInto(out, a, b)) addIntoReference(out, a, b);
}

export function addClampedReference(out: Float32Array, a: Float32Array, b: Float32Array, lo: number, hi: number): void {
  const n = out.length;
  if (lo === 0 && hi === Infinity) {
    // Relu, the common case: on the sum's bits, without a branch (half the sums are negative, at
    // random places, so `v < 0 ? 0 : v` mispredicts half the time). v < 0 exactly when the bits
    // with the sign flipped lie in (0, bits of +inf] (-0 and NaN are kept, as the comparison does).
    const bits = asInts(out);
    for (let i = 0; i < n; i++) {
      out[i] = a[i]! + b[i]!;
      const v = bits[i]!;
      const w = v ^ -0x80000000;
      bits[i] = v & ~(((0 - w) & (w - 0x7f800001)) >> 31);
    }
    return;
  }
  for (let i = 0; i < n; i++) {
    const v = a[i]! + b[i]!;
    out[i] = v < lo ? lo : v > hi ? hi : v;
  }
}

export const asInts = (a: Float32Array) => new Int32Array(a.buffer, a.byteOffset, a.length);

/**
 * reluMask on the float32 bit patterns, without a branch: activations are positive at random
 * places, so `x > 0 ? dy : 0` mispredicts half the time (3-4x slower). x > 0 exactly when its
 * bits, as an int32, lie in (0, bits of +inf]: both 0 - v and v - (inf + 1) are then negative.
 */
export function reluMaskReference(out: Int32Array, x: Int32Array, dy: Int32Array): void {
  for (let i = 0; i < out.length; i++) {
    const v = x[i]!;
    out[i] = dy[i]! & (((0 - v) & (v - 0x7f800001)) >> 31);
  }
}

export function clipMaskReference(out: Float32Array, x: Float32Array, dy: Float32Array, lo: number, hi: number): void {
  for (let i = 0; i < out.length; i++) {
    const v = x[i]!;
    out[i] = v >= lo && v <= hi ? dy[i]! : 0;
  }
}

export function addIntoReference(out: Float32Array, a: Float32Array, b: Float32Array): void {
  for (let i = 0; i < out.length; i++) out[i] = a[i]! + b[i]!;
}

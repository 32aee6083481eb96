/**
 * The residual Add of ResNet-style graphs and its fused Relu/Clip in one pass: out = clamp(a + b)
 * over same-shape float32 operands. The general broadcasting Add (ops/binary.ts, over
 * kernels/broadcast.ts) followed by the engine's applyActivation is its reference; this loop is the
 * hot path when no broadcast is involved (one float32 rounding per sum, as there; the clamp bounds
 * are float32 values, so clamping before or after that rounding gives the same number).
 */

/** out[i] = min(max(a[i] + b[i], lo), hi), NaN passing through; lo/hi = -inf/inf clamp nothing. */
export function addClamped(out: Float32Array, a: Float32Array, b: Float32Array, lo: number, hi: number): void {
  const n = out.length;
  if (lo === 0 && hi === Infinity) {
    // Relu, the common case: on the sum's bits, without a branch (half the sums are negative, at
    // random places, so `v < 0 ? 0 : v` mispredicts half the time). v < 0 exactly when the bits
    // with the sign flipped lie in (0, bits of +inf] (-0 and NaN are kept, as the comparison does).
    const bits = new Int32Array(out.buffer, out.byteOffset, n);
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

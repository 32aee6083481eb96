/**
 * bfloat16 (1 sign, 8 exponent, 7 fraction bits: the top half of a float32) <-> float32. edgec
 * holds bfloat16 values widened in a Float32Array, like float16, so reading is exact (shift the
 * 16 bits up). Writing rounds to nearest, ties to even, as onnxruntime, PyTorch and ONNX since
 * 1.13 do; NaN stays a (quiet) NaN and overflow rounds to infinity by the same carry.
 */

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** The value of a 16-bit bfloat16 pattern. */
export function bfloat16ToFloat(bits: number): number {
  u32[0] = (bits & 0xffff) << 16;
  return f32[0]!;
}

/** The bfloat16 pattern nearest to `value` (first rounded to float32), ties to even. */
export function floatToBfloat16(value: number): number {
  f32[0] = value;
  const x = u32[0]!;
  // A NaN keeps its sign and becomes quiet; rounding could otherwise carry it into infinity.
  if ((x & 0x7f800000) === 0x7f800000 && (x & 0x7fffff) !== 0) return ((x >>> 16) & 0x8000) | 0x7fc0;
  // Adding 0x7fff, plus one more when the kept part is odd, rounds the dropped half to even.
  return ((x + 0x7fff + ((x >>> 16) & 1)) >>> 16) & 0xffff;
}

/** `value` rounded to the nearest bfloat16, as a number. */
export function roundToBfloat16(value: number): number {
  return bfloat16ToFloat(floatToBfloat16(value));
}

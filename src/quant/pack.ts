/**
 * Dense packing of small signed weights, as CMSIS-NN's s4 kernels and TFLite's INT4 tensors store
 * them: int4 two per byte, the first element in the low nibble ([1, 2, 3, 4] -> 0x21, 0x43);
 * int2 four per byte, the first element in the lowest two bits. Values are two's complement in
 * their field. The whole tensor is packed as one run (no padding at row ends); a trailing
 * partial byte has its unused high bits zero. int8 "packs" to its own bytes.
 */
import { InternalError } from '../errors.js';

export type WeightBits = 8 | 4 | 2;

/** Bytes a packed tensor of `count` values occupies. */
export function packedSize(count: number, bits: WeightBits): number {
  return Math.ceil((count * bits) / 8);
}

export function packWeights(values: Int8Array, bits: WeightBits): Uint8Array {
  if (bits === 8) return new Uint8Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.length));
  const perByte = 8 / bits;
  const limit = 1 << (bits - 1);
  const mask = (1 << bits) - 1;
  const out = new Uint8Array(packedSize(values.length, bits));
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v < -limit || v >= limit) throw new InternalError(`packWeights: value ${v} does not fit in ${bits} bits`);
    out[Math.floor(i / perByte)]! |= (v & mask) << ((i % perByte) * bits);
  }
  return out;
}

/** The inverse of packWeights: `count` signed values (sign-extended from their field). */
export function unpackWeights(bytes: Uint8Array, bits: WeightBits, count: number): Int8Array {
  if (bytes.length < packedSize(count, bits)) throw new InternalError(`unpackWeights: ${bytes.length} bytes hold fewer than ${count} ${bits}-bit values`);
  const out = new Int8Array(count);
  if (bits === 8) {
    out.set(new Int8Array(bytes.buffer, bytes.byteOffset, count));
    return out;
  }
  const perByte = 8 / bits;
  const mask = (1 << bits) - 1;
  const sign = 1 << (bits - 1);
  for (let i = 0; i < count; i++) {
    const field = (bytes[Math.floor(i / perByte)]! >> ((i % perByte) * bits)) & mask;
    out[i] = field & sign ? field - (1 << bits) : field;
  }
  return out;
}

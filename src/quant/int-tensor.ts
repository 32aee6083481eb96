/**
 * Integer tensors of the quantized pipeline: allocation by activation type, and the float
 * boundary (quantize a float input, dequantize an integer output) with the same rounding as the
 * C's NAME_run: q = clamp(round_half_away(x / scale) + zeroPoint), x = scale * (q - zeroPoint).
 */
import { sizeOf } from '../ir/tensor.js';
import type { IntTensorData } from './integer-facet.js';
import { quantizeValue } from './lower-helpers.js';
import type { QTensor } from './qmodel.js';

export function allocInt(t: Pick<QTensor, 'type' | 'shape'>): IntTensorData {
  const n = sizeOf(t.shape);
  return t.type === 'int16' ? new Int16Array(n) : new Int8Array(n);
}

export function quantizeTensor(t: QTensor, data: ArrayLike<number>): IntTensorData {
  const out = allocInt(t);
  for (let i = 0; i < out.length; i++) out[i] = quantizeValue(data[i]!, t);
  return out;
}

export function dequantizeTensor(t: QTensor, data: IntTensorData): Float32Array {
  const out = new Float32Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = t.scale * (data[i]! - t.zeroPoint);
  return out;
}

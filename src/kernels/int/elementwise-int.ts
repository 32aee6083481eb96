/**
 * Integer elementwise kernels, NCHW flat arrays:
 * - addInt: TFLite / CMSIS-NN arm_elementwise_add_s8. Each input is shifted left by `leftShift`
 *   (20 for int8) after adding its offset, rescaled to the common scale 2 * max(s1, s2), summed,
 *   and requantized to the output:
 *     a = requantize((x1 + off1) << leftShift, m1, sh1); b = requantize((x2 + off2) << leftShift, m2, sh2)
 *     out = clamp(requantize(a + b, mOut, shOut) + outOffset, lo, hi)
 * - mulInt: out = clamp(requantize((x1 + off1) * (x2 + off2), m, sh) + outOffset, lo, hi).
 * - lookupInt8: out[i] = table[x[i] + 128] (Sigmoid, Tanh, HardSwish, standalone Relu/Clip...).
 * - rescaleInt: out = clamp(requantize(x + inOffset, m, sh) + outOffset, lo, hi) (Concat inputs
 *   whose qparams differ from the output's).
 * Broadcasting (Add, Mul) uses an index map from each output element to each input's element,
 * numpy rules, computed by the caller (kernels/broadcast.ts broadcastIndex).
 */
import { requantize } from '../../quant/fixed-point.js';
import type { IntData } from './conv-int.js';

export interface AddIntParams {
  leftShift: number;
  input1Offset: number;
  input1Multiplier: number;
  input1Shift: number;
  input2Offset: number;
  input2Multiplier: number;
  input2Shift: number;
  outputMultiplier: number;
  outputShift: number;
  outputOffset: number;
  clampLo: number;
  clampHi: number;
}

const clamp = (v: number, lo: number, hi: number) => (v < lo ? lo : v > hi ? hi : v);

export function addInt(out: IntData, x1: IntData, index1: Int32Array, x2: IntData, index2: Int32Array, p: AddIntParams): void {
  for (let i = 0; i < out.length; i++) {
    const a = requantize((x1[index1[i]!]! + p.input1Offset) << p.leftShift, p.input1Multiplier, p.input1Shift);
    const b = requantize((x2[index2[i]!]! + p.input2Offset) << p.leftShift, p.input2Multiplier, p.input2Shift);
    out[i] = clamp(requantize(a + b, p.outputMultiplier, p.outputShift) + p.outputOffset, p.clampLo, p.clampHi);
  }
}

export interface MulIntParams {
  input1Offset: number;
  input2Offset: number;
  outputMultiplier: number;
  outputShift: number;
  outputOffset: number;
  clampLo: number;
  clampHi: number;
}

export function mulInt(out: IntData, x1: IntData, index1: Int32Array, x2: IntData, index2: Int32Array, p: MulIntParams): void {
  for (let i = 0; i < out.length; i++) {
    const product = (x1[index1[i]!]! + p.input1Offset) * (x2[index2[i]!]! + p.input2Offset);
    out[i] = clamp(requantize(product, p.outputMultiplier, p.outputShift) + p.outputOffset, p.clampLo, p.clampHi);
  }
}

export function lookupInt8(out: Int8Array, x: Int8Array, table: Int8Array): void {
  for (let i = 0; i < x.length; i++) out[i] = table[x[i]! + 128]!;
}

export function rescaleInt(out: IntData, outStart: number, x: IntData, inOffset: number, multiplier: number, shift: number, outOffset: number, lo: number, hi: number): void {
  for (let i = 0; i < x.length; i++) out[outStart + i] = clamp(requantize(x[i]! + inOffset, multiplier, shift) + outOffset, lo, hi);
}

/**
 * Registry-wide: every op with a C emission facet is quantized by the project's quantizer on
 * small random cases (odd channel counts so int4/int2 packing crosses rows, stride 2, padding,
 * dilation, groups, broadcasting, int16 activations), compiled with gcc -Wall -Wextra -Werror
 * -pedantic in one program, and compared bit for bit with the integer reference (runQModel) on
 * random inputs covering each type's whole range. An op with emitC but no case here fails.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emitC, type EmittedC } from '../../src/codegen/emit-c.js';
import { buildHostProgram, crossCompileCheck, type HostProgram } from '../../src/codegen/host-build.js';
import { makeTensor } from '../../src/ir/tensor.js';
import { allOps } from '../../src/ops/registry.js';
import type { QuantizeOptions } from '../../src/quant/quantize-model.js';
import type { QModel } from '../../src/quant/qmodel.js';
import { runQModel } from '../../src/quant/run-qmodel.js';
import { quantizeCase, randomIntInputs, type NodeCase } from './qmodel-cases.js';

const int64 = (values: number[]) => makeTensor('int64', [values.length], values);
const f32 = (v: number) => makeTensor('float32', [], [v]);

const CASES: [string, NodeCase, QuantizeOptions?][] = [
  ['conv_generic_w4_s2_pad', { op: 'Conv', attrs: { pads: [1, 1, 1, 1], strides: [2, 2] }, inputs: [[1, 3, 9, 7]], constants: [[5, 3, 3, 3], [5]], activation: { kind: 'relu' } }, { weightBits: 4 }],
  ['conv_dilated_w2_asym_pad', { op: 'Conv', attrs: { pads: [2, 1, 0, 2], dilations: [2, 2] }, inputs: [[1, 3, 8, 9]], constants: [[7, 3, 3, 3]] }, { weightBits: 2 }],
  ['conv_groups_w8', { op: 'Conv', attrs: { group: 2, pads: [1, 1, 1, 1] }, inputs: [[1, 4, 6, 5]], constants: [[6, 2, 3, 3], [6]] }],
  ['conv_depthwise_w4_mult2', { op: 'Conv', attrs: { group: 3, strides: [2, 1], pads: [1, 1, 1, 1] }, inputs: [[1, 3, 7, 6]], constants: [[6, 1, 3, 3], [6]], activation: { kind: 'clip', min: 0, max: 6 } }, { weightBits: 4 }],
  ['conv_pointwise_w2', { op: 'Conv', inputs: [[1, 7, 4, 5]], constants: [[5, 7, 1, 1], [5]] }, { weightBits: 2 }],
  ['conv_1d_w8', { op: 'Conv', attrs: { pads: [1, 1], strides: [2] }, inputs: [[1, 3, 11]], constants: [[4, 3, 3]] }],
  ['conv_groupwise_w4', { op: 'Conv', attrs: { pads: [1, 1, 1, 1] }, inputs: [[1, 5, 5, 5]], constants: [[3, 5, 3, 3], [3]] }, { weightBits: 4, groupSize: 8 }],
  ['conv_int16_act', { op: 'Conv', attrs: { pads: [1, 1, 1, 1] }, inputs: [[1, 3, 5, 5]], constants: [[4, 3, 3, 3], [4]] }, { activation: 'int16' }],
  ['gemm_transb_w4', { op: 'Gemm', attrs: { transB: 1 }, inputs: [[1, 13]], constants: [[7, 13], [7]], activation: { kind: 'relu' } }, { weightBits: 4 }],
  ['gemm_plain_w2', { op: 'Gemm', inputs: [[1, 9]], constants: [[9, 5], [5]] }, { weightBits: 2 }],
  ['gemm_groupwise_w4', { op: 'Gemm', attrs: { transB: 1 }, inputs: [[1, 20]], constants: [[3, 20], [3]] }, { weightBits: 4, groupSize: 8 }],
  ['matmul_rows', { op: 'MatMul', inputs: [[3, 6]], constants: [[6, 5]] }],
  ['channel_affine', { op: 'ChannelAffine', inputs: [[1, 3, 4, 5]], constants: [[3], [3]] }, { weightBits: 4 }],
  ['maxpool_ceil_pad', { op: 'MaxPool', attrs: { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], ceil_mode: 1 }, inputs: [[1, 3, 8, 7]] }],
  ['avgpool_pad_excl', { op: 'AveragePool', attrs: { kernel_shape: [3, 2], strides: [2, 2], pads: [1, 0, 1, 1] }, inputs: [[1, 3, 7, 6]] }],
  ['avgpool_pad_incl', { op: 'AveragePool', attrs: { kernel_shape: [3, 3], pads: [1, 1, 1, 1], count_include_pad: 1 }, inputs: [[1, 2, 5, 5]] }],
  ['global_avgpool', { op: 'GlobalAveragePool', inputs: [[1, 5, 3, 7]] }],
  ['add_broadcast_relu', { op: 'Add', inputs: [[1, 4, 3, 5], [1, 4, 1, 1]], activation: { kind: 'relu' } }],
  ['add_same', { op: 'Add', inputs: [[1, 3, 4, 4], [1, 3, 4, 4]] }],
  ['mul_broadcast', { op: 'Mul', inputs: [[2, 1, 5], [3, 1]] }],
  ['relu', { op: 'Relu', inputs: [[1, 3, 5]] }],
  ['sigmoid', { op: 'Sigmoid', inputs: [[1, 40]] }],
  ['tanh', { op: 'Tanh', inputs: [[1, 40]] }],
  ['hardswish', { op: 'HardSwish', inputs: [[1, 2, 3, 7]] }],
  ['clip', { op: 'Clip', inputs: [[1, 30]], values: [f32(-0.25), f32(0.5)] }],
  ['softmax_last', { op: 'Softmax', inputs: [[1, 10]] }],
  ['softmax_axis1', { op: 'Softmax', attrs: { axis: 1 }, inputs: [[1, 5, 3, 2]] }],
  ['reshape', { op: 'Reshape', inputs: [[1, 3, 4]], values: [int64([1, 12])] }],
  ['flatten', { op: 'Flatten', inputs: [[1, 3, 2, 2]] }],
  ['squeeze', { op: 'Squeeze', inputs: [[1, 3, 1, 5]], values: [int64([2])] }],
  ['unsqueeze', { op: 'Unsqueeze', inputs: [[3, 5]], values: [int64([0])] }],
  ['transpose', { op: 'Transpose', attrs: { perm: [0, 2, 3, 1] }, inputs: [[1, 3, 4, 5]] }],
  ['concat_rescale', { op: 'Concat', attrs: { axis: 1 }, inputs: [[1, 2, 3], [1, 4, 3]] }],
];

let models: { name: string; q: QModel; emitted: EmittedC }[] = [];
let program: HostProgram;

beforeAll(() => {
  models = CASES.map(([name, c, options], i) => {
    const q = quantizeCase(c, name, options, i + 1);
    return { name, q, emitted: emitC(q) };
  });
  program = buildHostProgram(models.map((m) => m.emitted));
});
afterAll(() => program?.dispose());

describe('every C kernel matches the integer reference bit for bit', () => {
  it('every op with an emitC facet has a case here', () => {
    const covered = new Set(CASES.map(([, c]) => c.op));
    const missing = allOps().filter((op) => op.emitC && !covered.has(op.type)).map((op) => op.type);
    expect(missing).toEqual([]);
  });

  it.each(CASES.map(([name], i) => [name, i] as const))('%s', (_name, i) => {
    const { q } = models[i]!;
    const samples = [1, 2, 3].map((s) => randomIntInputs(q, 1000 * i + s));
    const got = program.runInt(i, samples);
    samples.forEach((inputs, s) => {
      const want = runQModel(q, inputs);
      want.forEach((w, k) => expect(Array.from(got[s]![k]!), `sample ${s} output ${k}`).toEqual(Array.from(w)));
    });
  });

  it('the same sources build warning-free for a Cortex-M4 (arm-none-eabi-gcc -c)', () => {
    expect(() => crossCompileCheck(models.map((m) => m.emitted))).not.toThrow();
  });
});

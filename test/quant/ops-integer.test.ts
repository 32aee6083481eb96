/**
 * Every op's integer facet against its fp32 forward under fake quantization (test/quant/
 * single-node.ts): integer output vs the float op on dequantized inputs and weights, in output
 * LSBs (the reference saturated to the output's range). Stated bounds: weighted layers (Conv,
 * Gemm, MatMul, ChannelAffine), Add, Mul, Concat, lookup-table activations and Softmax <= 0.75
 * LSB (output rounding 0.5, plus requantize's double rounding, the int32 bias's rounding or the
 * exp table's 2^-16 error); average pools <= 0.5 LSB (one rounded division); MaxPool and data
 * movement exact (0). Measured: 0.44-0.62 LSB where not exact.
 * A registry-wide check makes sure every op with an integer facet is covered here.
 */
import { describe, expect, it } from 'vitest';
import { EDGEC_DOMAIN, type Node } from '../../src/ir/graph.js';
import { makeTensor, type Tensor } from '../../src/ir/tensor.js';
import { allOps } from '../../src/ops/registry.js';
import { randomTensor } from '../helpers/random.js';
import { runNodeCase, type NodeCase } from './single-node.js';

const ints = (value: number[]) => ({ kind: 'ints' as const, value });
const int = (value: number) => ({ kind: 'int' as const, value });
const vec = (values: number[]): Tensor => makeTensor('int64', [values.length], values);
const f = (v: number) => makeTensor('float32', [], [v]);

function conv(name: string, cin: number, cout: number, k: number[], attrs: Node['attrs'], group = 1, extra: Partial<NodeCase> = {}): [string, NodeCase, number] {
  return [name, {
    op: 'Conv',
    attrs: { ...attrs, group: int(group) },
    inputs: [['x', [1, cin, 9, 8]]],
    constants: [['w', randomTensor([cout, cin / group, ...k], 11, -0.5, 0.5)], ['b', randomTensor([cout], 12, -0.2, 0.2)]],
    ...extra,
  }, 0.75];
}

const CASES: [string, NodeCase, number][] = [
  conv('Conv 3x3 pad 1 + fused Relu', 3, 5, [3, 3], { pads: ints([1, 1, 1, 1]) }, 1, { activation: { kind: 'relu' } }),
  conv('Conv depthwise 3x3 stride 2 pad 1', 4, 4, [3, 3], { pads: ints([1, 1, 1, 1]), strides: ints([2, 2]) }, 4),
  conv('Conv groups 2 dilation 2 asymmetric pads', 4, 6, [3, 2], { dilations: ints([2, 2]), pads: ints([1, 0, 2, 1]) }, 2),
  conv('Conv 1x1 + ReLU6 clip', 5, 7, [1, 1], {}, 1, { activation: { kind: 'clip', min: 0, max: 6 } }),
  conv('Conv int4 odd channels', 3, 5, [3, 3], {}, 1, { options: { weightBits: 4 } }),
  conv('Conv int4 group size 8', 3, 5, [3, 3], {}, 1, { options: { weightBits: 4, groupSize: 8 } }),
  conv('Conv int2', 3, 3, [3, 3], { strides: ints([2, 1]) }, 1, { options: { weightBits: 2 } }),
  ['Gemm transB with bias', { op: 'Gemm', attrs: { transB: int(1) }, inputs: [['x', [1, 12]]], constants: [['w', randomTensor([7, 12], 21)], ['b', randomTensor([7], 22)]] }, 0.75],
  ['Gemm B (K, N) with [1, N] C', { op: 'Gemm', inputs: [['x', [1, 12]]], constants: [['w', randomTensor([12, 5], 23)], ['b', randomTensor([1, 5], 24)]] }, 0.75],
  ['MatMul constant B', { op: 'MatMul', inputs: [['x', [1, 3, 10]]], constants: [['w', randomTensor([10, 4], 25)]] }, 0.75],
  ['ChannelAffine', { op: 'ChannelAffine', domain: EDGEC_DOMAIN, inputs: [['x', [1, 3, 4, 4]]], constants: [['s', randomTensor([3], 26, -2, 2)], ['b', randomTensor([3], 27)]] }, 0.75],
  ['MaxPool 3x3 stride 2 pad 1', { op: 'MaxPool', attrs: { kernel_shape: ints([3, 3]), strides: ints([2, 2]), pads: ints([1, 1, 1, 1]) }, inputs: [['x', [1, 2, 7, 7]]] }, 0],
  ['AveragePool 3x3 pad 1', { op: 'AveragePool', attrs: { kernel_shape: ints([3, 3]), pads: ints([1, 1, 1, 1]) }, inputs: [['x', [1, 2, 6, 5]]] }, 0.5],
  ['AveragePool count_include_pad ceil_mode', { op: 'AveragePool', attrs: { kernel_shape: ints([2, 2]), strides: ints([2, 2]), pads: ints([1, 1, 0, 0]), count_include_pad: int(1), ceil_mode: int(1) }, inputs: [['x', [1, 2, 6, 5]]] }, 0.5],
  ['GlobalAveragePool', { op: 'GlobalAveragePool', inputs: [['x', [1, 3, 5, 4]]] }, 0.5],
  ['Add', { op: 'Add', inputs: [['a', [1, 3, 4, 4]], ['c', [1, 3, 4, 4]]], inputRange: [-1, 3] }, 0.75],
  ['Add broadcast + Relu', { op: 'Add', inputs: [['a', [1, 3, 4, 4]], ['c', [1, 3, 1, 1]]], activation: { kind: 'relu' } }, 0.75],
  ['Mul', { op: 'Mul', inputs: [['a', [1, 2, 3, 3]], ['c', [1, 2, 3, 3]]], inputRange: [-2, 1] }, 0.75],
  ['Concat axis 1', { op: 'Concat', attrs: { axis: int(1) }, inputs: [['a', [1, 2, 3, 3]], ['c', [1, 3, 3, 3]]] }, 0.75],
  ['Softmax', { op: 'Softmax', inputs: [['x', [1, 10]]], inputRange: [-4, 4] }, 0.75],
  ['Softmax axis 1 of 3-D', { op: 'Softmax', attrs: { axis: int(1) }, inputs: [['x', [1, 6, 3]]], inputRange: [-2, 6] }, 0.75],
  ['Sigmoid', { op: 'Sigmoid', inputs: [['x', [1, 40]]], inputRange: [-8, 8] }, 0.75],
  ['Tanh', { op: 'Tanh', inputs: [['x', [1, 40]]], inputRange: [-3, 3] }, 0.75],
  ['HardSwish', { op: 'HardSwish', inputs: [['x', [1, 40]]], inputRange: [-5, 5] }, 0.75],
  ['Relu', { op: 'Relu', inputs: [['x', [1, 40]]] }, 0.75],
  ['Clip 0..0.5', { op: 'Clip', inputs: [['x', [1, 40]]], constants: [['lo', f(0)], ['hi', f(0.5)]] }, 0.75],
  ['Reshape', { op: 'Reshape', inputs: [['x', [1, 2, 3, 4]]], constants: [['s', vec([1, 24])]] }, 0],
  ['Flatten', { op: 'Flatten', inputs: [['x', [1, 2, 3, 4]]] }, 0],
  ['Squeeze', { op: 'Squeeze', inputs: [['x', [1, 4, 1, 1]]], constants: [['ax', vec([2, 3])]] }, 0],
  ['Unsqueeze', { op: 'Unsqueeze', inputs: [['x', [1, 4]]], constants: [['ax', vec([2])]] }, 0],
  ['Transpose', { op: 'Transpose', attrs: { perm: ints([0, 2, 3, 1]) }, inputs: [['x', [1, 3, 2, 4]]] }, 0],
  // int16 activations (w8a16): symmetric, zero point 0, same int32 accumulators.
  conv('Conv int16 activations 3x3 pad 1', 6, 4, [3, 3], { pads: ints([1, 1, 1, 1]) }, 1, { options: { activation: 'int16' } }),
  ['Gemm int16 activations', { op: 'Gemm', attrs: { transB: int(1) }, inputs: [['x', [1, 30]]], constants: [['w', randomTensor([6, 30], 31)], ['b', randomTensor([6], 32)]], options: { activation: 'int16' } }, 0.75],
  ['Add int16 activations', { op: 'Add', inputs: [['a', [1, 3, 4, 4]], ['c', [1, 3, 4, 4]]], inputRange: [-1, 3], options: { activation: 'int16' } }, 0.75],
  ['Mul int16 activations', { op: 'Mul', inputs: [['a', [1, 2, 3, 3]], ['c', [1, 2, 3, 3]]], options: { activation: 'int16' } }, 0.75],
  ['AveragePool int16 activations', { op: 'AveragePool', attrs: { kernel_shape: ints([2, 2]) }, inputs: [['x', [1, 2, 6, 5]]], options: { activation: 'int16' } }, 0.5],
];

describe('integer facets vs fp32 under fake quantization', () => {
  for (const [name, c, bound] of CASES) {
    it(`${name}: within ${bound} output LSB`, () => {
      const { maxErrorLsb } = runNodeCase(c);
      expect(maxErrorLsb).toBeLessThanOrEqual(bound + 1e-3);
    });
  }

  it('every op with an integer facet is covered above', () => {
    const covered = new Set(CASES.map(([, c]) => c.op));
    const missing = allOps().filter((op) => op.integer && !covered.has(op.type)).map((op) => op.type);
    expect(missing).toEqual([]);
  });

  it('an op without an integer facet is refused, naming the node', () => {
    expect(() => runNodeCase({ op: 'Exp', inputs: [['x', [1, 4]]] })).toThrow(/exp_node.*no integer implementation/);
  });

  it('an int16 layer whose int32 accumulator could overflow is refused (576 weights of 127 x 32768)', () => {
    const w = makeTensor('float32', [2, 64, 3, 3], new Array(2 * 64 * 9).fill(0.5));
    const c: NodeCase = { op: 'Conv', inputs: [['x', [1, 64, 4, 4]]], constants: [['w', w]], options: { activation: 'int16' } };
    expect(() => runNodeCase(c)).toThrow(/conv_node.*could overflow/);
    expect(runNodeCase({ ...c, options: { activation: 'int8' } }).maxErrorLsb).toBeLessThanOrEqual(0.75);
  });

  it('a Conv whose weight is not a constant is refused, naming the node', () => {
    expect(() => runNodeCase({ op: 'Conv', inputs: [['x', [1, 2, 4, 4]], ['w', [3, 2, 1, 1]]] })).toThrow(/conv_node.*constant/);
  });
});

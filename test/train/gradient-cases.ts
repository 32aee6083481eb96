/**
 * One or more finite-difference cases per registered op, for test/train/op-gradients.test.ts.
 * Elementwise and data-movement ops run in float64 (tight tolerances); the nn ops, whose kernels
 * are float32, in float32 (loose ones). Inputs keep clear of kinks (Relu at 0, Clip's bounds,
 * ties of a max) by at least 10x the finite-difference step, so both sides of each difference see
 * the same branch.
 */
import type { AttrValue } from '../../src/ir/graph.js';
import { makeTensor, sizeOf, type DType, type Tensor } from '../../src/ir/tensor.js';
import { rng } from '../../src/util/random.js';

export interface GradCase {
  op: string;
  domain?: string;
  label?: string;
  attrs?: Record<string, AttrValue>;
  /** undefined marks an absent optional input. */
  inputs: (Tensor | undefined)[];
  outputs?: number;
  /** Float inputs that carry no gradient by definition (Resize's scales...). */
  noGrad?: number[];
}

let seed = 1;
/** Uniform in [lo, hi), avoiding `kinks` by `gap`. */
export function rand(dtype: DType, shape: number[], lo = -1, hi = 1, kinks: number[] = [], gap = 0.1): Tensor {
  const r = rng(seed++);
  const values = Array.from({ length: sizeOf(shape) }, () => {
    for (;;) {
      const v = lo + (hi - lo) * r();
      if (kinks.every((k) => Math.abs(v - k) >= gap)) return v;
    }
  });
  return makeTensor(dtype, shape, values);
}
/** Distinct values 0.05 apart in random order (no ties for max/min to break). */
function distinct(dtype: DType, shape: number[]): Tensor {
  const r = rng(seed++);
  const values = Array.from({ length: sizeOf(shape) }, (_, i) => (i - sizeOf(shape) / 2) * 0.05);
  for (let i = values.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [values[i], values[j]] = [values[j]!, values[i]!];
  }
  return makeTensor(dtype, shape, values);
}
const d = (shape: number[], lo?: number, hi?: number, kinks?: number[]) => rand('float64', shape, lo, hi, kinks);
const f = (shape: number[], lo?: number, hi?: number) => rand('float32', shape, lo, hi);
const away = (shape: number[]) => rand('float64', shape, -1, 1, [0]);
const i64 = (values: number[]) => makeTensor('int64', [values.length], values);
const scalar64 = (v: number) => makeTensor('float64', [], [v]);
const bool = (values: number[], shape = [values.length]) => makeTensor('bool', shape, values);
const int = (value: number): AttrValue => ({ kind: 'int', value });
const ints = (value: number[]): AttrValue => ({ kind: 'ints', value });
const float = (value: number): AttrValue => ({ kind: 'float', value });
const str = (value: string): AttrValue => ({ kind: 'string', value });

const unary = (op: string, x: Tensor): GradCase => ({ op, inputs: [x] });
const S = [2, 3];

export const GRAD_CASES: GradCase[] = [
  // Unary math and activations (float64).
  ...['Neg', 'Exp', 'Erf', 'Sigmoid', 'Tanh', 'Softplus'].map((op) => unary(op, d(S, -2, 2))),
  ...['Abs', 'Sign', 'Relu', 'Softsign'].map((op) => unary(op, away(S))),
  ...['Log', 'Sqrt', 'Reciprocal'].map((op) => unary(op, d(S, 0.5, 2))),
  ...['Floor', 'Ceil', 'Round'].map((op) => unary(op, d(S, 0.1, 0.4))),
  { op: 'Not', inputs: [bool([0, 1, 1])] },
  { op: 'LeakyRelu', attrs: { alpha: float(0.1) }, inputs: [away(S)] },
  { op: 'Elu', attrs: { alpha: float(0.7) }, inputs: [away(S)] },
  { op: 'Selu', inputs: [away(S)] },
  { op: 'Celu', attrs: { alpha: float(0.7) }, inputs: [away(S)] },
  { op: 'ThresholdedRelu', attrs: { alpha: float(0.5) }, inputs: [d([2, 4], -1, 2, [0.5])] },
  { op: 'HardSigmoid', inputs: [rand('float32', [2, 4], -4, 4, [-2.5, 2.5])] },
  { op: 'HardSwish', inputs: [rand('float32', [2, 4], -4, 4, [-3, 3])] },
  { op: 'PRelu', inputs: [away([2, 3, 2]), d([3, 1])] },
  { op: 'Clip', inputs: [d([3, 4], -2, 2, [-1, 1]), scalar64(-1), scalar64(1)] },
  { op: 'Clip', label: 'no max', inputs: [d([3, 4], -2, 2, [-0.5]), scalar64(-0.5)] },
  // Broadcasting binary and variadic ops (float32: their forward rounds every float to float32).
  { op: 'Add', inputs: [f([2, 3]), f([3])] },
  { op: 'Sub', inputs: [f([2, 1, 3]), f([4, 1])] },
  { op: 'Mul', inputs: [f([2, 3, 4]), f([3, 1])] },
  { op: 'Div', inputs: [f([2, 3]), f([2, 1], 0.5, 2)] },
  { op: 'Pow', inputs: [f([2, 3], 0.5, 2), f([3], -1, 2)] },
  { op: 'Max', inputs: [distinct('float64', [2, 3]), distinct('float64', [3]), distinct('float64', [1, 3])] },
  { op: 'Min', inputs: [distinct('float64', [2, 3]), distinct('float64', [2, 1])] },
  // Comparisons and logic: no gradients; Where routes them.
  ...['Equal', 'Less', 'LessOrEqual', 'Greater', 'GreaterOrEqual'].map((op) => ({ op, inputs: [d(S), d([3])], noGrad: [0, 1] })),
  ...['And', 'Or', 'Xor'].map((op) => ({ op, inputs: [bool([0, 1, 1]), bool([1, 1, 0])] })),
  { op: 'Where', inputs: [bool([1, 0, 1, 0, 0, 1], [2, 3]), d([2, 3]), d([3])] },
  // Casts, constants, shape ops.
  { op: 'Cast', attrs: { to: int(11) }, inputs: [d(S)] },
  { op: 'Cast', label: 'to int64', attrs: { to: int(7) }, inputs: [d(S, -5, 5)], noGrad: [0] },
  { op: 'CastLike', inputs: [d(S), d([1])], noGrad: [1] },
  { op: 'Constant', attrs: { value_floats: { kind: 'floats', value: [1, 2] } }, inputs: [] },
  { op: 'ConstantOfShape', inputs: [i64([2, 3])] },
  { op: 'Range', inputs: [scalar64(0), scalar64(2), scalar64(0.5)], noGrad: [0, 1, 2] },
  { op: 'Shape', inputs: [d(S)], noGrad: [0] },
  { op: 'Size', inputs: [d(S)], noGrad: [0] },
  { op: 'Identity', inputs: [d(S)] },
  { op: 'Dropout', inputs: [d(S)], outputs: 2 },
  // Data movement (float64).
  { op: 'Concat', attrs: { axis: int(1) }, inputs: [d([2, 1, 2]), d([2, 3, 2]), d([2, 2, 2])] },
  { op: 'Split', attrs: { axis: int(1) }, inputs: [d([2, 6]), i64([2, 4])], outputs: 2 },
  { op: 'Expand', inputs: [d([3, 1]), i64([2, 3, 4])] },
  { op: 'Tile', inputs: [d([2, 3]), i64([2, 2])] },
  { op: 'Reshape', inputs: [d([2, 6]), i64([3, -1])] },
  { op: 'Flatten', inputs: [d([2, 3, 2])] },
  { op: 'Squeeze', inputs: [d([2, 1, 3]), i64([1])] },
  { op: 'Unsqueeze', inputs: [d([2, 3]), i64([0, 3])] },
  { op: 'Transpose', attrs: { perm: ints([2, 0, 1]) }, inputs: [d([2, 3, 4])] },
  { op: 'Slice', inputs: [d([4, 5]), i64([3, 0]), i64([0, 5]), i64([0, 1]), i64([-1, 2])] },
  { op: 'Gather', attrs: { axis: int(0) }, inputs: [d([4, 3]), i64([0, 2, 2, -1])] },
  { op: 'Pad', inputs: [d([2, 3]), i64([1, 0, 0, 2]), scalar64(0.5)] },
  { op: 'Pad', label: 'reflect', attrs: { mode: str('reflect') }, inputs: [d([2, 4]), i64([0, 2, 1, 3])] },
  { op: 'Pad', label: 'edge', attrs: { mode: str('edge') }, inputs: [d([2, 3]), i64([1, 1, 2, 0])] },
  { op: 'DepthToSpace', attrs: { blocksize: int(2) }, inputs: [d([1, 8, 2, 3])] },
  { op: 'DepthToSpace', label: 'CRD', attrs: { blocksize: int(2), mode: str('CRD') }, inputs: [d([1, 8, 2, 3])] },
  // Reductions (float64).
  ...['ReduceSum', 'ReduceMean', 'ReduceSumSquare', 'ReduceLogSumExp', 'ReduceL2'].map((op) => ({ op, inputs: [d([2, 3, 4]), i64([1])] })),
  { op: 'ReduceL1', attrs: { keepdims: int(0) }, inputs: [away([2, 3, 4]), i64([0, 2])] },
  { op: 'ReduceProd', inputs: [d([2, 3, 4], 0.5, 1.5), i64([2])] },
  { op: 'ReduceLogSum', inputs: [d([2, 3, 4], 0.5, 1.5)] },
  { op: 'ReduceMax', attrs: { keepdims: int(0) }, inputs: [distinct('float64', [2, 3, 4]), i64([1])] },
  { op: 'ReduceMin', inputs: [distinct('float64', [2, 3, 4])] },
  // Compute ops (float32 kernels).
  { op: 'Conv', label: 'grouped, padded, strided', attrs: { pads: ints([1, 0, 1, 2]), strides: ints([2, 1]), group: int(2) }, inputs: [f([2, 4, 5, 4]), f([6, 2, 3, 2]), f([6])] },
  { op: 'Conv', label: 'depthwise, dilated', attrs: { pads: ints([1, 1, 1, 1]), dilations: ints([2, 1]), group: int(3) }, inputs: [f([1, 3, 5, 5]), f([3, 1, 3, 3])] },
  { op: 'Conv', label: '1-D', attrs: { pads: ints([1, 1]) }, inputs: [f([2, 3, 6]), f([4, 3, 3]), f([4])] },
  { op: 'ConvTranspose', attrs: { strides: ints([2, 2]), pads: ints([1, 0, 0, 1]), group: int(2) }, inputs: [f([2, 4, 3, 3]), f([4, 3, 3, 2]), f([6])] },
  { op: 'ConvTranspose', label: 'output_padding', attrs: { strides: ints([2, 3]), output_padding: ints([1, 2]) }, inputs: [f([1, 2, 2, 3]), f([2, 3, 2, 2])] },
  { op: 'Gemm', attrs: { transA: int(1), transB: int(1), alpha: float(0.5), beta: float(2) }, inputs: [f([4, 3]), f([5, 4]), f([5])] },
  { op: 'Gemm', label: 'plain, C per row', inputs: [f([3, 4]), f([4, 5]), f([3, 1])] },
  { op: 'MatMul', inputs: [f([2, 1, 3, 4]), f([3, 4, 5])] },
  { op: 'MatMul', label: '1-D by 2-D', inputs: [f([4]), f([4, 3])] },
  { op: 'AveragePool', attrs: { kernel_shape: ints([2, 3]), pads: ints([1, 1, 0, 1]), strides: ints([1, 2]) }, inputs: [f([2, 2, 4, 5])] },
  { op: 'AveragePool', label: 'count_include_pad', attrs: { kernel_shape: ints([3, 3]), pads: ints([1, 1, 1, 1]), count_include_pad: int(1) }, inputs: [f([1, 2, 4, 4])] },
  { op: 'MaxPool', attrs: { kernel_shape: ints([2, 2]), pads: ints([0, 1, 1, 0]), strides: ints([2, 1]) }, inputs: [distinct('float32', [2, 2, 4, 5])], outputs: 2 },
  { op: 'GlobalAveragePool', inputs: [f([2, 3, 4, 5])] },
  { op: 'GlobalMaxPool', inputs: [distinct('float32', [2, 3, 3, 4])] },
  { op: 'BatchNormalization', inputs: [f([2, 3, 4]), f([3]), f([3]), f([3]), f([3], 0.5, 2)] },
  { op: 'ChannelAffine', domain: 'com.edgec', inputs: [f([2, 3, 2, 2]), f([3]), f([3])] },
  { op: 'LayerNormalization', attrs: { axis: int(-2) }, inputs: [f([2, 3, 4]), f([1, 4]), f([3, 4])], outputs: 3 },
  { op: 'Softmax', attrs: { axis: int(1) }, inputs: [f([2, 4, 3], -2, 2)] },
  { op: 'LogSoftmax', inputs: [f([3, 5], -2, 2)] },
  {
    op: 'Resize',
    label: 'linear',
    attrs: { mode: str('linear') },
    inputs: [f([1, 2, 3, 4]), undefined, makeTensor('float32', [4], [1, 1, 2, 1.5])],
    noGrad: [2],
  },
  {
    op: 'Resize',
    label: 'cubic, exclude_outside',
    attrs: { mode: str('cubic'), exclude_outside: int(1) },
    inputs: [f([1, 2, 3, 4]), undefined, makeTensor('float32', [4], [1, 1, 2, 0.75])],
    noGrad: [2],
  },
  {
    op: 'Resize',
    label: 'nearest, sizes',
    inputs: [f([1, 2, 3, 3]), undefined, undefined, i64([1, 2, 5, 7])],
  },
];

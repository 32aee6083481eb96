/**
 * The N-D sliding-window path (src/kernels/window-nd.ts) against onnxruntime: 3-D Conv (groups,
 * dilation, strides, asymmetric pads, auto_pad), 3-D ConvTranspose (strides, output_padding,
 * pads, groups, output_shape), 3-D MaxPool (Indices) and AveragePool (ceil_mode,
 * count_include_pad), and MaxPool of int8 / uint8 / float64, which keeps its dtype and is exact.
 * The reference is also checked against the fast 2-D kernels on 2-D windows, and the MCU
 * facets (quantization, backward) must refuse 3-D with a ModelError naming the node.
 * Tolerances: max exact; sums within rtol 1e-5 / atol 1e-5 (summation order).
 */
import { describe, expect, it } from 'vitest';
import { ModelError } from '../../src/errors.js';
import { makeTensor, sizeOf, type DType, type Tensor } from '../../src/ir/tensor.js';
import { conv2dReference } from '../../src/kernels/conv2d.js';
import { convNdReference, maxPoolNdReference } from '../../src/kernels/window-nd.js';
import { maxPool2dForward } from '../../src/kernels/pool2d.js';
import { Conv } from '../../src/ops/conv.js';
import { MaxPool } from '../../src/ops/pool.js';
import { resolveAttrs } from '../../src/ops/op-def.js';
import { randomTensor, rng } from '../helpers/random.js';
import { runNodeCase } from '../quant/single-node.js';
import { expectMatch, runBoth, type TestAttr } from './single-node.js';

type Case = [name: string, x: number[], w: number[], attrs: Record<string, TestAttr>, bias?: boolean];

const convCases: Case[] = [
  ['3x3x3, bias', [1, 2, 5, 6, 7], [4, 2, 3, 3, 3], {}, true],
  ['strides 2x1x2, asymmetric pads, batch 2', [2, 3, 6, 5, 7], [2, 3, 2, 3, 3], { strides: [2, 1, 2], pads: [1, 0, 2, 0, 1, 1] }, true],
  ['dilation 2, groups 2', [1, 4, 7, 7, 6], [6, 2, 2, 3, 2], { dilations: [2, 1, 2], group: 2 }, false],
  ['depthwise, SAME_UPPER stride 2', [1, 3, 5, 6, 5], [3, 1, 3, 3, 3], { group: 3, strides: [2, 2, 2], auto_pad: 'SAME_UPPER' }, true],
  ['4 spatial axes', [1, 2, 3, 4, 3, 4], [2, 2, 2, 2, 2, 2], { pads: [0, 1, 0, 1, 1, 0, 1, 0] }, true],
];

const withOperands = (x: number[], w: number[], bias: boolean | undefined, seed: number, outFromW: (w: number[], a: Record<string, TestAttr>) => number, a: Record<string, TestAttr>) => [
  { tensor: randomTensor(x, seed) },
  { tensor: randomTensor(w, seed + 1), constant: true },
  ...(bias ? [{ tensor: randomTensor([outFromW(w, a)], seed + 2), constant: true }] : []),
];

describe('3-D and 4-D Conv match onnxruntime (rtol 1e-5, atol 1e-5)', () => {
  convCases.forEach(([name, x, w, attrs, bias], i) => {
    it(name, async () => {
      const inputs = withOperands(x, w, bias, 2100 + 10 * i, (s) => s[0]!, attrs);
      expectMatch(await runBoth({ op: 'Conv', inputs, attrs }), 1e-5, 1e-5);
    });
  });
});

const transposeCases: Case[] = [
  ['stride 2, bias', [1, 2, 3, 4, 3], [2, 3, 3, 3, 3], { strides: [2, 2, 2] }, true],
  ['pads, output_padding, dilation', [1, 2, 4, 3, 4], [2, 2, 2, 3, 2], { strides: [2, 1, 3], pads: [1, 0, 0, 0, 1, 1], output_padding: [1, 0, 2], dilations: [1, 2, 1] }, false],
  ['groups 2', [2, 4, 3, 3, 2], [4, 1, 2, 2, 2], { group: 2, strides: [1, 2, 2] }, true],
  ['output_shape', [1, 1, 3, 3, 3], [1, 2, 3, 3, 3], { strides: [2, 2, 2], output_shape: [6, 7, 6] }, false],
];

describe('3-D ConvTranspose matches onnxruntime (rtol 1e-5, atol 1e-5)', () => {
  transposeCases.forEach(([name, x, w, attrs, bias], i) => {
    it(name, async () => {
      const inputs = withOperands(x, w, bias, 2200 + 10 * i, (s, a) => s[1]! * Number(a.group ?? 1), attrs);
      expectMatch(await runBoth({ op: 'ConvTranspose', inputs, attrs }), 1e-5, 1e-5);
    });
  });
});

const poolCases: [string, number[], Record<string, TestAttr>][] = [
  ['2x2x2 stride 2', [1, 2, 6, 6, 6], { kernel_shape: [2, 2, 2], strides: [2, 2, 2] }],
  ['3x3x3 pads, batch 2, odd sizes', [2, 2, 5, 7, 6], { kernel_shape: [3, 3, 3], pads: [1, 1, 0, 1, 0, 1] }],
  ['ceil_mode, dilation 2', [1, 1, 9, 8, 7], { kernel_shape: [2, 3, 2], strides: [2, 2, 3], dilations: [2, 1, 2], ceil_mode: 1 }],
  ['SAME_LOWER', [1, 2, 5, 6, 7], { kernel_shape: [3, 2, 3], strides: [2, 2, 2], auto_pad: 'SAME_LOWER' }],
];

describe('3-D pools match onnxruntime', () => {
  poolCases.forEach(([name, x, attrs], i) => {
    it(`MaxPool ${name}, with Indices (exact)`, async () => {
      expectMatch(await runBoth({ op: 'MaxPool', inputs: [{ tensor: randomTensor(x, 2300 + i) }], attrs, outputs: 2, opset: 19 }));
    });
    for (const countIncludePad of [0, 1]) {
      it(`AveragePool ${name}, count_include_pad ${countIncludePad} (rtol 1e-5, atol 1e-6)`, async () => {
        const r = await runBoth({ op: 'AveragePool', inputs: [{ tensor: randomTensor(x, 2400 + i) }], attrs: { ...attrs, count_include_pad: countIncludePad }, opset: 19 });
        expectMatch(r, 1e-5, 1e-6);
      });
    }
  });
});

function integerTensor(dtype: DType, shape: number[], seed: number, lo: number, hi: number): Tensor {
  const r = rng(seed);
  return makeTensor(dtype, shape, Array.from({ length: sizeOf(shape) }, () => lo + Math.floor((hi - lo + 1) * r())));
}

describe('MaxPool of int8, uint8 and float64 keeps the dtype and matches onnxruntime exactly', () => {
  const inputs: [DType, () => Tensor][] = [
    ['uint8', () => integerTensor('uint8', [1, 3, 7, 8], 2500, 0, 255)],
    ['int8', () => integerTensor('int8', [2, 2, 9], 2501, -128, 127)],
    ['float64', () => makeTensor('float64', [1, 2, 7, 7], randomTensor([1, 2, 7, 7], 2502).data.map((v) => v / 3))],
  ];
  for (const [dtype, make] of inputs) {
    it(`${dtype}, stride 2, pads, ceil_mode`, async () => {
      const x = make();
      const spatial = x.shape.length - 2;
      const attrs = { kernel_shape: new Array<number>(spatial).fill(3), strides: new Array<number>(spatial).fill(2), pads: new Array<number>(2 * spatial).fill(1), ceil_mode: 1 };
      const r = await runBoth({ op: 'MaxPool', inputs: [{ tensor: x }], attrs, opset: 19 });
      expect(r.ours[0]!.dtype).toBe(dtype);
      expectMatch(r);
    });
  }
});

describe('the N-D reference agrees with the fast 2-D kernels on 2-D windows', () => {
  const window = { inSize: [9, 8], outSize: [4, 4], kernel: [3, 2], strides: [2, 2], dilations: [1, 2], padBegin: [1, 1], padEnd: [0, 1] };
  it('Conv, groups 2 (rtol 1e-5, atol 1e-6)', () => {
    const [x, w, b] = [randomTensor([2, 4, 9, 8], 1), randomTensor([6, 2, 3, 2], 2), randomTensor([6], 3)];
    const dims = { batch: 2, inChannels: 4, outChannels: 6, groups: 2 };
    const [nd, planar] = [new Float32Array(2 * 6 * 16), new Float32Array(2 * 6 * 16)];
    convNdReference(nd, x.data as Float32Array, w.data as Float32Array, b.data as Float32Array, dims, window);
    conv2dReference(planar, x.data as Float32Array, w.data as Float32Array, b.data as Float32Array, {
      ...dims, inHeight: 9, inWidth: 8, outHeight: 4, outWidth: 4, kernelHeight: 3, kernelWidth: 2,
      strideHeight: 2, strideWidth: 2, dilationHeight: 1, dilationWidth: 2, padTop: 1, padLeft: 1,
    });
    for (let i = 0; i < nd.length; i++) expect(Math.abs(nd[i]! - planar[i]!)).toBeLessThanOrEqual(1e-6 + 1e-5 * Math.abs(planar[i]!));
  });
  it('MaxPool with Indices in both storage orders (exact)', () => {
    const x = randomTensor([3, 9, 8], 4).data as Float32Array;
    for (const columnMajor of [false, true]) {
      const [nd, planar, ndIdx, planarIdx] = [new Float32Array(48), new Float32Array(48), new Float64Array(48), new Float64Array(48)];
      maxPoolNdReference(nd, ndIdx, x, 3, window, -Infinity, columnMajor);
      maxPool2dForward(planar, planarIdx, x, {
        planes: 3, inHeight: 9, inWidth: 8, outHeight: 4, outWidth: 4, kernelHeight: 3, kernelWidth: 2, strideHeight: 2,
        strideWidth: 2, dilationHeight: 1, dilationWidth: 2, padTop: 1, padLeft: 1, padBottom: 0, padRight: 1,
      }, columnMajor);
      expect([...nd]).toEqual([...planar]);
      expect([...ndIdx]).toEqual([...planarIdx]);
    }
  });
});

describe('the MCU facets refuse 3-D windows with a ModelError naming the node', () => {
  it('quantizing a 3-D Conv and a 3-D MaxPool', () => {
    const conv = () => runNodeCase({ op: 'Conv', inputs: [['x', [1, 2, 4, 4, 4]]], constants: [['w', randomTensor([3, 2, 3, 3, 3], 5)]] });
    expect(conv).toThrow(ModelError);
    expect(conv).toThrow(/node "conv_node" \(Conv\): 3-D windows run only in the fp32 engine/);
    const pool = () => runNodeCase({ op: 'MaxPool', inputs: [['x', [1, 2, 4, 4, 4]]], attrs: { kernel_shape: { kind: 'ints', value: [2, 2, 2] } } });
    expect(pool).toThrow(/node "maxpool_node" \(MaxPool\): 3-D windows run only in the fp32 engine/);
  });
  it('the backward of a 3-D Conv and MaxPool', () => {
    const node = { name: 'n3', op: 'Conv', domain: '', inputs: ['x', 'w'], outputs: ['y'], attrs: {} };
    const [x, w] = [randomTensor([1, 2, 4, 4, 4], 6), randomTensor([3, 2, 3, 3, 3], 7)];
    const y = makeTensor('float32', [1, 3, 2, 2, 2]);
    expect(() => Conv.backward!([x, w], [y], [y], resolveAttrs(Conv.attrs, node), node)).toThrow(/node "n3" \(Conv\): 3-D windows/);
    const poolNode = { ...node, op: 'MaxPool', inputs: ['x'], attrs: { kernel_shape: { kind: 'ints' as const, value: [2, 2, 2] } } };
    expect(() => MaxPool.backward!([x], [y], [y], resolveAttrs(MaxPool.attrs, poolNode), poolNode)).toThrow(/\(MaxPool\): 3-D windows/);
  });
});

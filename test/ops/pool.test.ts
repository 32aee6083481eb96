/**
 * MaxPool and AveragePool against onnxruntime (opset 19, where AveragePool takes dilations): odd
 * sizes, stride 2, dilation 2, asymmetric pads, ceil_mode (including the rule that drops a window
 * starting in the end padding), each auto_pad, count_include_pad, 1-D and 2-D, and MaxPool's
 * Indices in both storage orders. Inferred shapes must equal onnxruntime's. Max is exact; average
 * within rtol 1e-5 / atol 1e-6 (summation order).
 */
import { describe, expect, it } from 'vitest';
import { ModelError } from '../../src/errors.js';
import { randomTensor } from '../helpers/random.js';
import { expectMatch, runBoth, runOurs, type TestAttr } from './single-node.js';

type Case = [name: string, x: number[], attrs: Record<string, TestAttr>];

const windows: Case[] = [
  ['2x2 stride 2', [1, 3, 8, 8], { kernel_shape: [2, 2], strides: [2, 2] }],
  ['3x3 stride 2 pad 1, odd sizes, batch 2', [2, 2, 9, 11], { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] }],
  ['ceil_mode adds a partial window', [1, 2, 7, 7], { kernel_shape: [2, 2], strides: [2, 2], ceil_mode: 1 }],
  ['ceil_mode drops a window starting in the end pad', [1, 1, 5, 5], { kernel_shape: [2, 2], strides: [2, 2], pads: [1, 1, 1, 1], ceil_mode: 1 }],
  ['ceil_mode 3x3 stride 2 with pads', [1, 2, 10, 8], { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 0, 1, 0], ceil_mode: 1 }],
  ['dilation 2', [1, 2, 9, 9], { kernel_shape: [3, 3], dilations: [2, 2] }],
  ['dilation 2 stride 2 pads ceil_mode', [1, 2, 10, 11], { kernel_shape: [2, 3], dilations: [2, 2], strides: [2, 2], pads: [1, 1, 1, 1], ceil_mode: 1 }],
  ['asymmetric pads', [1, 2, 6, 7], { kernel_shape: [3, 3], pads: [0, 1, 2, 0] }],
  ['rectangular kernel, strides 1x3', [1, 2, 8, 13], { kernel_shape: [2, 4], strides: [1, 3] }],
  ['auto_pad SAME_UPPER stride 2 (odd total pad)', [1, 2, 8, 9], { kernel_shape: [3, 3], strides: [2, 2], auto_pad: 'SAME_UPPER' }],
  ['auto_pad SAME_LOWER stride 2 (odd total pad)', [1, 2, 8, 9], { kernel_shape: [3, 3], strides: [2, 2], auto_pad: 'SAME_LOWER' }],
  ['auto_pad VALID stride 2', [1, 2, 9, 10], { kernel_shape: [3, 2], strides: [2, 2], auto_pad: 'VALID' }],
  ['1-D stride 2 pads', [2, 3, 11], { kernel_shape: [3], strides: [2], pads: [1, 1] }],
  ['1-D ceil_mode dilation 2', [1, 2, 12], { kernel_shape: [2], strides: [3], dilations: [2], ceil_mode: 1 }],
  ['1-D SAME_UPPER', [1, 2, 10], { kernel_shape: [4], strides: [3], auto_pad: 'SAME_UPPER' }],
];

describe('MaxPool matches onnxruntime exactly', () => {
  windows.forEach(([name, x, attrs], i) => {
    it(name, async () => {
      expectMatch(await runBoth({ op: 'MaxPool', inputs: [{ tensor: randomTensor(x, 1200 + i) }], attrs, opset: 19 }));
    });
  });
  for (const storageOrder of [0, 1]) {
    it(`Indices, storage_order ${storageOrder}, batch and channel offsets`, async () => {
      const attrs = { kernel_shape: [3, 2], strides: [2, 2], pads: [1, 0, 1, 1], storage_order: storageOrder };
      const r = await runBoth({ op: 'MaxPool', inputs: [{ tensor: randomTensor([2, 3, 7, 6], 1300) }], attrs, outputs: 2, opset: 19 });
      expect(r.ours[1]!.dtype).toBe('int64');
      expectMatch(r);
    });
  }
  it('Indices of a 1-D pool with dilation', async () => {
    const attrs = { kernel_shape: [3], dilations: [2], pads: [2, 1] };
    expectMatch(await runBoth({ op: 'MaxPool', inputs: [{ tensor: randomTensor([2, 2, 9], 1301) }], attrs, outputs: 2, opset: 19 }));
  });
});

describe('AveragePool matches onnxruntime (rtol 1e-5, atol 1e-6)', () => {
  windows.forEach(([name, x, attrs], i) => {
    for (const countIncludePad of [0, 1]) {
      it(`${name}, count_include_pad ${countIncludePad}`, async () => {
        const r = await runBoth({
          op: 'AveragePool',
          inputs: [{ tensor: randomTensor(x, 1400 + i) }],
          attrs: { ...attrs, count_include_pad: countIncludePad },
          opset: 19,
        });
        expectMatch(r, 1e-5, 1e-6);
      });
    }
  });
});

describe('pools reject bad models with a ModelError naming the node', () => {
  const bad = (op: string, x: number[], attrs: Record<string, TestAttr>) => () => runOurs({ op, inputs: [{ tensor: randomTensor(x, 1) }], attrs });
  it('a missing kernel_shape', () => {
    expect(bad('MaxPool', [1, 2, 4, 4], {})).toThrow(ModelError);
    expect(bad('MaxPool', [1, 2, 4, 4], {})).toThrow(/node "node" \(MaxPool\): attribute kernel_shape is required/);
  });
  it('a kernel_shape of the wrong rank, a kernel larger than the input, no spatial axes', () => {
    expect(bad('AveragePool', [1, 2, 4, 4], { kernel_shape: [2] })).toThrow(/node "node" \(AveragePool\): kernel_shape has 1 values, the input has 2 spatial axes/);
    expect(bad('AveragePool', [1, 2, 4, 4], { kernel_shape: [5, 5] })).toThrow(/kernel of extent 5 .* larger than the padded input/);
    expect(bad('MaxPool', [1, 2], { kernel_shape: [2] })).toThrow(/input X must be \(N, C, D1, ...\)/);
  });
  it('strides of zero', () => {
    expect(bad('MaxPool', [1, 2, 4, 4], { kernel_shape: [2, 2], strides: [0, 1] })).toThrow(/strides \[0, 1\] must be positive integers/);
  });
});

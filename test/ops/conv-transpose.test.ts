/**
 * ConvTranspose against onnxruntime: single-node models over a table covering strides, pads
 * (asymmetric too), output_padding, output_shape (odd total padding), dilations, group (2 and
 * depthwise), every auto_pad, 1-D and 2-D, with and without bias. Inferred shapes must equal
 * onnxruntime's. Tolerance rtol 1e-4 / atol 1e-5.
 */
import { describe, expect, it } from 'vitest';
import { ModelError } from '../../src/errors.js';
import { randomTensor } from '../helpers/random.js';
import { expectMatch, runBoth, runOurs, type TestAttr } from './single-node.js';

interface Case {
  name: string;
  x: number[];
  w: number[];
  group?: number;
  bias?: boolean;
  attrs?: Record<string, TestAttr>;
}

const cases: Case[] = [
  { name: '3x3 stride 1 with bias', x: [1, 2, 5, 5], w: [2, 3, 3, 3], bias: true },
  { name: 'stride 2, pads 1, batch 2', x: [2, 3, 4, 5], w: [3, 2, 3, 3], bias: true, attrs: { strides: [2, 2], pads: [1, 1, 1, 1] } },
  { name: 'stride 2 with output_padding', x: [1, 2, 4, 3], w: [2, 2, 3, 3], attrs: { strides: [2, 2], pads: [1, 1, 1, 1], output_padding: [1, 1] } },
  { name: 'dilation 2', x: [1, 2, 4, 4], w: [2, 2, 3, 3], bias: true, attrs: { dilations: [2, 2] } },
  { name: 'strides 3x2, dilation 2, asymmetric pads', x: [1, 2, 3, 4], w: [2, 3, 3, 2], attrs: { strides: [3, 2], dilations: [2, 2], pads: [0, 1, 2, 0] } },
  { name: 'group 2', x: [1, 4, 5, 5], w: [4, 3, 3, 3], group: 2, bias: true, attrs: { strides: [2, 2] } },
  { name: 'depthwise (group = channels) stride 2', x: [1, 3, 4, 4], w: [3, 1, 3, 3], group: 3, bias: true, attrs: { strides: [2, 2], pads: [1, 1, 1, 1] } },
  { name: 'output_shape with odd total padding', x: [1, 2, 3, 3], w: [2, 2, 3, 3], attrs: { strides: [2, 2], output_shape: [6, 6] } },
  { name: 'output_shape one past the full output (extra row and column)', x: [1, 1, 3, 3], w: [1, 2, 3, 3], bias: true, attrs: { strides: [3, 2], output_shape: [10, 8] } },
  { name: 'output_shape with output_padding', x: [1, 2, 3, 4], w: [2, 3, 3, 3], bias: true, attrs: { strides: [2, 2], output_shape: [5, 8], output_padding: [1, 1] } },
  { name: 'auto_pad SAME_UPPER stride 2', x: [1, 2, 3, 3], w: [2, 2, 3, 3], bias: true, attrs: { auto_pad: 'SAME_UPPER', strides: [2, 2] } },
  { name: 'auto_pad SAME_LOWER stride 2', x: [1, 2, 3, 3], w: [2, 2, 3, 3], attrs: { auto_pad: 'SAME_LOWER', strides: [2, 2] } },
  { name: 'auto_pad VALID stride 2', x: [1, 2, 3, 5], w: [2, 2, 3, 3], attrs: { auto_pad: 'VALID', strides: [2, 2] } },
  { name: 'explicit kernel_shape 4x4 stride 2 (upsampling decoder)', x: [1, 8, 6, 6], w: [8, 4, 4, 4], bias: true, attrs: { kernel_shape: [4, 4], strides: [2, 2], pads: [1, 1, 1, 1] } },
  { name: '1-D stride 3, pads, output_padding', x: [1, 2, 7], w: [2, 3, 4], bias: true, attrs: { strides: [3], pads: [1, 2], output_padding: [1] } },
  { name: '1-D output_shape, group 2', x: [2, 4, 5], w: [4, 1, 3], group: 2, attrs: { strides: [2], output_shape: [10] } },
  { name: '1-D auto_pad SAME_UPPER dilation 2', x: [1, 2, 6], w: [2, 2, 3], attrs: { auto_pad: 'SAME_UPPER', strides: [2], dilations: [2] } },
];

describe('ConvTranspose matches onnxruntime (rtol 1e-4, atol 1e-5)', () => {
  cases.forEach((c, i) => {
    it(c.name, async () => {
      const outChannels = c.w[1]! * (c.group ?? 1);
      const inputs = [
        { tensor: randomTensor(c.x, 400 + i) },
        { tensor: randomTensor(c.w, 500 + i), constant: true },
        ...(c.bias ? [{ tensor: randomTensor([outChannels], 600 + i), constant: true }] : []),
      ];
      const attrs = { ...(c.attrs ?? {}), ...(c.group ? { group: c.group } : {}) };
      expectMatch(await runBoth({ op: 'ConvTranspose', inputs, attrs }), 1e-4, 1e-5);
    });
  });
});

describe('ConvTranspose rejects bad models with a ModelError naming the node', () => {
  const bad = (x: number[], w: number[], attrs: Record<string, TestAttr> = {}) => () =>
    runOurs({ op: 'ConvTranspose', attrs, inputs: [{ tensor: randomTensor(x, 1) }, { tensor: randomTensor(w, 2), constant: true }] });
  it('input channels that do not match the weight', () => {
    expect(bad([1, 3, 4, 4], [2, 2, 3, 3])).toThrow(ModelError);
    expect(bad([1, 3, 4, 4], [2, 2, 3, 3])).toThrow(/node "node" \(ConvTranspose\): weight W has 2 input channels, input X has 3/);
  });
  it('pads that leave no output, and a malformed output_padding', () => {
    expect(bad([1, 2, 1, 1], [2, 2, 2, 2], { pads: [2, 2, 2, 2] })).toThrow(/node "node" \(ConvTranspose\): output size -2/);
    expect(bad([1, 2, 3, 3], [2, 2, 3, 3], { output_padding: [1] })).toThrow(/output_padding \[1\] must be 2/);
  });
});

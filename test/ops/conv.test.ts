/**
 * Conv against onnxruntime: single-node models over a table of geometries covering every attribute
 * (odd sizes, stride 2, dilation 2, asymmetric pads, groups 2, depthwise with multiplier 1 and 2,
 * each auto_pad, 1-D and 2-D, with and without bias, explicit kernel_shape). Inferred shapes must
 * equal onnxruntime's. Tolerance rtol 1e-4 / atol 1e-5: float32 accumulation order differs. These
 * run the direct kernels (EDGEC_WINOGRAD=off); the ResNet block is checked once more on the Winograd
 * kernel its shape takes by default, whose error (~2e-6 x sum |w x|, see
 * test/kernels/winograd.test.ts) passes atol 1e-5 for outputs near zero at 144 terms: atol 1e-4.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelError } from '../../src/errors.js';
import { randomTensor } from '../helpers/random.js';
import { expectMatch, runBoth, runOurs, type TestAttr } from './single-node.js';

interface ConvCase {
  name: string;
  x: number[];
  w: number[];
  bias?: boolean;
  attrs?: Record<string, TestAttr>;
}

const cases: ConvCase[] = [
  { name: '3x3 pad 1 with bias', x: [1, 3, 7, 9], w: [4, 3, 3, 3], bias: true, attrs: { pads: [1, 1, 1, 1] } },
  { name: 'stride 2, odd sizes, batch 2', x: [2, 3, 11, 13], w: [5, 3, 3, 3], bias: true, attrs: { strides: [2, 2], pads: [1, 1, 1, 1] } },
  { name: 'dilation 2', x: [1, 2, 10, 9], w: [3, 2, 3, 3], attrs: { dilations: [2, 2] } },
  { name: 'dilation 2 with stride 2 and pads', x: [1, 2, 12, 11], w: [3, 2, 3, 2], bias: true, attrs: { dilations: [2, 2], strides: [2, 2], pads: [2, 1, 2, 1] } },
  { name: 'asymmetric pads, 3x2 kernel', x: [1, 3, 6, 7], w: [2, 3, 3, 2], bias: true, attrs: { pads: [0, 1, 2, 0] } },
  { name: 'strides 1x3', x: [1, 2, 9, 14], w: [4, 2, 3, 3], attrs: { strides: [1, 3], pads: [1, 1, 1, 1] } },
  { name: 'groups 2', x: [1, 4, 8, 8], w: [6, 2, 3, 3], bias: true, attrs: { group: 2, pads: [1, 1, 1, 1] } },
  { name: 'groups 2 stride 2 without bias', x: [2, 6, 9, 7], w: [4, 3, 3, 3], attrs: { group: 2, strides: [2, 2] } },
  { name: 'depthwise stride 2', x: [1, 8, 9, 9], w: [8, 1, 3, 3], bias: true, attrs: { group: 8, pads: [1, 1, 1, 1], strides: [2, 2] } },
  { name: 'depthwise multiplier 2, dilation 2', x: [1, 3, 11, 10], w: [6, 1, 3, 3], bias: true, attrs: { group: 3, dilations: [2, 2], pads: [2, 2, 2, 2] } },
  { name: 'depthwise asymmetric pads', x: [2, 4, 6, 5], w: [4, 1, 3, 3], attrs: { group: 4, pads: [1, 0, 0, 2] } },
  { name: 'auto_pad SAME_UPPER stride 2 (odd total pad)', x: [1, 2, 8, 8], w: [3, 2, 3, 3], bias: true, attrs: { auto_pad: 'SAME_UPPER', strides: [2, 2] } },
  { name: 'auto_pad SAME_LOWER stride 2 (odd total pad)', x: [1, 2, 8, 8], w: [3, 2, 3, 3], bias: true, attrs: { auto_pad: 'SAME_LOWER', strides: [2, 2] } },
  { name: 'auto_pad SAME_LOWER even kernel', x: [1, 2, 7, 7], w: [2, 2, 4, 2], attrs: { auto_pad: 'SAME_LOWER' } },
  { name: 'auto_pad VALID stride 2', x: [1, 3, 10, 11], w: [2, 3, 3, 3], bias: true, attrs: { auto_pad: 'VALID', strides: [2, 2] } },
  { name: 'pointwise 1x1', x: [2, 16, 8, 8], w: [8, 16, 1, 1], bias: true },
  { name: '1x1 stride 2', x: [1, 6, 9, 9], w: [4, 6, 1, 1], attrs: { strides: [2, 2] } },
  { name: '1x1 with end padding', x: [1, 3, 4, 4], w: [2, 3, 1, 1], attrs: { pads: [0, 0, 1, 1] } },
  { name: 'explicit kernel_shape', x: [1, 2, 6, 6], w: [2, 2, 3, 3], attrs: { kernel_shape: [3, 3] } },
  { name: 'KWS first layer 10x4 stride 2', x: [1, 1, 49, 10], w: [16, 1, 10, 4], bias: true, attrs: { strides: [2, 2], pads: [4, 1, 5, 2] } },
  { name: 'ResNet block 32x32x16 3x3', x: [1, 16, 32, 32], w: [16, 16, 3, 3], bias: true, attrs: { pads: [1, 1, 1, 1] } },
  { name: '1-D stride 2 dilation 2 asymmetric pads', x: [2, 3, 17], w: [4, 3, 5], bias: true, attrs: { strides: [2], pads: [2, 1], dilations: [2] } },
  { name: '1-D depthwise SAME_UPPER', x: [1, 4, 16], w: [4, 1, 3], attrs: { group: 4, auto_pad: 'SAME_UPPER' } },
  { name: '1-D SAME_LOWER stride 3', x: [1, 2, 10], w: [3, 2, 4], bias: true, attrs: { auto_pad: 'SAME_LOWER', strides: [3] } },
  { name: '1-D VALID groups 2', x: [1, 4, 9], w: [2, 2, 3], attrs: { auto_pad: 'VALID', group: 2 } },
];

describe('Conv matches onnxruntime (rtol 1e-4, atol 1e-5)', () => {
  const saved = process.env['EDGEC_WINOGRAD'];
  beforeAll(() => { process.env['EDGEC_WINOGRAD'] = 'off'; });
  afterAll(() => {
    if (saved === undefined) delete process.env['EDGEC_WINOGRAD'];
    else process.env['EDGEC_WINOGRAD'] = saved;
  });
  cases.forEach((c, i) => {
    it(c.name, async () => {
      const inputs = [
        { tensor: randomTensor(c.x, 100 + i) },
        { tensor: randomTensor(c.w, 200 + i), constant: true },
        ...(c.bias ? [{ tensor: randomTensor([c.w[0]!], 300 + i), constant: true }] : []),
      ];
      expectMatch(await runBoth({ op: 'Conv', inputs, attrs: c.attrs ?? {} }), 1e-4, 1e-5);
    });
  });
});

describe('Conv on the Winograd kernel matches onnxruntime (rtol 1e-4, atol 1e-4)', () => {
  it('ResNet block 32x32x16 3x3, batch 2', async () => {
    const inputs = [
      { tensor: randomTensor([2, 16, 32, 32], 150) },
      { tensor: randomTensor([16, 16, 3, 3], 250), constant: true },
      { tensor: randomTensor([16], 350), constant: true },
    ];
    expectMatch(await runBoth({ op: 'Conv', inputs, attrs: { pads: [1, 1, 1, 1] } }), 1e-4, 1e-4);
  });
});

// onnxruntime refuses auto_pad SAME_* with dilation, so the spec's pads for it are checked by
// running the same conv in onnxruntime with those pads written out: extent (2-1)*2+1 = 3, stride 2;
// H 8 -> out 4, total pad 1 (SAME_UPPER: 0 before, 1 after); W 9 -> out 5, total pad 2 (1, 1).
describe('Conv auto_pad with dilation follows the ONNX pad formula', () => {
  const x = randomTensor([1, 2, 8, 9], 7);
  const w = randomTensor([3, 2, 2, 2], 8);
  const run = (attrs: Record<string, TestAttr>) => ({ op: 'Conv', attrs, inputs: [{ tensor: x }, { tensor: w, constant: true }] });
  for (const [autoPad, pads] of [
    ['SAME_UPPER', [0, 1, 1, 1]],
    ['SAME_LOWER', [1, 1, 0, 1]],
  ] as const) {
    it(`${autoPad} equals explicit pads [${pads.join(', ')}]`, async () => {
      const explicit = await runBoth(run({ strides: [2, 2], dilations: [2, 2], pads: [...pads] }));
      const ours = runOurs(run({ strides: [2, 2], dilations: [2, 2], auto_pad: autoPad }));
      expectMatch({ ...ours, ref: explicit.ref }, 1e-4, 1e-5);
    });
  }
});

describe('Conv rejects bad models with a ModelError naming the node', () => {
  const bad = (x: number[], w: number[], attrs: Record<string, TestAttr> = {}, bias?: number[]) => () =>
    runOurs({
      op: 'Conv',
      attrs,
      inputs: [
        { tensor: randomTensor(x, 1) },
        { tensor: randomTensor(w, 2), constant: true },
        ...(bias ? [{ tensor: randomTensor(bias, 3), constant: true }] : []),
      ],
    });
  it('input channels that do not match the weight', () => {
    expect(bad([1, 3, 8, 8], [4, 2, 3, 3])).toThrow(ModelError);
    expect(bad([1, 3, 8, 8], [4, 2, 3, 3])).toThrow(/node "node" \(Conv\).*expects 2 input channels.*has 3/);
  });
  it('a group that does not divide the channels', () => {
    expect(bad([1, 4, 8, 8], [6, 2, 3, 3], { group: 3 })).toThrow(/node "node" \(Conv\): group 3 must divide/);
  });
  it('a bias of the wrong length', () => {
    expect(bad([1, 2, 8, 8], [4, 2, 3, 3], {}, [3])).toThrow(/node "node" \(Conv\): bias B must have shape \[4\]/);
  });
  it('a kernel larger than the padded input', () => {
    expect(bad([1, 2, 2, 2], [4, 2, 3, 3])).toThrow(/node "node" \(Conv\): kernel of extent 3 .* larger than the padded input/);
  });
  it('an input without spatial axes (3-D and up run: test/ops/window-nd.test.ts)', () => {
    expect(bad([1, 2], [4, 2])).toThrow(/node "node" \(Conv\): input X must be \(N, C, D1, ...\)/);
  });
  it('kernel_shape that contradicts the weight, and bad pads', () => {
    expect(bad([1, 2, 8, 8], [4, 2, 3, 3], { kernel_shape: [5, 5] })).toThrow(/kernel_shape \[5, 5\] does not match/);
    expect(bad([1, 2, 8, 8], [4, 2, 3, 3], { pads: [1, 1] })).toThrow(/pads has 2 values, expected 4/);
    expect(bad([1, 2, 8, 8], [4, 2, 3, 3], { auto_pad: 'SAME' })).toThrow(/auto_pad "SAME" is not one of/);
  });
});

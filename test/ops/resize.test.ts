/**
 * Resize (opset 18 form) against onnxruntime: every nearest_mode under every coordinate
 * transformation mode, up- and downsampling, scales and sizes, linear (bilinear and trilinear),
 * cubic (bicubic and tricubic, cubic_coeff_a, exclude_outside), tf_crop_and_resize with
 * extrapolation, the `axes` attribute and each keep_aspect_ratio_policy. Inferred shapes must
 * equal onnxruntime's. Nearest is exact (a gather); linear and cubic within rtol 1e-4 / atol 1e-5.
 * antialias is not supported yet: a ModelError naming the node.
 */
import { describe, expect, it } from 'vitest';
import { ModelError } from '../../src/errors.js';
import { makeTensor, type Tensor } from '../../src/ir/tensor.js';
import { randomTensor } from '../helpers/random.js';
import { expectMatch, runBoth, runOurs, type Operand, type TestAttr } from './single-node.js';

const floats = (values: number[]): Operand => ({ tensor: makeTensor('float32', [values.length], values), constant: true });
const ints = (values: number[]): Operand => ({ tensor: makeTensor('int64', [values.length], values), constant: true });

interface ResizeCase {
  x: Tensor;
  attrs: Record<string, TestAttr>;
  roi?: number[];
  scales?: number[];
  sizes?: number[];
}

function resizeInputs(c: ResizeCase): (Operand | undefined)[] {
  return [
    { tensor: c.x },
    c.roi ? floats(c.roi) : undefined,
    c.scales ? floats(c.scales) : undefined,
    c.sizes ? ints(c.sizes) : undefined,
  ];
}

const run = (c: ResizeCase) => runBoth({ op: 'Resize', inputs: resizeInputs(c), attrs: c.attrs, opset: 18 });

const COORDINATE_MODES = ['half_pixel', 'pytorch_half_pixel', 'align_corners', 'asymmetric', 'half_pixel_symmetric'];
const NEAREST_MODES = ['round_prefer_floor', 'round_prefer_ceil', 'floor', 'ceil'];

describe('Resize nearest matches onnxruntime exactly', () => {
  const x = randomTensor([1, 2, 4, 6], 1);
  for (const coordinate of COORDINATE_MODES) {
    for (const nearest of NEAREST_MODES) {
      it(`${coordinate} / ${nearest}: scales 2.5x1.5 up, 1.7x0.7 (sizes floored), sizes 3x4 down`, async () => {
        const attrs = { mode: 'nearest', coordinate_transformation_mode: coordinate, nearest_mode: nearest };
        expectMatch(await run({ x, attrs, scales: [1, 1, 2.5, 1.5] }));
        if (coordinate !== 'align_corners') expectMatch(await run({ x, attrs, scales: [1, 1, 1.7, 0.7] }));
        expectMatch(await run({ x, attrs, sizes: [1, 2, 3, 4] }));
      });
    }
  }
  it('defaults (half_pixel, round_prefer_floor), integer upsampling as in a U-Net', async () => {
    expectMatch(await run({ x: randomTensor([2, 3, 5, 5], 2), attrs: {}, scales: [1, 1, 2, 2] }));
  });
  it('a size-1 output axis under pytorch_half_pixel and align_corners', async () => {
    for (const coordinate of ['pytorch_half_pixel', 'align_corners']) {
      expectMatch(await run({ x, attrs: { coordinate_transformation_mode: coordinate }, sizes: [1, 2, 1, 9] }));
    }
  });
});

describe('Resize linear matches onnxruntime (rtol 1e-4, atol 1e-5)', () => {
  const x = randomTensor([1, 2, 5, 4], 3);
  for (const coordinate of COORDINATE_MODES) {
    it(`${coordinate}: scales 2x1.5, 1.7x0.7 (sizes floored), 0.6x0.5, sizes 7x3`, async () => {
      const attrs = { mode: 'linear', coordinate_transformation_mode: coordinate };
      expectMatch(await run({ x, attrs, scales: [1, 1, 2, 1.5] }), 1e-4, 1e-5);
      if (coordinate !== 'align_corners') expectMatch(await run({ x, attrs, scales: [1, 1, 1.7, 0.7] }), 1e-4, 1e-5);
      expectMatch(await run({ x, attrs, scales: [1, 1, 0.6, 0.5] }), 1e-4, 1e-5);
      expectMatch(await run({ x, attrs, sizes: [1, 2, 7, 3] }), 1e-4, 1e-5);
    });
  }
  it('trilinear on a 5-D input', async () => {
    const attrs = { mode: 'linear', coordinate_transformation_mode: 'half_pixel' };
    expectMatch(await run({ x: randomTensor([1, 2, 3, 4, 5], 4), attrs, scales: [1, 1, 2, 1.5, 0.8] }), 1e-4, 1e-5);
  });
});

describe('Resize cubic matches onnxruntime (rtol 1e-4, atol 1e-5)', () => {
  const x = randomTensor([1, 2, 5, 4], 8);
  const kernels = [
    ['cubic_coeff_a -0.75 (default)', {}],
    ['cubic_coeff_a -0.5, exclude_outside', { cubic_coeff_a: { float: -0.5 }, exclude_outside: 1 }],
  ] as const;
  for (const coordinate of COORDINATE_MODES) {
    for (const [kernelName, kernel] of kernels) {
      it(`${coordinate}, ${kernelName}: scales 2x1.5, 0.6x0.5, sizes 7x3`, async () => {
        const attrs = { mode: 'cubic', coordinate_transformation_mode: coordinate, ...kernel };
        expectMatch(await run({ x, attrs, scales: [1, 1, 2, 1.5] }), 1e-4, 1e-5);
        expectMatch(await run({ x, attrs, scales: [1, 1, 0.6, 0.5] }), 1e-4, 1e-5);
        expectMatch(await run({ x, attrs, sizes: [1, 2, 7, 3] }), 1e-4, 1e-5);
      });
    }
  }
  // onnxruntime resizes cubically only the last two axes of a 4-D input, so the tricubic result
  // is checked through separability: onnxruntime's bicubic over (H, W), then over (D, 1) after
  // moving D last.
  it('tricubic on a 5-D input (axes attribute) equals onnxruntime bicubic then cubic on D', async () => {
    const [C, D, H, W] = [2, 3, 4, 5];
    const x = randomTensor([1, C, D, H, W], 9);
    const attrs = { mode: 'cubic', exclude_outside: 1 };
    const [ours] = runOurs({ op: 'Resize', inputs: resizeInputs({ x, attrs: { ...attrs, axes: [2, 3, 4] }, scales: [2, 1.5, 0.8] }), attrs: { ...attrs, axes: [2, 3, 4] } }).ours;
    const hw = (await run({ x: makeTensor('float32', [C, D, H, W], x.data), attrs, scales: [1, 1, 1.5, 0.8] })).ref[0]!;
    const [H2, W2] = [hw.shape[2]!, hw.shape[3]!];
    const moved = new Float32Array(hw.data.length); // (C, D, H2*W2) -> (C, H2*W2, D)
    for (let c = 0; c < C; c++) for (let d = 0; d < D; d++) for (let p = 0; p < H2 * W2; p++) moved[(c * H2 * W2 + p) * D + d] = hw.data[(c * D + d) * H2 * W2 + p]!;
    const dz = (await run({ x: makeTensor('float32', [C, H2 * W2, D, 1], moved), attrs, scales: [1, 1, 2, 1] })).ref[0]!;
    const D2 = dz.shape[2]!;
    expect(ours!.shape).toEqual([1, C, D2, H2, W2]);
    for (let c = 0; c < C; c++) {
      for (let d = 0; d < D2; d++) {
        for (let p = 0; p < H2 * W2; p++) {
          const [a, b] = [ours!.data[(c * D2 + d) * H2 * W2 + p]!, dz.data[(c * H2 * W2 + p) * D2 + d]!];
          expect(Math.abs(a - b), `c ${c} d ${d} p ${p}`).toBeLessThanOrEqual(1e-5 + 1e-4 * Math.abs(b));
        }
      }
    }
  });
});

// With scales whose in*scale is not a whole number, align_corners divides by in*scale - 1 in the
// ONNX reference (and its backend test test_resize_downsample_scales_linear_align_corners), but
// by the floored output length - 1 in onnxruntime; edgec follows the spec's reference. Checked by
// hand on that backend test's numbers: X = [[1,2,3,4],[5,6,7,8]], scales 0.6 -> output 1x2;
// column 1 samples x = 1 * (4-1) / (4*0.6 - 1) = 15/7, so linear gives 3 + 1/7 and nearest X[0][2].
describe('Resize align_corners with scales follows the ONNX reference', () => {
  const x = makeTensor('float32', [1, 1, 2, 4], [1, 2, 3, 4, 5, 6, 7, 8]);
  for (const [mode, expected] of [
    ['linear', [1, 3 + 1 / 7]],
    ['nearest', [1, 3]],
  ] as const) {
    it(`${mode}: [${expected.map((v) => v.toFixed(6)).join(', ')}]`, () => {
      const attrs = { mode, coordinate_transformation_mode: 'align_corners' };
      const [y] = runOurs({ op: 'Resize', inputs: resizeInputs({ x, attrs, scales: [1, 1, 0.6, 0.6] }), attrs }).ours;
      expect(y!.shape).toEqual([1, 1, 1, 2]);
      expect(y!.data[0]).toBeCloseTo(expected[0], 6);
      expect(y!.data[1]).toBeCloseTo(expected[1], 6);
    });
  }
});

describe('Resize tf_crop_and_resize matches onnxruntime', () => {
  const x = randomTensor([1, 1, 6, 7], 5);
  // The roi reaches outside the image on the bottom and left, so extrapolation_value shows.
  const roi = [0, 0, 0.2, -0.3, 1, 1, 1.4, 0.9];
  for (const mode of ['nearest', 'linear', 'cubic']) {
    it(`${mode} with roi partly outside and extrapolation_value 7`, async () => {
      const attrs = { mode, coordinate_transformation_mode: 'tf_crop_and_resize', extrapolation_value: { float: 7 } };
      expectMatch(await run({ x, attrs, roi, sizes: [1, 1, 5, 8] }), 1e-4, 1e-5);
      expectMatch(await run({ x, attrs, roi, scales: [1, 1, 0.8, 1.3] }), 1e-4, 1e-5);
    });
  }
});

describe('Resize axes and keep_aspect_ratio_policy match onnxruntime', () => {
  const x = randomTensor([1, 3, 4, 6], 6);
  it('axes [2, 3] with two scales, and axes [-1] alone', async () => {
    expectMatch(await run({ x, attrs: { mode: 'linear', axes: [2, 3] }, scales: [1.5, 0.5] }), 1e-4, 1e-5);
    expectMatch(await run({ x, attrs: { axes: [-1] }, sizes: [9] }));
  });
  for (const policy of ['stretch', 'not_larger', 'not_smaller']) {
    it(`keep_aspect_ratio_policy ${policy}`, async () => {
      const attrs = { mode: 'linear', axes: [2, 3], keep_aspect_ratio_policy: policy };
      expectMatch(await run({ x, attrs, sizes: [7, 10] }), 1e-4, 1e-5);
      expectMatch(await run({ x, attrs: { ...attrs, mode: 'nearest' }, sizes: [3, 8] }));
    });
  }
});

describe('Resize rejects what it does not support, naming the node', () => {
  const x = randomTensor([1, 1, 4, 4], 7);
  const ours = (c: ResizeCase) => () => runOurs({ op: 'Resize', inputs: resizeInputs(c), attrs: c.attrs });
  it('an unknown mode, and antialias (not supported yet)', () => {
    expect(ours({ x, attrs: { mode: 'bicubic' }, scales: [1, 1, 2, 2] })).toThrow(ModelError);
    expect(ours({ x, attrs: { mode: 'bicubic' }, scales: [1, 1, 2, 2] })).toThrow(/node "node" \(Resize\): mode "bicubic" is not one of nearest, linear, cubic/);
    expect(ours({ x, attrs: { mode: 'linear', antialias: 1 }, scales: [1, 1, 0.5, 0.5] })).toThrow(/node "node" \(Resize\): antialias=1 is not supported yet/);
  });
  it('both or neither of scales and sizes; scales of the wrong length', () => {
    expect(ours({ x, attrs: {}, scales: [1, 1, 2, 2], sizes: [1, 1, 8, 8] })).toThrow(/exactly one of scales and sizes/);
    expect(ours({ x, attrs: {} })).toThrow(/exactly one of scales and sizes/);
    expect(ours({ x, attrs: {}, scales: [2, 2] })).toThrow(/scales has 2 values, expected 4/);
  });
  it('tf_crop_and_resize without roi', () => {
    expect(ours({ x, attrs: { coordinate_transformation_mode: 'tf_crop_and_resize' }, sizes: [1, 1, 3, 3] })).toThrow(/tf_crop_and_resize needs roi/);
  });
});

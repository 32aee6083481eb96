/**
 * Resize, opset-18 form: inputs X, roi, scales, sizes (exactly one of scales/sizes), attributes
 * `axes` and `keep_aspect_ratio_policy`. Modes nearest (every nearest_mode), linear and cubic
 * (n-linear, n-cubic with cubic_coeff_a and exclude_outside, over any number of axes); every
 * coordinate_transformation_mode, tf_crop_and_resize included. antialias is not supported yet
 * and says so, naming the node.
 *
 * The output size is floor(in * scale) with scales; with sizes it is the size asked for (stretch)
 * or round(in * s) for the one scale s that keeps the aspect ratio (not_larger / not_smaller).
 * Coordinates follow onnxruntime, except align_corners with scales, which divides by in*scale - 1
 * as the ONNX reference does (see kernels/resize.ts).
 */
import type { Node } from '../ir/graph.js';
import { makeTensor, sizeOf, toIntList, type KnownValue, type Tensor, type ValueType } from '../ir/tensor.js';
import { isIdentityPlan, planAxis, resampleAxis, type AxisOptions } from '../kernels/resize.js';
import { resampleAxisBackward } from '../kernels/resize-backward.js';
import { gradOf } from '../train/op-grads.js';
import { floatData, normalizeAxis, requireFloat } from './nn-checks.js';
import { attr, defineOp, opError } from './op-def.js';

const resizeAttrs = {
  antialias: attr.int(0),
  axes: attr.ints(),
  coordinate_transformation_mode: attr.string('half_pixel'),
  cubic_coeff_a: attr.float(-0.75),
  exclude_outside: attr.int(0),
  extrapolation_value: attr.float(0),
  keep_aspect_ratio_policy: attr.string('stretch'),
  mode: attr.string('nearest'),
  nearest_mode: attr.string('round_prefer_floor'),
};
type ResizeAttrs = { [K in keyof typeof resizeAttrs]: (typeof resizeAttrs)[K]['default'] };

const COORDINATE_MODES = [
  'half_pixel',
  'half_pixel_symmetric',
  'pytorch_half_pixel',
  'align_corners',
  'asymmetric',
  'tf_crop_and_resize',
  'tf_half_pixel_for_nn',
];
const NEAREST_MODES = ['round_prefer_floor', 'round_prefer_ceil', 'floor', 'ceil'];
const ASPECT_POLICIES = ['stretch', 'not_larger', 'not_smaller'];

interface ResizePlan {
  outShape: number[];
  /** Per axis of X: the options of its 1-D resampling (scale 1 for axes left alone). */
  axes: AxisOptions[];
}

function checkAttrs(node: Node, a: ResizeAttrs): 'nearest' | 'linear' | 'cubic' {
  if (a.mode !== 'nearest' && a.mode !== 'linear' && a.mode !== 'cubic') {
    throw opError(node, `mode "${a.mode}" is not one of nearest, linear, cubic`);
  }
  if (a.antialias !== 0) throw opError(node, 'antialias=1 is not supported yet');
  if (!COORDINATE_MODES.includes(a.coordinate_transformation_mode)) {
    throw opError(node, `coordinate_transformation_mode "${a.coordinate_transformation_mode}" is unknown`);
  }
  if (!NEAREST_MODES.includes(a.nearest_mode)) throw opError(node, `nearest_mode "${a.nearest_mode}" is unknown`);
  if (!ASPECT_POLICIES.includes(a.keep_aspect_ratio_policy)) {
    throw opError(node, `keep_aspect_ratio_policy "${a.keep_aspect_ratio_policy}" is unknown`);
  }
  return a.mode;
}

/** An optional input's contents: undefined when absent or empty, an error when not constant. */
function contents(node: Node, v: KnownValue | undefined, name: string): Tensor | undefined {
  if (v === undefined || sizeOf(v.shape) === 0) return undefined;
  if (!v.value) throw opError(node, `input ${name} must be a constant (known before the model runs)`);
  return v.value;
}

function plan(node: Node, inputs: (KnownValue | undefined)[], a: ResizeAttrs): ResizePlan {
  const x = inputs[0]!;
  requireFloat(node, x, 'input X');
  const mode = checkAttrs(node, a);
  const rank = x.shape.length;
  const axes = (a.axes ?? [...x.shape.keys()]).map((ax) => normalizeAxis(node, ax, rank, 'axes entry'));
  if (new Set(axes).size !== axes.length) throw opError(node, `axes [${a.axes!.join(', ')}] repeats an axis`);
  const roi = contents(node, inputs[1], 'roi');
  const scales = contents(node, inputs[2], 'scales');
  const sizes = contents(node, inputs[3], 'sizes');
  if ((scales === undefined) === (sizes === undefined)) throw opError(node, 'exactly one of scales and sizes must be given');
  const given = scales ? Array.from(scales.data) : toIntList(sizes!);
  if (given.length !== axes.length) {
    throw opError(node, `${scales ? 'scales' : 'sizes'} has ${given.length} values, expected ${axes.length} (one per resized axis)`);
  }
  const tfCrop = a.coordinate_transformation_mode === 'tf_crop_and_resize';
  if (tfCrop && (!roi || roi.data.length !== 2 * axes.length)) {
    throw opError(node, `tf_crop_and_resize needs roi with ${2 * axes.length} values (starts then ends)`);
  }

  const outShape = [...x.shape];
  const axisScale = new Array<number>(rank).fill(1);
  const resizedLength = [...x.shape];
  if (scales) {
    axes.forEach((ax, i) => {
      const s = Math.fround(given[i]!);
      if (!(s > 0)) throw opError(node, `scales [${given.join(', ')}] must be positive`);
      axisScale[ax] = s;
      resizedLength[ax] = Math.fround(s * x.shape[ax]!);
      outShape[ax] = Math.floor(resizedLength[ax]!);
    });
  } else {
    const ratios = axes.map((ax, i) => Math.fround(given[i]! / x.shape[ax]!));
    const policy = a.keep_aspect_ratio_policy;
    const common = policy === 'not_larger' ? Math.min(...ratios) : Math.max(...ratios);
    axes.forEach((ax, i) => {
      if (!(given[i]! > 0)) throw opError(node, `sizes [${given.join(', ')}] must be positive`);
      axisScale[ax] = policy === 'stretch' ? ratios[i]! : common;
      outShape[ax] = policy === 'stretch' ? given[i]! : Math.round(Math.fround(common * x.shape[ax]!));
      resizedLength[ax] = outShape[ax]!;
    });
  }
  for (const [ax, d] of outShape.entries()) if (d < 1) throw opError(node, `output dimension ${ax} would be ${d}`);

  const options = outShape.map((_, ax): AxisOptions => {
    const i = axes.indexOf(ax);
    const roiStart = tfCrop && i >= 0 ? roi!.data[i]! : 0;
    const roiEnd = tfCrop && i >= 0 ? roi!.data[axes.length + i]! : 1;
    const coordinateMode = i >= 0 ? a.coordinate_transformation_mode : 'asymmetric';
    return {
      mode,
      coordinateMode,
      nearestMode: a.nearest_mode,
      scale: axisScale[ax]!,
      resizedLength: resizedLength[ax]!,
      roiStart,
      roiEnd,
      cubicCoeffA: a.cubic_coeff_a,
      excludeOutside: a.exclude_outside !== 0,
    };
  });
  return { outShape, axes: options };
}

export const Resize = defineOp({
  type: 'Resize',
  attrs: resizeAttrs,
  inputs: { min: 1, max: 4 },
  outputs: { min: 1, max: 1 },
  inferTypes(inputs, a, node): ValueType[] {
    return [{ dtype: inputs[0]!.dtype, shape: plan(node, inputs, a).outShape }];
  },
  forward(inputs, a, node) {
    const x = inputs[0]!;
    const known = inputs.map((t) => (t ? { dtype: t.dtype, shape: t.shape, value: t } : undefined));
    const { outShape, axes } = plan(node, known, a);
    // One 1-D pass per axis that changes, each reading the previous pass's output.
    let data = floatData(x);
    const shape = [...x.shape];
    axes.forEach((options, ax) => {
      const axisPlan = planAxis(shape[ax]!, outShape[ax]!, options);
      if (isIdentityPlan(axisPlan)) return;
      const outer = sizeOf(shape.slice(0, ax));
      const inner = sizeOf(shape.slice(ax + 1));
      const next = new Float32Array(outer * outShape[ax]! * inner);
      resampleAxis(next, data, outer, inner, axisPlan, a.extrapolation_value);
      data = next;
      shape[ax] = outShape[ax]!;
    });
    return [makeTensor(x.dtype, outShape, data)];
  },
  // The forward's passes replayed for their shapes, then their adjoints in reverse order. roi,
  // scales and sizes are constants of the model: no gradient.
  backward(inputs, [y], [dy], a, node) {
    const x = inputs[0]!;
    const known = inputs.map((t) => (t ? { dtype: t.dtype, shape: t.shape, value: t } : undefined));
    const { outShape, axes } = plan(node, known, a);
    const shape = [...x.shape];
    const passes = axes.flatMap((options, ax) => {
      const axisPlan = planAxis(shape[ax]!, outShape[ax]!, options);
      if (isIdentityPlan(axisPlan)) return [];
      const pass = { axisPlan, outer: sizeOf(shape.slice(0, ax)), inner: sizeOf(shape.slice(ax + 1)) };
      shape[ax] = outShape[ax]!;
      return [pass];
    });
    let g = floatData(gradOf(dy, y!));
    for (const { axisPlan, outer, inner } of passes.reverse()) {
      const prev = new Float32Array(outer * axisPlan.inLength * inner);
      resampleAxisBackward(prev, g, outer, inner, axisPlan);
      g = prev;
    }
    return [makeTensor(x.dtype, x.shape, g), ...inputs.slice(1).map(() => undefined)];
  },
});

/**
 * Activations with attributes or extra inputs: LeakyRelu, Elu, Selu, Celu, ThresholdedRelu,
 * HardSigmoid, HardSwish, PRelu (a slope tensor broadcast to the input) and Clip (min and max as
 * optional scalar inputs, the opset-11+ form). ONNX float attributes are float32, so they are
 * rounded to float32 before use, exactly as onnxruntime sees them.
 */
import { broadcastBinary, broadcastShapes } from '../kernels/broadcast.js';
import type { Node } from '../ir/graph.js';
import { makeTensor, type Tensor, type ValueType } from '../ir/tensor.js';
import { broadcastGrads, carriesGrad, gradFrom, gradOf, mapGrad } from '../train/op-grads.js';
import { checkDType, checkSameDType, mapTensor, rounderFor } from './elementwise.js';
import { attr, defineOp, opError } from './op-def.js';
import { lookupEmitC } from '../codegen/emit-ops/elementwise.js';
import { scalarOf } from './shape-args.js';
import { lookupFacet } from '../quant/shared-facets.js';

const f32 = Math.fround;
const sameType = { inputs: { min: 1, max: 1 }, outputs: { min: 1, max: 1 } };

/** The backward of an elementwise activation whose derivative at x (y = f(x)) depends on its attributes. */
function pointwise<A>(df: (a: A) => (x: number, y: number) => number) {
  return ([x]: (Tensor | undefined)[], [y]: Tensor[], [dy]: (Tensor | undefined)[], a: A) => [mapGrad(x!, y!, gradOf(dy, y!), df(a))];
}

/** These activations are defined for float tensors only, and keep type and shape. */
function floatUnaryType(x: ValueType, node: Node): ValueType {
  checkDType(node, x.dtype, 'float');
  return { dtype: x.dtype, shape: [...x.shape] };
}

export const LeakyRelu = defineOp({
  type: 'LeakyRelu',
  attrs: { alpha: attr.float(0.01) },
  ...sameType,
  inferTypes: ([x], _a, node) => [floatUnaryType(x!, node)],
  forward: ([x], { alpha }) => [mapTensor(x!, (v) => (v < 0 ? f32(alpha) * v : v))],
  backward: pointwise(({ alpha }) => (x) => (x < 0 ? f32(alpha) : 1)),
});

export const Elu = defineOp({
  type: 'Elu',
  attrs: { alpha: attr.float(1) },
  ...sameType,
  inferTypes: ([x], _a, node) => [floatUnaryType(x!, node)],
  forward: ([x], { alpha }) => [mapTensor(x!, (v) => (v < 0 ? f32(alpha) * Math.expm1(v) : v))],
  backward: pointwise(({ alpha }) => (x) => (x < 0 ? f32(alpha) * Math.exp(x) : 1)),
});

export const Selu = defineOp({
  type: 'Selu',
  attrs: { alpha: attr.float(1.67326319217681884765625), gamma: attr.float(1.05070102214813232421875) },
  ...sameType,
  inferTypes: ([x], _a, node) => [floatUnaryType(x!, node)],
  forward: ([x], { alpha, gamma }) => {
    const [a, g] = [f32(alpha), f32(gamma)];
    return [mapTensor(x!, (v) => (v > 0 ? g * v : g * a * Math.expm1(v)))];
  },
  backward: pointwise(({ alpha, gamma }) => (x) => (x > 0 ? f32(gamma) : f32(gamma) * f32(alpha) * Math.exp(x))),
});

export const Celu = defineOp({
  type: 'Celu',
  attrs: { alpha: attr.float(1) },
  ...sameType,
  inferTypes: ([x], _a, node) => [floatUnaryType(x!, node)],
  forward: ([x], { alpha }) => {
    const a = f32(alpha);
    return [mapTensor(x!, (v) => Math.max(0, v) + Math.min(0, a * Math.expm1(v / a)))];
  },
  backward: pointwise(({ alpha }) => (x) => (x > 0 ? 1 : Math.exp(x / f32(alpha)))),
});

export const ThresholdedRelu = defineOp({
  type: 'ThresholdedRelu',
  attrs: { alpha: attr.float(1) },
  ...sameType,
  inferTypes: ([x], _a, node) => [floatUnaryType(x!, node)],
  forward: ([x], { alpha }) => [mapTensor(x!, (v) => (v > f32(alpha) ? v : 0))],
  backward: pointwise(({ alpha }) => (x) => (x > f32(alpha) ? 1 : 0)),
});

/** max(0, min(1, alpha * x + beta)), the piecewise-linear sigmoid. */
function hardSigmoid(v: number, alpha: number, beta: number): number {
  return Math.max(0, Math.min(1, f32(f32(alpha * v) + beta)));
}

export const HardSigmoid = defineOp({
  type: 'HardSigmoid',
  attrs: { alpha: attr.float(0.2), beta: attr.float(0.5) },
  ...sameType,
  inferTypes: ([x], _a, node) => [floatUnaryType(x!, node)],
  forward: ([x], { alpha, beta }) => [mapTensor(x!, (v) => hardSigmoid(v, f32(alpha), f32(beta)))],
  backward: pointwise(({ alpha, beta }) => (x) => {
    const t = f32(alpha) * x + f32(beta);
    return t > 0 && t < 1 ? f32(alpha) : 0;
  }),
});

/** x * HardSigmoid(x) with alpha 1/6, beta 0.5 (MobileNetV3's h-swish). */
export const HardSwish = defineOp({
  type: 'HardSwish',
  attrs: {},
  ...sameType,
  inferTypes: ([x], _a, node) => [floatUnaryType(x!, node)],
  forward: ([x]) => [mapTensor(x!, (v) => v * hardSigmoid(v, f32(1 / 6), 0.5))],
  // d/dx x * hs(x) = hs(x) + x * hs'(x), hs' = 1/6 inside the ramp.
  backward: pointwise(() => (x) => {
    const t = f32(1 / 6) * x + 0.5;
    return t <= 0 ? 0 : t >= 1 ? 1 : t + x * f32(1 / 6);
  }),
  // int8 lookup table, output range calibrated (quant/shared-facets.ts).
  emitC: lookupEmitC,
  integer: lookupFacet(() => (v) => v * hardSigmoid(v, f32(1 / 6), 0.5)),
});

/** x where x >= 0, slope * x elsewhere; the slope broadcasts to x (one direction only). */
export const PRelu = defineOp({
  type: 'PRelu',
  attrs: {},
  inputs: { min: 2, max: 2 },
  outputs: { min: 1, max: 1 },
  inferTypes: ([x, slope], _a, node) => {
    checkDType(node, x!.dtype, 'signed');
    checkSameDType(node, [x, slope]);
    const shape = broadcastShapes(x!.shape, slope!.shape);
    if (!shape || shape.length !== x!.shape.length || shape.some((d, i) => d !== x!.shape[i])) {
      throw opError(node, `slope of shape [${slope!.shape}] does not broadcast to input shape [${x!.shape}]`);
    }
    return [{ dtype: x!.dtype, shape: [...x!.shape] }];
  },
  forward: ([x, slope]) => {
    const out = makeTensor(x!.dtype, x!.shape);
    const round = rounderFor(x!.dtype);
    broadcastBinary(x!.data, x!.shape, slope!.data, slope!.shape, x!.shape, out.data, (v, s) => (v < 0 ? round(s * v) : v));
    return [out];
  },
  backward: ([x, slope], [y], [dy]) => broadcastGrads(x!, slope!, y!, gradOf(dy, y!), [(v, s) => (v < 0 ? s : 1), (v) => (v < 0 ? v : 0)]),
});

/**
 * Clamps to [min, max]; an absent bound does not clamp. NaN passes through, and when min > max
 * every element becomes max, as the spec and onnxruntime's max-then-min order give.
 */
export const Clip = defineOp({
  type: 'Clip',
  attrs: {},
  inputs: { min: 1, max: 3 },
  outputs: { min: 1, max: 1 },
  inferTypes: ([x, lo, hi], _a, node) => {
    checkDType(node, x!.dtype, 'numeric');
    checkSameDType(node, [x, lo, hi]);
    for (const [bound, what] of [[lo, 'min'], [hi, 'max']] as const) {
      if (bound && bound.shape.reduce((a, b) => a * b, 1) !== 1) throw opError(node, `${what} should be a scalar, got shape [${bound.shape}]`);
    }
    return [{ dtype: x!.dtype, shape: [...x!.shape] }];
  },
  forward: ([x, lo, hi], _a, node) => {
    const min = lo ? scalarOf(lo, node, 'min') : -Infinity;
    const max = hi ? scalarOf(hi, node, 'max') : Infinity;
    return [mapTensor(x!, (v) => {
      const y = v < min ? min : v;
      return y > max ? max : y;
    })];
  },
  // Each output came from x, min or max, as the forward's max-then-min picked; that one gets dy.
  backward: ([x, lo, hi], [y], [dy], _a, node) => {
    const min = lo ? scalarOf(lo, node, 'min') : -Infinity;
    const max = hi ? scalarOf(hi, node, 'max') : Infinity;
    const g = gradOf(dy, y!);
    const dx = makeTensor(x!.dtype, x!.shape);
    let [dmin, dmax] = [0, 0];
    x!.data.forEach((v, i) => {
      if (v >= min && v <= max) dx.data[i] = g.data[i]!;
      else if (v < min && min <= max) dmin += g.data[i]!;
      else dmax += g.data[i]!;
    });
    if (!carriesGrad(x)) return [undefined, undefined, undefined];
    return [dx, lo && gradFrom(lo, [dmin]), hi && gradFrom(hi, [dmax])];
  },
  // int8 lookup table (quant/shared-facets.ts); min and max must be constants.
  emitC: lookupEmitC,
  integer: lookupFacet(({ constants: [, lo, hi], node }) => {
    const min = lo ? scalarOf(lo, node, 'min') : -Infinity;
    const max = hi ? scalarOf(hi, node, 'max') : Infinity;
    return (v) => Math.min(max, Math.max(min, v));
  }),
});

/**
 * The pools. MaxPool and AveragePool: X (N, C, D1, ..., Dk); 1-D and 2-D on the fast kernels, 3-D
 * and up (and MaxPool of float64, int8, uint8, which keeps its dtype) on the N-D reference, in the
 * fp32 engine only: the integer, C and backward facets take 1-D and 2-D. Windows with strides,
 * dilations, explicit pads or auto_pad, ceil_mode; AveragePool's count_include_pad; MaxPool's
 * optional Indices output (int64 flat indices into X, row- or column-major per storage_order).
 * GlobalAveragePool and GlobalMaxPool: X (N, C, D1, ..., Dk) -> (N, C, 1, ..., 1), any spatial rank.
 * Pools do no multiply-accumulate work, so they have no `macs`.
 */
import type { Node } from '../ir/graph.js';
import { makeTensor, sizeOf, type ValueType } from '../ir/tensor.js';
import { averagePool2dForward, globalPoolForward, maxPool2dForward, type Pool2dShape } from '../kernels/pool2d.js';
import { averagePool2dBackward, globalPoolBackward, maxPool2dBackward } from '../kernels/pool2d-backward.js';
import { gradOf } from '../train/op-grads.js';
import { floatData, requireFloat } from './nn-checks.js';
import { attr, defineOp, opError, type OpDef } from './op-def.js';
import { globalAveragePoolEmitC, poolEmitC } from '../codegen/emit-ops/pool.js';
import { requirePlanar, slidingWindow } from './window-geometry.js';
import { averagePoolNdReference, maxPoolNdReference, type WindowNd } from '../kernels/window-nd.js';

/** The lowest float32, which onnxruntime gives a float window that meets no input. */
const LOWEST_FLOAT32 = -3.4028234663852886e38;
import { globalAveragePoolFacet, poolFacet } from '../quant/pool-facet.js';

const windowAttrs = {
  auto_pad: attr.string('NOTSET'),
  ceil_mode: attr.int(0),
  dilations: attr.ints(),
  kernel_shape: attr.ints(),
  pads: attr.ints(),
  strides: attr.ints(),
};

interface PoolAttrs {
  auto_pad: string;
  ceil_mode: number;
  dilations: number[] | undefined;
  kernel_shape: number[] | undefined;
  pads: number[] | undefined;
  strides: number[] | undefined;
}

/** MaxPool's element types beyond float32/float16 (ONNX: double, int8, uint8); max is exact. */
const EXACT_MAX_DTYPES: readonly string[] = ['float64', 'int8', 'uint8'];

/** Output shape and resolved window of a pool over X, for any number of spatial axes. */
function poolWindow(node: Node, x: ValueType, a: PoolAttrs, kind: 'max' | 'average'): { outShape: number[]; planes: number; window: WindowNd } {
  if (!(kind === 'max' && EXACT_MAX_DTYPES.includes(x.dtype))) requireFloat(node, x, 'input X');
  if (x.shape.length < 3) throw opError(node, `input X must be (N, C, D1, ...), found shape [${x.shape.join(', ')}]`);
  if (a.kernel_shape === undefined) throw opError(node, 'attribute kernel_shape is required');
  const [batch, channels] = x.shape as [number, number];
  const inSpatial = x.shape.slice(2);
  const w = slidingWindow(node, inSpatial, {
    kernel: a.kernel_shape,
    strides: a.strides,
    dilations: a.dilations,
    pads: a.pads,
    autoPad: a.auto_pad,
    ceilMode: a.ceil_mode !== 0,
  });
  return { outShape: [batch, channels, ...w.outSize], planes: batch * channels, window: { ...w, inSize: inSpatial } };
}

/** The 1-D/2-D kernel geometry (fast, integer and C kernels); refuses 3 or more spatial axes. */
function poolGeometry(node: Node, x: ValueType, a: PoolAttrs): { outShape: number[]; shape: Pool2dShape } {
  const { outShape, planes, window: w } = poolWindow(node, x, a, 'average');
  const inSpatial = w.inSize;
  requirePlanar(node, inSpatial.length);
  const two = inSpatial.length === 2;
  const first = (list: readonly number[], fallback: number) => (two ? list[0]! : fallback);
  const last = (list: readonly number[]) => list[list.length - 1]!;
  const shape: Pool2dShape = {
    planes,
    inHeight: first(inSpatial, 1),
    inWidth: last(inSpatial),
    outHeight: first(w.outSize, 1),
    outWidth: last(w.outSize),
    kernelHeight: first(w.kernel, 1),
    kernelWidth: last(w.kernel),
    strideHeight: first(w.strides, 1),
    strideWidth: last(w.strides),
    dilationHeight: first(w.dilations, 1),
    dilationWidth: last(w.dilations),
    padTop: first(w.padBegin, 0),
    padLeft: last(w.padBegin),
    padBottom: first(w.padEnd, 0),
    padRight: last(w.padEnd),
  };
  return { outShape, shape };
}

export const MaxPool = defineOp({
  type: 'MaxPool',
  emitC: poolEmitC('max'),
  attrs: { ...windowAttrs, storage_order: attr.int(0) },
  inputs: { min: 1, max: 1 },
  outputs: { min: 1, max: 2 },
  inferTypes([x], a, node) {
    if (a.storage_order !== 0 && a.storage_order !== 1) throw opError(node, `storage_order ${a.storage_order} must be 0 or 1`);
    const { outShape } = poolWindow(node, x!, a, 'max');
    return [
      { dtype: x!.dtype, shape: outShape },
      { dtype: 'int64', shape: outShape },
    ];
  },
  forward([x], a, node) {
    const { outShape, planes, window } = poolWindow(node, x!, a, 'max');
    const y = makeTensor(x!.dtype, outShape);
    // Indices cost a second buffer; compute them only when the node has that output.
    const wantIndices = (node.outputs[1] ?? '') !== '';
    const indices = wantIndices ? makeTensor('int64', outShape) : undefined;
    // 3-D and up, and element types the float kernel would round (float64, int8, uint8): the N-D
    // reference, in the tensor's own storage. A window meeting no input gives the type's lowest.
    if (window.kernel.length > 2 || !(x!.data instanceof Float32Array)) {
      const lowest = x!.dtype === 'int8' ? -128 : x!.dtype === 'uint8' ? 0 : x!.dtype === 'float64' ? -Number.MAX_VALUE : LOWEST_FLOAT32;
      maxPoolNdReference(y.data, indices?.data as Float64Array | undefined, x!.data, planes, window, lowest, a.storage_order === 1);
      return indices ? [y, indices] : [y];
    }
    const { shape } = poolGeometry(node, x!, a);
    maxPool2dForward(y.data as Float32Array, indices?.data as Float64Array | undefined, floatData(x!), shape, a.storage_order === 1);
    return indices ? [y, indices] : [y];
  },
  // Each window's gradient goes to its first maximum; Indices (int64) carry none.
  backward([x], [y], [dy], a, node) {
    const dx = makeTensor(x!.dtype, x!.shape);
    maxPool2dBackward(dx.data as Float32Array, floatData(gradOf(dy, y!)), floatData(x!), poolGeometry(node, x!, a).shape);
    return [dx];
  },
  // Integer: the input's qparams, max of each window (quant/pool-facet.ts).
  integer: poolFacet<PoolAttrs & { storage_order: number }>('max', (node, x, a) => poolGeometry(node, x, a).shape),
});

export const AveragePool = defineOp({
  type: 'AveragePool',
  emitC: poolEmitC('average'),
  attrs: { ...windowAttrs, count_include_pad: attr.int(0) },
  inputs: { min: 1, max: 1 },
  outputs: { min: 1, max: 1 },
  inferTypes([x], a, node) {
    return [{ dtype: x!.dtype, shape: poolWindow(node, x!, a, 'average').outShape }];
  },
  forward([x], a, node) {
    const { outShape, planes, window } = poolWindow(node, x!, a, 'average');
    const y = makeTensor(x!.dtype, outShape);
    if (window.kernel.length > 2) {
      averagePoolNdReference(y.data as Float32Array, floatData(x!), planes, window, a.count_include_pad !== 0);
      return [y];
    }
    const { shape } = poolGeometry(node, x!, a);
    averagePool2dForward(y.data as Float32Array, floatData(x!), shape, a.count_include_pad !== 0);
    return [y];
  },
  backward([x], [y], [dy], a, node) {
    const dx = makeTensor(x!.dtype, x!.shape);
    averagePool2dBackward(dx.data as Float32Array, floatData(gradOf(dy, y!)), poolGeometry(node, x!, a).shape, a.count_include_pad !== 0);
    return [dx];
  },
  // Integer: the input's qparams, rounded integer mean of each window (quant/pool-facet.ts).
  integer: poolFacet<PoolAttrs & { count_include_pad: number }>('average', (node, x, a) => poolGeometry(node, x, a).shape),
});

function globalShape(node: Node, x: ValueType): number[] {
  requireFloat(node, x, 'input X');
  if (x.shape.length < 3) throw opError(node, `input X must be (N, C, D1, ...), found shape [${x.shape.join(', ')}]`);
  return [x.shape[0]!, x.shape[1]!, ...x.shape.slice(2).map(() => 1)];
}

function globalPool(type: string, kind: 'average' | 'max'): OpDef {
  return defineOp({
    type,
    attrs: {},
    inputs: { min: 1, max: 1 },
    outputs: { min: 1, max: 1 },
    inferTypes: ([x], _a, node) => [{ dtype: x!.dtype, shape: globalShape(node, x!) }],
    forward([x], _a, node) {
      const shape = globalShape(node, x!);
      const y = makeTensor(x!.dtype, shape);
      const planes = x!.shape[0]! * x!.shape[1]!;
      globalPoolForward(y.data as Float32Array, floatData(x!), planes, sizeOf(x!.shape.slice(2)), kind);
      return [y];
    },
    backward([x], [y], [dy]) {
      const dx = makeTensor(x!.dtype, x!.shape);
      const planes = x!.shape[0]! * x!.shape[1]!;
      globalPoolBackward(dx.data as Float32Array, floatData(gradOf(dy, y!)), floatData(x!), planes, sizeOf(x!.shape.slice(2)), kind);
      return [dx];
    },
  });
}

// Integer: the input's qparams, rounded integer mean of each plane (quant/pool-facet.ts).
export const GlobalAveragePool = { ...globalPool('GlobalAveragePool', 'average'), integer: globalAveragePoolFacet, emitC: globalAveragePoolEmitC };
export const GlobalMaxPool = globalPool('GlobalMaxPool', 'max');

/**
 * Conv: X (N, C, D1, ..., Dk), W (M, C/group, k1, ..., kk), optional B (M). Groups (depthwise
 * included), strides, dilations, explicit pads and every auto_pad. 1-D and 2-D run on the fast
 * kernels (1-D as 2-D of height 1), 3-D and up on the N-D reference in the fp32 engine only.
 * MACs: output elements x C/group x kernel size (the MLPerf Tiny convention).
 */
import type { Node } from '../ir/graph.js';
import { makeTensor, sizeOf, uninitializedFloat32, type Tensor, type ValueType } from '../ir/tensor.js';
import { activationBounds, applyActivation } from '../engine/fused-activation.js';
import { wasmConv2dBackwardWeight, wasmConv2dForward } from '../kernels/wasm/conv2d-wasm.js';
import { conv2dForward, type Conv2dShape } from '../kernels/conv2d.js';
import { convNdReference } from '../kernels/window-nd.js';
import { channelBiasBackward, conv2dBackwardInput, conv2dBackwardWeight } from '../kernels/conv2d-backward.js';
import { gradOf } from '../train/op-grads.js';
import { convInt, type ConvIntGeometry } from '../kernels/int/conv-int.js';
import { constantInput, intRequantOf, lowerWeighted } from '../quant/weighted-layer.js';
import { convEmitC } from '../codegen/emit-ops/weighted.js';
import { floatData, requireFloat, requireVector } from './nn-checks.js';
import { attr, defineOp, opError } from './op-def.js';
import { checkKernelShape, conv2dShapeOf, slidingWindow, type Window } from './window-geometry.js';

const convAttrs = {
  auto_pad: attr.string('NOTSET'),
  dilations: attr.ints(),
  group: attr.int(1),
  kernel_shape: attr.ints(),
  pads: attr.ints(),
  strides: attr.ints(),
};
type ConvAttrs = { [K in keyof typeof convAttrs]: (typeof convAttrs)[K]['default'] };

export interface ConvGeometry {
  window: Window;
  outShape: number[];
  kernel: Conv2dShape;
}

/** Checks the operands and resolves the window, for any number of spatial axes. */
function convWindow(node: Node, x: ValueType, w: ValueType, b: ValueType | undefined, a: ConvAttrs) {
  requireFloat(node, x, 'input X');
  requireFloat(node, w, 'weight W');
  if (x.shape.length < 3) throw opError(node, `input X must be (N, C, D1, ...), found shape [${x.shape.join(', ')}]`);
  if (w.shape.length !== x.shape.length) {
    throw opError(node, `weight W has rank ${w.shape.length}, input X has rank ${x.shape.length}`);
  }
  const [batch, channels] = x.shape as [number, number];
  const [outChannels, groupChannels] = w.shape as [number, number];
  const group = a.group;
  if (!Number.isInteger(group) || group < 1 || channels % group !== 0 || outChannels % group !== 0) {
    throw opError(node, `group ${group} must divide input channels (${channels}) and output channels (${outChannels})`);
  }
  if (groupChannels * group !== channels) {
    throw opError(node, `weight W expects ${groupChannels * group} input channels (${groupChannels} x group ${group}), input X has ${channels}`);
  }
  if (b) {
    requireFloat(node, b, 'bias B');
    requireVector(node, b, outChannels, 'bias B');
  }
  const kernel = w.shape.slice(2);
  checkKernelShape(node, a.kernel_shape, kernel);
  const inSpatial = x.shape.slice(2);
  const window = slidingWindow(node, inSpatial, {
    kernel,
    strides: a.strides,
    dilations: a.dilations,
    pads: a.pads,
    autoPad: a.auto_pad,
  });
  return { window, outShape: [batch, outChannels, ...window.outSize], dims: { batch, inChannels: channels, outChannels, groups: group } };
}

/** The 1-D/2-D kernel shape of a resolved window; refuses 3 or more spatial axes. */
function kernelShape(node: Node, x: ValueType, { window, dims }: ReturnType<typeof convWindow>): Conv2dShape {
  return conv2dShapeOf(node, dims.batch, dims.inChannels, dims.outChannels, x.shape.slice(2), window, dims.groups);
}

/** The 1-D/2-D geometry of the fast, integer and C kernels; refuses 3 or more spatial axes. */
function convGeometry(node: Node, x: ValueType, w: ValueType, b: ValueType | undefined, a: ConvAttrs): ConvGeometry {
  const resolved = convWindow(node, x, w, b, a);
  return { window: resolved.window, outShape: resolved.outShape, kernel: kernelShape(node, x, resolved) };
}

/**
 * A fresh output of `shape` = clamp(conv + bias [+ residual]) on the WebAssembly kernels, which
 * write every element (so a float32 output is not cleared first); undefined when they do not take it.
 */
function wasmConv(
  [x, w, b]: (Tensor | undefined)[], s: Conv2dShape, shape: number[], bounds: readonly [number, number], residual?: Tensor,
): Tensor | undefined {
  const out = x!.dtype === 'float32' ? uninitializedFloat32(shape) : makeTensor(x!.dtype, shape);
  const ok = wasmConv2dForward(out.data as Float32Array, floatData(x!), floatData(w!), b && floatData(b), s, bounds, residual?.data as Float32Array | undefined);
  return ok ? out : undefined;
}

export const Conv = defineOp({
  type: 'Conv',
  attrs: convAttrs,
  inputs: { min: 2, max: 3 },
  outputs: { min: 1, max: 1 },
  inferTypes([x, w, b], a, node) {
    return [{ dtype: x!.dtype, shape: convWindow(node, x!, w!, b, a).outShape }];
  },
  forward(inputs, a, node) {
    const [x, w, b] = inputs;
    const resolved = convWindow(node, x!, w!, b, a);
    const { window, outShape, dims } = resolved;
    const activated = (t: Tensor) => [node.activation ? applyActivation(t, node.activation) : t];
    if (window.kernel.length > 2) {
      const out = makeTensor(x!.dtype, outShape);
      convNdReference(out.data as Float32Array, floatData(x!), floatData(w!), b && floatData(b), dims, { ...window, inSize: x!.shape.slice(2) });
      return activated(out);
    }
    const kernel = kernelShape(node, x!, resolved);
    // The WebAssembly kernel clamps by the fused activation in its own pass (appliesActivation).
    const fast = wasmConv(inputs, kernel, outShape, activationBounds(node.activation));
    if (fast) return [fast];
    const out = makeTensor(x!.dtype, outShape);
    conv2dForward(out.data as Float32Array, floatData(x!), floatData(w!), b && floatData(b), kernel);
    return activated(out);
  },
  appliesActivation: true,
  // Both in the kernel's pass over each image's output (wasm/src/elementwise.c add_residual).
  forwardWithResidual(inputs, a, node, residual, activation) {
    const [x, w, b] = inputs;
    if (x!.dtype !== 'float32' || residual.dtype !== 'float32' || node.activation) return undefined;
    const resolved = convWindow(node, x!, w!, b, a);
    const { window, outShape } = resolved;
    if (window.kernel.length > 2 || outShape.length !== residual.shape.length || outShape.some((d, i) => d !== residual.shape[i])) return undefined;
    return wasmConv(inputs, kernelShape(node, x!, resolved), outShape, activationBounds(activation), residual);
  },
  // dX is the ConvTranspose of dY, dW the correlation of dY with X, dB the sum of dY per channel.
  backward([x, w, b], [y], [dy], a, node, wants) {
    const s = convGeometry(node, x!, w!, b, a).kernel;
    const g = floatData(gradOf(dy, y!));
    const dx = wants?.[0] === false ? undefined : makeTensor(x!.dtype, x!.shape);
    const dw = wants?.[1] === false ? undefined : makeTensor(w!.dtype, w!.shape);
    const db = !b || wants?.[2] === false ? undefined : makeTensor(b.dtype, b.shape);
    if (dx) conv2dBackwardInput(dx.data as Float32Array, g, floatData(w!), s);
    // The WebAssembly kernel sums the bias gradient in the weight gradient's pass.
    if (dw && db && wasmConv2dBackwardWeight(dw.data as Float32Array, g, floatData(x!), s, db.data as Float32Array)) return [dx, dw, db];
    if (dw) conv2dBackwardWeight(dw.data as Float32Array, g, floatData(x!), s);
    if (db) channelBiasBackward(db.data as Float32Array, g, s.batch, s.outChannels, s.outHeight * s.outWidth);
    return [dx, dw, db];
  },
  macs([, w], [y]) {
    // Per output element: one MAC per weight of one filter, (C/group) x prod(kernel).
    return sizeOf(y!.shape) * sizeOf(w!.shape.slice(1));
  },
  /**
   * Integer Conv (kernels/int/conv-int.ts convInt; batch 1). Weights [Cout, Cin/group, kh, kw]
   * per output channel; bias, requant per channel; clamp = fused activation. params: the common
   * ones of quant/weighted-layer.ts plus the geometry (1-D lifted to 2-D, height 1): inChannels,
   * inHeight, inWidth, outChannels, outHeight, outWidth, kernelHeight, kernelWidth, strideHeight,
   * strideWidth, dilationHeight, dilationWidth, padTop, padLeft, group.
   */
  integer: {
    lower(ctx) {
      const w = constantInput(ctx, 1, 'weight W');
      const x = ctx.inputs[0];
      if (!x || x.shape[0] !== 1) throw opError(ctx.node, 'the integer pipeline needs an activation input X of batch 1');
      const b = ctx.constants[2];
      if (ctx.node.inputs[2] && !b) throw opError(ctx.node, 'bias B must be a constant to be quantized');
      const { kernel } = convGeometry(ctx.node, { dtype: 'float32', shape: x.shape }, w, b, ctx.attrs);
      const layer = lowerWeighted(ctx, w.data, [...w.shape], kernel.outChannels, b?.data);
      const { batch: _batch, groups, ...geometry } = kernel;
      return { ...layer, params: { ...layer.params, ...geometry, group: groups } };
    },
    run(layer, [x], { outputs }) {
      const p = layer.params as Record<string, number>;
      const out = outputs[0]!.type === 'int16' ? new Int16Array(sizeOf(outputs[0]!.shape)) : new Int8Array(sizeOf(outputs[0]!.shape));
      convInt(out, x!, layer.weights!.values, layer.bias, p as unknown as ConvIntGeometry, intRequantOf(layer));
      return [out];
    },
  },
  // C: generic, depthwise and 1x1 paths over the same params (codegen/emit-ops/weighted.ts).
  emitC: convEmitC,
});

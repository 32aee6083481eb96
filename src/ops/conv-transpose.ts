/**
 * ConvTranspose: X (N, C, D1, ..., Dk), W (C, M/group, k1, ..., kk), optional B (M); 1-D and 2-D
 * on the fast kernels, 3-D and up on the N-D reference (fp32 engine only). Output
 * size per axis: stride*(in-1) + output_padding + (k-1)*dilation + 1 - pad_begin - pad_end, unless
 * output_shape (or auto_pad SAME_*, giving in*stride) fixes it and the pads follow from it.
 * MACs: input elements x M/group x kernel size (each input scatters through one filter slice).
 */
import type { Node } from '../ir/graph.js';
import { makeTensor, sizeOf, type ValueType } from '../ir/tensor.js';
import { convTranspose2dForward, type ConvTranspose2dShape } from '../kernels/conv-transpose2d.js';
import { conv2dForward } from '../kernels/conv2d.js';
import { convTransposeNdReference } from '../kernels/window-nd.js';
import { channelBiasBackward, conv2dBackwardWeight, swapConvShape } from '../kernels/conv2d-backward.js';
import { gradOf } from '../train/op-grads.js';
import { floatData, requireFloat, requireVector } from './nn-checks.js';
import { attr, defineOp, opError } from './op-def.js';
import { checkKernelShape, conv2dShapeOf, dilatedExtent, parseAutoPad, perAxis, splitPads, type Window } from './window-geometry.js';

const convTransposeAttrs = {
  auto_pad: attr.string('NOTSET'),
  dilations: attr.ints(),
  group: attr.int(1),
  kernel_shape: attr.ints(),
  output_padding: attr.ints(),
  output_shape: attr.ints(),
  pads: attr.ints(),
  strides: attr.ints(),
};
type ConvTransposeAttrs = { [K in keyof typeof convTransposeAttrs]: (typeof convTransposeAttrs)[K]['default'] };

/** The window seen from the output side: outSize is the ConvTranspose output. */
function transposeWindow(node: Node, inSpatial: readonly number[], kernelIn: readonly number[], a: ConvTransposeAttrs): Window {
  const rank = inSpatial.length;
  const kernel = perAxis(node, 'kernel_shape', kernelIn, rank);
  const strides = perAxis(node, 'strides', a.strides, rank);
  const dilations = perAxis(node, 'dilations', a.dilations, rank);
  const autoPad = parseAutoPad(node, a.auto_pad);
  const outputPadding = a.output_padding ?? new Array<number>(rank).fill(0);
  if (outputPadding.length !== rank || outputPadding.some((p) => !Number.isInteger(p) || p < 0)) {
    throw opError(node, `output_padding [${outputPadding.join(', ')}] must be ${rank} non-negative integers`);
  }
  // output_shape may list only the spatial sizes or, as some exporters write, the full shape.
  const requested = a.output_shape?.slice(-rank);
  if (requested && (requested.length !== rank || requested.some((d) => !Number.isInteger(d) || d < 1))) {
    throw opError(node, `output_shape [${a.output_shape!.join(', ')}] must give ${rank} positive spatial sizes`);
  }
  const [padBegin, padEnd] = splitPads(node, autoPad === 'NOTSET' ? a.pads : undefined, rank);
  const outSize: number[] = [];
  for (let i = 0; i < rank; i++) {
    const full = strides[i]! * (inSpatial[i]! - 1) + outputPadding[i]! + dilatedExtent(kernel[i]!, dilations[i]!);
    let target = requested?.[i];
    if (target === undefined && (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER')) target = inSpatial[i]! * strides[i]!;
    if (target === undefined) {
      outSize.push(full - padBegin[i]! - padEnd[i]!);
      continue;
    }
    // The pads that trim the full output to the target: the odd one goes at the end for
    // SAME_UPPER and at the beginning otherwise (ONNX ConvTranspose spec, onnxruntime agrees).
    // A target past the full output (output_shape may ask for up to stride-1 extra) pads nothing:
    // the extra rows at the end receive no input, only the bias.
    const total = Math.max(0, full - target);
    const small = Math.floor(total / 2);
    padBegin[i] = autoPad === 'SAME_UPPER' ? small : total - small;
    padEnd[i] = total - padBegin[i]!;
    outSize.push(target);
  }
  for (const [i, d] of outSize.entries()) {
    if (d < 1) throw opError(node, `output size ${d} on spatial axis ${i} is not positive (pads too large?)`);
  }
  return { kernel, strides, dilations, padBegin, padEnd, outSize };
}

function geometry(node: Node, x: ValueType, w: ValueType, b: ValueType | undefined, a: ConvTransposeAttrs) {
  requireFloat(node, x, 'input X');
  requireFloat(node, w, 'weight W');
  if (x.shape.length < 3) throw opError(node, `input X must be (N, C, D1, ...), found shape [${x.shape.join(', ')}]`);
  if (w.shape.length !== x.shape.length) {
    throw opError(node, `weight W has rank ${w.shape.length}, input X has rank ${x.shape.length}`);
  }
  const [batch, channels] = x.shape as [number, number];
  const group = a.group;
  if (!Number.isInteger(group) || group < 1 || channels % group !== 0) {
    throw opError(node, `group ${group} must divide the input channels (${channels})`);
  }
  if (w.shape[0] !== channels) {
    throw opError(node, `weight W has ${w.shape[0]} input channels, input X has ${channels}`);
  }
  const outChannels = w.shape[1]! * group;
  if (b) {
    requireFloat(node, b, 'bias B');
    requireVector(node, b, outChannels, 'bias B');
  }
  const kernel = w.shape.slice(2);
  checkKernelShape(node, a.kernel_shape, kernel);
  const inSpatial = x.shape.slice(2);
  const window = transposeWindow(node, inSpatial, kernel, a);
  const dims = { batch, inChannels: channels, outChannels, groups: group };
  // The 1-D/2-D kernels' geometry, asked for only on their path (it refuses 3-D and up).
  const planar = (): ConvTranspose2dShape => conv2dShapeOf(node, batch, channels, outChannels, inSpatial, window, group);
  return { outShape: [batch, outChannels, ...window.outSize], window: { ...window, inSize: inSpatial }, dims, planar };
}

export const ConvTranspose = defineOp({
  type: 'ConvTranspose',
  attrs: convTransposeAttrs,
  inputs: { min: 2, max: 3 },
  outputs: { min: 1, max: 1 },
  inferTypes([x, w, b], a, node) {
    return [{ dtype: x!.dtype, shape: geometry(node, x!, w!, b, a).outShape }];
  },
  forward([x, w, b], a, node) {
    const g = geometry(node, x!, w!, b, a);
    const out = makeTensor(x!.dtype, g.outShape);
    if (g.window.kernel.length > 2) convTransposeNdReference(out.data as Float32Array, floatData(x!), floatData(w!), b && floatData(b), g.dims, g.window);
    else convTranspose2dForward(out.data as Float32Array, floatData(x!), floatData(w!), b && floatData(b), g.planar());
    return [out];
  },
  // The adjoint of a Conv: dX is the Conv of dY with W, dW the Conv weight gradient with X and dY
  // exchanged, dB the sum of dY per channel.
  backward([x, w, b], [y], [dy], a, node, wants) {
    const s = geometry(node, x!, w!, b, a).planar();
    const asConv = swapConvShape(s);
    const g = floatData(gradOf(dy, y!));
    const dx = wants?.[0] === false ? undefined : makeTensor(x!.dtype, x!.shape);
    const dw = wants?.[1] === false ? undefined : makeTensor(w!.dtype, w!.shape);
    const db = !b || wants?.[2] === false ? undefined : makeTensor(b.dtype, b.shape);
    if (dx) conv2dForward(dx.data as Float32Array, g, floatData(w!), undefined, asConv);
    if (dw) conv2dBackwardWeight(dw.data as Float32Array, floatData(x!), g, asConv);
    if (db) channelBiasBackward(db.data as Float32Array, g, s.batch, s.outChannels, s.outHeight * s.outWidth);
    return [dx, dw, db];
  },
  macs([x, w]) {
    // Every input element meets (M/group) x prod(kernel) weights: W is (C, M/group, k...).
    return sizeOf(x!.shape) * sizeOf(w!.shape.slice(1));
  },
});

/**
 * Sliding-window arithmetic shared by Conv, ConvTranspose, MaxPool and AveragePool: the explicit
 * pads that `auto_pad` implies and the output size (with `ceil_mode` for the pools), following the
 * formulas of the ONNX operator spec, for any number of spatial axes, and the mapping of a 1-D or
 * 2-D window onto the 2-D kernels' shape structs. Everything here is per spatial axis; ops
 * validate their own channel dimensions.
 */
import type { Node } from '../ir/graph.js';
import type { Conv2dShape } from '../kernels/conv2d.js';
import { opError } from './op-def.js';

export type AutoPad = 'NOTSET' | 'SAME_UPPER' | 'SAME_LOWER' | 'VALID';

/** The window attributes as a node carries them (absent lists take ONNX's defaults). */
export interface WindowAttrs {
  kernel: readonly number[];
  strides: readonly number[] | undefined;
  dilations: readonly number[] | undefined;
  /** [x1_begin, x2_begin, ..., x1_end, x2_end, ...], as ONNX orders them. */
  pads: readonly number[] | undefined;
  autoPad: string;
  /** Pools only: round the output size up, dropping windows that start in the end padding. */
  ceilMode?: boolean;
}

/** A fully resolved window: every list has one entry per spatial axis. */
export interface Window {
  kernel: number[];
  strides: number[];
  dilations: number[];
  padBegin: number[];
  padEnd: number[];
  outSize: number[];
}

export function parseAutoPad(node: Node, value: string): AutoPad {
  if (value === 'NOTSET' || value === 'SAME_UPPER' || value === 'SAME_LOWER' || value === 'VALID') return value;
  throw opError(node, `auto_pad "${value}" is not one of NOTSET, SAME_UPPER, SAME_LOWER, VALID`);
}

/** A per-axis attribute list: checked for length and positivity, defaulting to all ones. */
export function perAxis(node: Node, name: string, list: readonly number[] | undefined, rank: number): number[] {
  if (list === undefined) return new Array<number>(rank).fill(1);
  if (list.length !== rank) throw opError(node, `${name} has ${list.length} values, the input has ${rank} spatial axes`);
  for (const v of list) if (!Number.isInteger(v) || v < 1) throw opError(node, `${name} [${list.join(', ')}] must be positive integers`);
  return [...list];
}

/** Explicit pads split into begin and end halves, checked for length and sign. */
export function splitPads(node: Node, pads: readonly number[] | undefined, rank: number): [number[], number[]] {
  if (pads === undefined) return [new Array<number>(rank).fill(0), new Array<number>(rank).fill(0)];
  if (pads.length !== 2 * rank) throw opError(node, `pads has ${pads.length} values, expected ${2 * rank} (begin and end per axis)`);
  for (const p of pads) if (!Number.isInteger(p) || p < 0) throw opError(node, `pads [${pads.join(', ')}] must be non-negative integers`);
  return [pads.slice(0, rank), pads.slice(rank)];
}

/** Span of a dilated kernel: (k - 1) * d + 1. */
export function dilatedExtent(kernel: number, dilation: number): number {
  return (kernel - 1) * dilation + 1;
}

/**
 * Resolves the window of a Conv or pool over input spatial sizes `inSize`. SAME_* pads so that
 * out = ceil(in / stride), putting the odd pad at the end (UPPER) or the beginning (LOWER);
 * VALID pads nothing. Throws when the (padded) input is smaller than the dilated kernel.
 */
export function slidingWindow(node: Node, inSize: readonly number[], a: WindowAttrs): Window {
  const rank = inSize.length;
  const kernel = perAxis(node, 'kernel_shape', a.kernel, rank);
  const strides = perAxis(node, 'strides', a.strides, rank);
  const dilations = perAxis(node, 'dilations', a.dilations, rank);
  const autoPad = parseAutoPad(node, a.autoPad);
  const [padBegin, padEnd] = splitPads(node, autoPad === 'NOTSET' ? a.pads : undefined, rank);
  const outSize: number[] = [];

  for (let i = 0; i < rank; i++) {
    const inLen = inSize[i]!;
    const extent = dilatedExtent(kernel[i]!, dilations[i]!);
    const stride = strides[i]!;
    if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
      const out = Math.ceil(inLen / stride);
      const total = Math.max(0, (out - 1) * stride + extent - inLen);
      const small = Math.floor(total / 2);
      padBegin[i] = autoPad === 'SAME_UPPER' ? small : total - small;
      padEnd[i] = total - padBegin[i]!;
      outSize.push(out);
      continue;
    }
    const span = inLen + padBegin[i]! + padEnd[i]! - extent;
    if (span < 0) {
      throw opError(node, `kernel of extent ${extent} on axis ${i} is larger than the padded input (${inLen + padBegin[i]! + padEnd[i]!})`);
    }
    let out = (a.ceilMode ? Math.ceil(span / stride) : Math.floor(span / stride)) + 1;
    // ceil_mode may add a window that would start in the end padding; ONNX drops it.
    if (a.ceilMode && (out - 1) * stride >= inLen + padBegin[i]!) out--;
    outSize.push(out);
  }
  return { kernel, strides, dilations, padBegin, padEnd, outSize };
}

/**
 * The kernel geometry of a 1-D or 2-D conv-like op, 1-D lifted to 2-D with height 1. `inSpatial`
 * and the window are the op's own (one or two axes). Three or more spatial axes run only in the
 * fp32 engine's N-D reference (kernels/window-nd.ts): what needs this 2-D form (the integer
 * pipeline, C, training) refuses them here, naming the node.
 */
export function conv2dShapeOf(
  node: Node,
  batch: number,
  inChannels: number,
  outChannels: number,
  inSpatial: readonly number[],
  w: Window,
  groups: number,
): Conv2dShape {
  requirePlanar(node, inSpatial.length);
  const two = inSpatial.length === 2;
  const at = (list: readonly number[], fallback: number) => (two ? list[0]! : fallback);
  const last = (list: readonly number[]) => list[list.length - 1]!;
  return {
    batch,
    inChannels,
    inHeight: at(inSpatial, 1),
    inWidth: last(inSpatial),
    outChannels,
    outHeight: at(w.outSize, 1),
    outWidth: last(w.outSize),
    kernelHeight: at(w.kernel, 1),
    kernelWidth: last(w.kernel),
    strideHeight: at(w.strides, 1),
    strideWidth: last(w.strides),
    dilationHeight: at(w.dilations, 1),
    dilationWidth: last(w.dilations),
    padTop: at(w.padBegin, 0),
    padLeft: last(w.padBegin),
    groups,
  };
}

/** Throws for a window of 3 or more spatial axes where only the 1-D/2-D kernels exist. */
export function requirePlanar(node: Node, spatialRank: number): void {
  if (spatialRank > 2) {
    throw opError(node, `${spatialRank}-D windows run only in the fp32 engine; quantization, C and training take 1-D and 2-D`);
  }
}

/** Checks a kernel_shape attribute, when present, against the weight's spatial dimensions. */
export function checkKernelShape(node: Node, given: readonly number[] | undefined, fromWeight: readonly number[]): void {
  if (given !== undefined && (given.length !== fromWeight.length || given.some((k, i) => k !== fromWeight[i]))) {
    throw opError(node, `kernel_shape [${given.join(', ')}] does not match the weight's [${fromWeight.join(', ')}]`);
  }
}

/**
 * C emission of the elementwise and data-movement layers: Add and Mul with rescaling and numpy
 * broadcasting, lookup-table activations, Softmax, the pools, copies (Reshape, Flatten, Squeeze,
 * Unsqueeze: free when the planner lets them share their input's bytes), Transpose and Concat.
 * Each reads the params its integer facet writes (quant/shared-facets.ts, quant/pool-facet.ts,
 * quant/layout-facets.ts) and calls csrc/edgec_{elementwise,pool,layout,softmax}.c.
 */
import { InternalError, ModelError } from '../../errors.js';
import { sizeOf } from '../../ir/tensor.js';
import type { QLayer, QTensor } from '../../quant/qmodel.js';
import type { CEmitFacet, CLayerContext } from '../c-facet.js';
import { cStructInit } from '../c-format.js';

const MAX_RANK = 6;
const TYPE_RANGE = { int8: [-128, 127], int16: [-32768, 32767] } as const;

export function num(layer: QLayer, name: string): number {
  const v = layer.params?.[name];
  if (typeof v !== 'number') throw new InternalError(`C emitter: layer "${layer.op}" has no numeric param "${name}"`);
  return v;
}

export const is16 = (t: QTensor) => (t.type === 'int16' ? 1 : 0);

/** The layer's clamp, defaulting to its output type's range. */
export function clampOf(ctx: CLayerContext): [number, number] {
  const [lo, hi] = TYPE_RANGE[ctx.outputs[0]!.type];
  return ctx.layer.clamp ?? [lo, hi];
}

/** Output shape padded to `rank`, and each input's element strides per output dim (0: broadcast). */
function broadcastStrides(input: readonly number[], out: readonly number[]): number[] {
  const padded = [...new Array<number>(out.length - input.length).fill(1), ...input];
  const strides = new Array<number>(out.length).fill(0);
  let stride = 1;
  for (let a = out.length - 1; a >= 0; a--) {
    strides[a] = padded[a] === 1 && out[a] !== 1 ? 0 : stride;
    stride *= padded[a]!;
  }
  return strides;
}

function broadcastStruct(ctx: CLayerContext): string {
  const out = ctx.outputs[0]!.shape;
  if (out.length > MAX_RANK) throw new ModelError(`layer ${ctx.layer.op}: rank ${out.length} is above the C kernels' ${MAX_RANK}`);
  const pad = (list: number[], fill: number) => [...list, ...new Array<number>(MAX_RANK - list.length).fill(fill)];
  const array = (list: number[]) => `{ ${list.join(', ')} }`;
  return ctx.constStruct('shape', 'edgec_broadcast', cStructInit({
    rank: out.length,
    shape: array(pad(out.length ? [...out] : [1], 1)),
    strides1: array(pad(broadcastStrides(ctx.inputs[0]!.shape, out), 0)),
    strides2: array(pad(broadcastStrides(ctx.inputs[1]!.shape, out), 0)),
    in1_is16: is16(ctx.inputs[0]!), in2_is16: is16(ctx.inputs[1]!), out_is16: is16(ctx.outputs[0]!),
  }));
}

export function binaryEmitC(kind: 'add' | 'mul'): CEmitFacet {
  return {
    kernels: ['elementwise'],
    inPlace: 'overwrite',
    emit(ctx) {
      const p = (n: string) => num(ctx.layer, n);
      const [lo, hi] = clampOf(ctx);
      const common = { in1_offset: p('input1Offset'), in2_offset: p('input2Offset') };
      const output = { out_mult: p('outputMultiplier'), out_shift: p('outputShift'), out_offset: p('outputOffset'), act_min: lo, act_max: hi };
      const params = kind === 'add'
        ? ctx.constStruct('params', 'edgec_add_params', cStructInit({
          left_shift: p('leftShift'),
          in1_offset: common.in1_offset, in1_mult: p('input1Multiplier'), in1_shift: p('input1Shift'),
          in2_offset: common.in2_offset, in2_mult: p('input2Multiplier'), in2_shift: p('input2Shift'),
          ...output,
        }))
        : ctx.constStruct('params', 'edgec_mul_params', cStructInit({ ...common, ...output }));
      return `edgec_${kind}(&${broadcastStruct(ctx)}, &${params}, ${ctx.input(0)}, ${ctx.input(1)}, ${ctx.output(0)});`;
    },
  };
}

export const lookupEmitC: CEmitFacet = {
  kernels: ['elementwise'],
  inPlace: 'overwrite',
  emit(ctx) {
    const table = ctx.layer.params?.table;
    if (!(table instanceof Int8Array) || table.length !== 256) throw new InternalError('C emitter: lookup layer without a 256-entry int8 table');
    return `edgec_lookup_s8(${sizeOf(ctx.inputs[0]!.shape)}, ${ctx.constArray('table', 'int8_t', table)}, ${ctx.input(0)}, ${ctx.output(0)});`;
  },
};

export const softmaxEmitC: CEmitFacet = {
  kernels: ['softmax'],
  emit(ctx) {
    const table = ctx.layer.params?.expTable;
    if (!(table instanceof Int32Array)) throw new InternalError('C emitter: softmax layer without its exp table');
    const p = (n: string) => num(ctx.layer, n);
    return `edgec_softmax_s8(${p('outer')}, ${p('length')}, ${p('inner')}, ${ctx.constArray('exp_table', 'int32_t', table)}, ${ctx.input(0)}, ${ctx.output(0)});`;
  },
};

/** A layer whose clamp is its output type's whole range changes no value. */
function clampIsNoop(layer: QLayer, out: QTensor): boolean {
  const [lo, hi] = TYPE_RANGE[out.type];
  return !layer.clamp || (layer.clamp[0] <= lo && layer.clamp[1] >= hi);
}

/** Reshape, Flatten, Squeeze, Unsqueeze: same bytes; a view unless a fused activation clamps. */
export const copyEmitC: CEmitFacet = {
  kernels: ['layout'],
  inPlace: (layer, inputs, outputs) => (clampIsNoop(layer, outputs[0]!) && inputs[0]!.type === outputs[0]!.type ? 'view' : 'overwrite'),
  emit(ctx) {
    if (ctx.sameBuffer(0, 0) && clampIsNoop(ctx.layer, ctx.outputs[0]!)) return '/* a view: the output shares the input bytes */';
    const size = sizeOf(ctx.outputs[0]!.shape);
    const [lo, hi] = clampOf(ctx);
    if (ctx.inputs[0]!.type !== ctx.outputs[0]!.type) throw new InternalError('C emitter: a copy layer changes the activation type');
    return `edgec_copy_block(1, ${size}, ${size}, 0, ${is16(ctx.outputs[0]!)}, ${lo}, ${hi}, ${ctx.input(0)}, ${ctx.output(0)});`;
  },
};

export const transposeEmitC: CEmitFacet = {
  kernels: ['layout'],
  emit(ctx) {
    const perm = ctx.layer.params?.perm;
    if (!(perm instanceof Int32Array)) throw new InternalError('C emitter: transpose layer without perm');
    const shape = ctx.inputs[0]!.shape;
    if (shape.length > MAX_RANK) throw new ModelError(`Transpose of rank ${shape.length} is above the C kernels' ${MAX_RANK}`);
    const strides = shape.map((_, a) => sizeOf(shape.slice(a + 1)));
    const outShape = Array.from(perm, (p) => shape[p]!);
    const permuted = Array.from(perm, (p) => strides[p]!);
    const dims = ctx.constArray('out_shape', 'int32_t', outShape.length ? outShape : [1]);
    const steps = ctx.constArray('in_strides', 'int32_t', permuted.length ? permuted : [1]);
    return `edgec_transpose(${Math.max(1, outShape.length)}, ${dims}, ${steps}, ${is16(ctx.inputs[0]!)}, ${ctx.input(0)}, ${ctx.output(0)});`;
  },
};

export const concatEmitC: CEmitFacet = {
  kernels: ['layout'],
  emit(ctx) {
    const p = (n: string) => num(ctx.layer, n);
    const [lo, hi] = clampOf(ctx);
    const outer = p('outer');
    const blocks = ctx.inputs.map((_, k) => p(`block${k}`));
    const total = blocks.reduce((a, b) => a + b, 0);
    let start = 0;
    const out = ctx.output(0);
    const outIs16 = is16(ctx.outputs[0]!);
    return ctx.inputs.map((t, k) => {
      const at = start;
      start += blocks[k]!;
      if (ctx.layer.params?.[`rescale${k}`]) {
        const r = [p(`inputOffset${k}`), p(`multiplier${k}`), p(`shift${k}`), p('outputOffset'), lo, hi];
        return `edgec_rescale_block(${outer}, ${blocks[k]}, ${total}, ${at}, ${is16(t)}, ${outIs16}, ${r.join(', ')}, ${ctx.input(k)}, ${out});`;
      }
      if (is16(t) !== outIs16) throw new InternalError('C emitter: concat copies an input of another type');
      return `edgec_copy_block(${outer}, ${blocks[k]}, ${total}, ${at}, ${outIs16}, ${lo}, ${hi}, ${ctx.input(k)}, ${out});`;
    }).join('\n');
  },
};

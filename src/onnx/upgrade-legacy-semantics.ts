/**
 * The legacy upgrades that change more than where an argument lives (the rest are in
 * upgrade-legacy-forms.ts):
 *
 * - Softmax/LogSoftmax before opset 13 coerced the input to 2-D at `axis` (default 1) and
 *   normalised over everything after it. Opset 13 normalises over the one axis. The two agree when
 *   `axis` is the last axis, which is provable when the attribute is -1 or the input's rank is known
 *   (graph inputs, initializers, Gemm/Flatten outputs: PyTorch's Linear -> Softmax). Otherwise the
 *   old semantics are spelled out: Flatten(axis) -> Softmax(axis=1) -> Reshape to Shape(X).
 * - Resize-10 (X, scales) and Upsample-7/9 (scales attribute, then input) sampled with
 *   `x_original = x_resized / scale`, i.e. coordinate_transformation_mode 'asymmetric'. Nearest
 *   took the floor of it when upsampling (the ONNX version converter's Resize 10->11 adapter sets
 *   nearest_mode 'floor') but the ceiling when downsampling (scale < 1): so onnxruntime does for
 *   opset < 11, and so the opset-10 backend test expects (2x4 at scale 0.6 gives [[1, 3]]). With
 *   constant scales that both grow and shrink, nearest is split into two Resizes, one per rounding;
 *   nearest sampling is separable per axis, so the result is the same. Scales unknown at load time
 *   are taken to upsample, as Upsample requires. Upsample's mode 'bilinear' (opset 7) is 'linear'.
 */
import type { AttrValue, Node } from '../ir/graph.js';
import { addInitializer } from '../ir/graph.js';
import { makeTensor } from '../ir/tensor.js';
import { numbers, rebuild, type UpgradeContext } from './upgrade-context.js';

export function upgradeSoftmax(node: Node, ctx: UpgradeContext): Node[] {
  const x = node.inputs[0]!;
  const given = numbers(node.attrs['axis'])?.[0] ?? 1;
  const rank = ctx.rankOf(x);
  const axis = rank !== undefined && given < 0 ? given + rank : given;
  if (given === -1 || (rank !== undefined && axis === rank - 1)) {
    // The old default (1) must be written out: opset 13's default is -1.
    return [{ ...node, attrs: { ...node.attrs, axis: { kind: 'int', value: given === -1 ? -1 : axis } } }];
  }

  const flat = ctx.fresh(`${node.name}/flat`);
  const normalised = ctx.fresh(`${node.name}/normalised_2d`);
  const shape = ctx.fresh(`${node.name}/input_shape`);
  const int = (value: number): AttrValue => ({ kind: 'int', value });
  const flatten: Node = { name: ctx.fresh(`${node.name}/Flatten`), op: 'Flatten', domain: '', inputs: [x], outputs: [flat], attrs: { axis: int(axis) } };
  const softmax: Node = { ...node, inputs: [flat], outputs: [normalised], attrs: { ...node.attrs, axis: int(1) } };
  const shapeOf: Node = { name: ctx.fresh(`${node.name}/Shape`), op: 'Shape', domain: '', inputs: [x], outputs: [shape], attrs: {} };
  const reshape: Node = {
    name: ctx.fresh(`${node.name}/Reshape`),
    op: 'Reshape',
    domain: '',
    inputs: [normalised, shape],
    outputs: [node.outputs[0]!],
    attrs: {},
  };
  return [flatten, softmax, shapeOf, reshape];
}

/** Resize-10: (X, scales) -> (X, roi '', scales) with the old sampling made explicit. */
export function upgradeResize10(node: Node, ctx: UpgradeContext): Node[] {
  return toResize18(node, node.inputs[1] ?? '', ctx);
}

/** Upsample-7 (scales attribute) and Upsample-9/10 (scales input) -> Resize. */
export function upgradeUpsample(node: Node, ctx: UpgradeContext): Node[] {
  let scales = node.inputs[1] ?? '';
  const attr = numbers(node.attrs['scales']);
  if (scales === '' && attr) {
    scales = addInitializer(ctx.graph, `${node.name}_scales`, makeTensor('float32', [attr.length], attr));
  }
  return toResize18({ ...node, op: 'Resize' }, scales, ctx);
}

function toResize18(node: Node, scales: string, ctx: UpgradeContext): Node[] {
  const given = node.attrs['mode'];
  const mode = given?.kind === 'string' ? (given.value === 'bilinear' ? 'linear' : given.value) : 'nearest';
  const resize = (input: string, scalesName: string, rounding: 'floor' | 'ceil') =>
    rebuild(node, [input, '', scalesName], ['scales', 'mode'], {
      mode: { kind: 'string', value: mode },
      coordinate_transformation_mode: { kind: 'string', value: 'asymmetric' },
      ...(mode === 'nearest' ? { nearest_mode: { kind: 'string', value: rounding } } : {}),
    });

  const known = ctx.graph.initializers.get(scales);
  const values = known ? Array.from(known.data) : [];
  if (mode !== 'nearest' || values.every((s) => s >= 1)) return [resize(node.inputs[0]!, scales, 'floor')];
  if (values.every((s) => s <= 1)) return [resize(node.inputs[0]!, scales, 'ceil')];

  const upScales = addInitializer(ctx.graph, `${node.name}_up_scales`, makeTensor('float32', [values.length], values.map((s) => Math.max(s, 1))));
  const downScales = addInitializer(ctx.graph, `${node.name}_down_scales`, makeTensor('float32', [values.length], values.map((s) => Math.min(s, 1))));
  const upsampled = ctx.fresh(`${node.name}/upsampled`);
  const up = { ...resize(node.inputs[0]!, upScales, 'floor'), name: ctx.fresh(`${node.name}/upsample`), outputs: [upsampled] };
  return [up, resize(upsampled, downScales, 'ceil')];
}

/**
 * Rewrites the op forms of default-domain opsets 1 to 6 into their opset-7 forms; the rewrites of
 * upgrade-legacy-forms.ts then take them on to the canonical opset-18 form. One small function per
 * change, following the ONNX Changelog and the ONNX version converter's 1->7 adapters:
 *
 * | op                                   | before opset | rewrite                                         |
 * |--------------------------------------|--------------|-------------------------------------------------|
 * | any                                  | 7            | `consumed_inputs` (a legacy hint) dropped       |
 * | Add Sub Mul Div Pow And Or Xor       | 7            | `broadcast`/`axis` dropped; with an axis, B     |
 * |   Equal Greater Less                 |              |   gains trailing 1-dims so numpy aligns it there|
 * | Gemm                                 | 7            | `broadcast` dropped (C broadcasts since 7)      |
 * | PRelu                                | 7            | a slope of shape [C] becomes [C, 1, ...]        |
 * | BatchNormalization, Dropout          | 7            | `is_test` dropped; is_test=0 (training) refused |
 * | Upsample (opset-1 experimental form) | 7            | height_scale/width_scale -> scales [1,1,h,w]    |
 * | Tile                                 | 6            | (tiles, axis) inputs -> repeats input           |
 * | Cast                                 | 6            | `to` as a type name ("FLOAT") -> type number    |
 * | Reshape                              | 5            | `shape` attribute -> int64 input                |
 * | Concat                               | 4            | absent `axis` (then 1) written out              |
 *
 * Before opset 7 the second operand of a binary op broadcast to the first only when `broadcast`
 * was 1, aligned at `axis` if given, else at the end (suffix matching, which numpy does too). Only
 * the axis case changes the data's layout, and it needs both ranks: see UpgradeContext.typeFor.
 *
 * An upgrade returns the node itself last, after any helper nodes it adds (already canonical).
 */
import { ModelError, describeNode } from '../errors.js';
import { addInitializer, type Node } from '../ir/graph.js';
import { makeTensor } from '../ir/tensor.js';
import { onnx } from './proto.js';
import { numbers, rebuild, scalarAttr, type UpgradeContext } from './upgrade-context.js';

type Upgrade = (node: Node, ctx: UpgradeContext) => Node[];

const LEGACY_BROADCAST = ['Add', 'Sub', 'Mul', 'Div', 'Pow', 'And', 'Or', 'Xor', 'Equal', 'Greater', 'Less'];

/** op -> [first opset that no longer has the old form, upgrade]. */
const UPGRADES = new Map<string, [number, Upgrade]>([
  ...LEGACY_BROADCAST.map((op): [string, [number, Upgrade]] => [op, [7, upgradeBroadcast]]),
  ['Gemm', [7, (node) => [rebuild(node, [...node.inputs], ['broadcast'])]]],
  ['PRelu', [7, upgradePRelu]],
  ['BatchNormalization', [7, dropIsTest]],
  ['Dropout', [7, dropIsTest]],
  ['Upsample', [7, upgradeUpsample1]],
  ['Tile', [6, upgradeTile1]],
  ['Cast', [6, upgradeCast1]],
  ['Reshape', [5, upgradeReshape1]],
  ['Concat', [4, upgradeConcat1]],
]);

/** The opset-7 form of a default-domain node of a model at `opset` (below 7). */
export function upgradeFromOpsetBelow7(node: Node, opset: number, ctx: UpgradeContext): Node[] {
  const plain = rebuild(node, [...node.inputs], ['consumed_inputs']);
  const entry = UPGRADES.get(node.op);
  if (!entry || opset >= entry[0]) return [plain];
  if (!node.inputs[0]) throw new ModelError(`${describeNode(node)} has no data input`);
  return entry[1](plain, ctx);
}

/** Binary ops: `broadcast`/`axis` go; with an axis, B is given trailing 1s to sit where it said. */
function upgradeBroadcast(node: Node, ctx: UpgradeContext): Node[] {
  const broadcast = scalarAttr(node.attrs['broadcast']) ?? 0;
  const axis = scalarAttr(node.attrs['axis']);
  const upgraded = rebuild(node, [...node.inputs], ['broadcast', 'axis']);
  const b = node.inputs[1];
  if (broadcast === 0 || axis === undefined || !b) return [upgraded];

  const why = `to place its pre-opset-7 broadcast operand at axis ${axis}`;
  const rankA = ctx.typeFor(node, node.inputs[0]!, why).shape.length;
  const rankB = ctx.typeFor(node, b, why).shape.length;
  const start = axis < 0 ? axis + rankA : axis;
  const trailing = rankA - start - rankB;
  if (start < 0 || trailing < 0) {
    throw new ModelError(`${describeNode(node)}: broadcast axis ${axis} does not fit an operand of rank ${rankB} into one of rank ${rankA}`);
  }
  if (trailing === 0) return [upgraded];
  const { helpers, value } = withTrailingOnes(node, b, rankB, trailing, ctx);
  upgraded.inputs[1] = value;
  return [...helpers, upgraded];
}

/**
 * PRelu-1/6 applied a slope of shape [C] per channel (axis 1); PRelu-7 broadcasts it numpy-style,
 * from the right, so it must become [C, 1, ...] on inputs of rank 3 and more.
 */
function upgradePRelu(node: Node, ctx: UpgradeContext): Node[] {
  const slope = node.inputs[1];
  if (!slope) return [node];
  const why = 'to apply its opset-6 slope per channel';
  const slopeShape = ctx.typeFor(node, slope, why).shape;
  if (slopeShape.length !== 1 || slopeShape[0] === 1) return [node];
  const trailing = ctx.typeFor(node, node.inputs[0]!, why).shape.length - 2;
  if (trailing <= 0) return [node];
  const { helpers, value } = withTrailingOnes(node, slope, 1, trailing, ctx);
  return [...helpers, { ...node, inputs: [node.inputs[0]!, value] }];
}

/**
 * `value` (of rank `rank`) with `count` 1-dims appended: a reshaped copy when it is a constant (so
 * later passes still see a constant), else an Unsqueeze in front of the node.
 */
function withTrailingOnes(node: Node, value: string, rank: number, count: number, ctx: UpgradeContext): { helpers: Node[]; value: string } {
  const constant = ctx.graph.initializers.get(value);
  if (constant) {
    const shape = [...constant.shape, ...Array<number>(count).fill(1)];
    return { helpers: [], value: addInitializer(ctx.graph, `${value}_aligned`, makeTensor(constant.dtype, shape, constant.data)) };
  }
  const axes = Array.from({ length: count }, (_, i) => rank + i);
  const output = ctx.fresh(`${value}/aligned`);
  const unsqueeze: Node = {
    name: ctx.fresh(`${node.name}/align_${value}`),
    op: 'Unsqueeze',
    domain: '',
    inputs: [value, ctx.int64s(node, 'align_axes', axes)],
    outputs: [output],
    attrs: {},
  };
  return { helpers: [unsqueeze], value: output };
}

/**
 * BatchNormalization-1/6 and Dropout-1/6: `is_test` went in opset 7, which is inference only. As
 * the ONNX version converter does, an absent `is_test` is taken as inference and an explicit 0
 * (a training graph: batch statistics, random dropout) is refused.
 */
function dropIsTest(node: Node): Node[] {
  if (scalarAttr(node.attrs['is_test']) === 0) {
    throw new ModelError(`${describeNode(node)}: is_test=0 is training mode; edgec runs inference only (export with is_test=1)`);
  }
  return [rebuild(node, [...node.inputs], ['is_test'])];
}

/** Upsample-1 (experimental) scaled H and W by two float attributes of a 4-D input. */
function upgradeUpsample1(node: Node): Node[] {
  const height = scalarAttr(node.attrs['height_scale']);
  const width = scalarAttr(node.attrs['width_scale']);
  if (height === undefined && width === undefined) return [node];
  if (height === undefined || width === undefined) {
    throw new ModelError(`${describeNode(node)}: opset-1 Upsample needs both height_scale and width_scale`);
  }
  return [rebuild(node, [...node.inputs], ['height_scale', 'width_scale'], { scales: { kind: 'floats', value: [1, 1, height, width] } })];
}

/** Tile-1 (input, tiles, axis): repeat `tiles` times along one axis -> Tile-6 repeats per axis. */
function upgradeTile1(node: Node, ctx: UpgradeContext): Node[] {
  if (node.inputs.length !== 3) return [node];
  const [x, tilesName, axisName] = node.inputs as [string, string, string];
  const tiles = ctx.graph.initializers.get(tilesName);
  const axisTensor = ctx.graph.initializers.get(axisName);
  if (!tiles || !axisTensor || tiles.data.length !== 1 || axisTensor.data.length !== 1) {
    throw new ModelError(`${describeNode(node)}: opset-1 Tile needs constant scalar "tiles" and "axis" inputs`);
  }
  const rank = ctx.typeFor(node, x, 'to turn its opset-1 (tiles, axis) into repeats').shape.length;
  const given = axisTensor.data[0]!;
  const axis = given < 0 ? given + rank : given;
  if (!Number.isInteger(axis) || axis < 0 || axis >= rank) throw new ModelError(`${describeNode(node)}: axis ${given} is out of range for rank ${rank}`);
  const repeats = Array.from({ length: rank }, (_, i) => (i === axis ? tiles.data[0]! : 1));
  return [rebuild(node, [x, ctx.int64s(node, 'repeats', repeats)], [])];
}

/** Cast-1 named the target type ("FLOAT", "INT64"): the TensorProto.DataType enum, by name. */
function upgradeCast1(node: Node): Node[] {
  const to = node.attrs['to'];
  if (to?.kind !== 'string') return [node];
  const code = (onnx.TensorProto.DataType as Record<string, unknown>)[to.value.toUpperCase()];
  if (typeof code !== 'number') throw new ModelError(`${describeNode(node)}: "to" names no ONNX data type: ${JSON.stringify(to.value)}`);
  return [rebuild(node, [...node.inputs], [], { to: { kind: 'int', value: code } })];
}

/** Reshape-1: the target shape was an attribute (0 copies a dimension, -1 is inferred, as today). */
function upgradeReshape1(node: Node, ctx: UpgradeContext): Node[] {
  const shape = numbers(node.attrs['shape']);
  if (!shape) {
    if (node.inputs[1]) return [node];
    throw new ModelError(`${describeNode(node)} lacks its "shape" attribute`);
  }
  return [rebuild(node, [node.inputs[0]!, ctx.int64s(node, 'shape', shape)], ['shape'])];
}

/** Concat-1: `axis` was optional, defaulting to 1; it is required since opset 4. */
function upgradeConcat1(node: Node): Node[] {
  if (node.attrs['axis']) return [node];
  return [{ ...node, attrs: { ...node.attrs, axis: { kind: 'int', value: 1 } } }];
}

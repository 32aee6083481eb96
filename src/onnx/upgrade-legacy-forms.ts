/**
 * Rewrites the forms older opsets used into the canonical opset-18 form every op file implements,
 * so op code handles one form only. One small function per op:
 *
 * | op                                   | before opset | rewrite                                       |
 * |--------------------------------------|--------------|-----------------------------------------------|
 * | Clip                                 | 11           | min/max attributes -> inputs                  |
 * | Slice                                | 10           | starts/ends/axes attributes -> inputs         |
 * | Pad                                  | 11           | pads (opset 1: paddings)/value -> inputs      |
 * | Squeeze, Unsqueeze                   | 13           | axes attribute -> input                       |
 * | Split                                | 18           | split attribute -> input; num_outputs set     |
 * | ReduceSum                            | 13           | axes attribute -> input                       |
 * | ReduceMean/Max/Min/Prod/L1/L2/...    | 18           | axes attribute -> input                       |
 * | Softmax, LogSoftmax                  | 13           | 2-D coercion made explicit (see softmax)      |
 * | Resize (opset 10), Upsample          | 11           | -> Resize(X, '', scales), asymmetric, floor   |
 * | Dropout                              | 12           | ratio attribute dropped (identity)            |
 * | BatchNormalization                   | 9            | spatial=1 dropped; spatial=0 refused          |
 *
 * Models at opsets 1 to 6 first go through upgrade-opsets-1-to-6.ts (to the opset-7 forms), then
 * through this table, node by node in topological order, so that an upgrade that needs a value's
 * shape can infer it over nodes already in canonical form (UpgradeContext.typeFor).
 *
 * New constants become initializers under fresh names; new nodes and values get fresh names too.
 * Runs before shape inference, so what it knows of shapes comes from graph inputs, initializers
 * and ops whose output rank is fixed (Gemm, Flatten), or from typeFor.
 */
import { ModelError, describeNode } from '../errors.js';
import { addInitializer, type AttrValue, type Graph, type Node } from '../ir/graph.js';
import { makeTensor } from '../ir/tensor.js';
import { toposort } from '../ir/toposort.js';
import { makeContext, numbers, rebuild, scalarAttr, type UpgradeContext } from './upgrade-context.js';
import { upgradeResize10, upgradeSoftmax, upgradeUpsample } from './upgrade-legacy-semantics.js';
import { upgradeFromOpsetBelow7 } from './upgrade-opsets-1-to-6.js';

type Upgrade = (node: Node, ctx: UpgradeContext) => Node[];

const REDUCE_18 = ['ReduceMean', 'ReduceMax', 'ReduceMin', 'ReduceProd', 'ReduceL1', 'ReduceL2', 'ReduceLogSum', 'ReduceLogSumExp', 'ReduceSumSquare'];

/** op -> [first opset that already has the canonical form, upgrade]. */
const UPGRADES = new Map<string, [number, Upgrade]>([
  ['Clip', [11, upgradeClip]],
  ['Slice', [10, upgradeSlice]],
  ['Pad', [11, upgradePad]],
  ['Squeeze', [13, axesToInput]],
  ['Unsqueeze', [13, axesToInput]],
  ['Split', [18, upgradeSplit]],
  ['ReduceSum', [13, axesToInput]],
  ...REDUCE_18.map((op): [string, [number, Upgrade]] => [op, [18, axesToInput]]),
  ['Softmax', [13, upgradeSoftmax]],
  ['LogSoftmax', [13, upgradeSoftmax]],
  ['Resize', [11, upgradeResize10]],
  ['Upsample', [Infinity, upgradeUpsample]],
  ['Dropout', [12, upgradeDropout]],
  ['BatchNormalization', [9, upgradeBatchNorm]],
]);

/** Rewrites every legacy-form node of `graph` in place (graph.types must hold inputs and initializers). */
export function upgradeLegacyForms(graph: Graph): void {
  graph.nodes = toposort(graph);
  const ctx = makeContext(graph);
  for (const node of [...graph.nodes]) {
    if (node.domain !== '') continue;
    const opset7 = graph.opset < 7 ? upgradeFromOpsetBelow7(node, graph.opset, ctx) : [node];
    // The node itself comes last; the helpers before it are already canonical.
    const upgraded = opset7.pop()!;
    graph.nodes.splice(graph.nodes.indexOf(node), 1, ...opset7, ...upgradeToOpset18(upgraded, graph.opset, ctx));
  }
}

function upgradeToOpset18(node: Node, opset: number, ctx: UpgradeContext): Node[] {
  const entry = UPGRADES.get(node.op);
  if (!entry || opset >= entry[0]) return [node];
  if (!node.inputs[0]) throw new ModelError(`${describeNode(node)} has no data input`);
  return entry[1](node, ctx);
}

// ---- helpers ----------------------------------------------------------------------------------

function required(node: Node, name: string): number[] {
  const v = numbers(node.attrs[name]);
  if (!v) throw new ModelError(`${describeNode(node)} lacks its "${name}" attribute`);
  return v;
}

// ---- one function per op ----------------------------------------------------------------------

/** Clip-6: min/max attributes become scalar inputs of the input's dtype; an absent one stays absent. */
function upgradeClip(node: Node, ctx: UpgradeContext): Node[] {
  const dtype = ctx.dtypeOf(node.inputs[0]!) ?? 'float32';
  const bound = (name: string) => {
    const v = scalarAttr(node.attrs[name]);
    return v === undefined ? '' : addInitializer(ctx.graph, `${node.name}_${name}`, makeTensor(dtype, [], [v]));
  };
  return [rebuild(node, [node.inputs[0]!, bound('min'), bound('max')], ['min', 'max'])];
}

/** Slice-1: starts, ends and optional axes attributes become int64 inputs. */
function upgradeSlice(node: Node, ctx: UpgradeContext): Node[] {
  const axes = numbers(node.attrs['axes']);
  const inputs = [node.inputs[0]!, ctx.int64s(node, 'starts', required(node, 'starts')), ctx.int64s(node, 'ends', required(node, 'ends'))];
  if (axes) inputs.push(ctx.int64s(node, 'axes', axes));
  return [rebuild(node, inputs, ['starts', 'ends', 'axes'])];
}

/** Pad-2 (pads, value) and Pad-1 (paddings, value): the mode attribute stays. */
function upgradePad(node: Node, ctx: UpgradeContext): Node[] {
  const pads = numbers(node.attrs['pads']) ?? numbers(node.attrs['paddings']);
  if (!pads) throw new ModelError(`${describeNode(node)} lacks its "pads" attribute`);
  const value = scalarAttr(node.attrs['value']) ?? 0;
  const dtype = ctx.dtypeOf(node.inputs[0]!) ?? 'float32';
  const constant = value === 0 ? '' : addInitializer(ctx.graph, `${node.name}_value`, makeTensor(dtype, [], [value]));
  return [rebuild(node, [node.inputs[0]!, ctx.int64s(node, 'pads', pads), constant], ['pads', 'paddings', 'value'])];
}

/** Squeeze/Unsqueeze-1/11, ReduceX-1/11/13: the axes attribute becomes an int64 input. */
function axesToInput(node: Node, ctx: UpgradeContext): Node[] {
  const axes = numbers(node.attrs['axes']);
  if (node.op === 'Unsqueeze' && !axes) throw new ModelError(`${describeNode(node)} lacks its "axes" attribute`);
  return [rebuild(node, [node.inputs[0]!, axes ? ctx.int64s(node, 'axes', axes) : ''], ['axes'])];
}

/**
 * Split-2/11: the split attribute becomes an input. Split-18 also needs num_outputs when no split
 * sizes are given (before 18, an equal split into as many parts as there are outputs was implied).
 */
function upgradeSplit(node: Node, ctx: UpgradeContext): Node[] {
  const split = numbers(node.attrs['split']);
  const sizes = split ? ctx.int64s(node, 'split', split) : (node.inputs[1] ?? '');
  const add: Record<string, AttrValue> = {};
  if (sizes === '' && !node.attrs['num_outputs']) add['num_outputs'] = { kind: 'int', value: node.outputs.length };
  return [rebuild(node, [node.inputs[0]!, sizes], ['split'], add)];
}

/** Dropout-7/10: at inference Dropout is the identity whatever its ratio, so the attribute goes. */
function upgradeDropout(node: Node): Node[] {
  return [rebuild(node, [node.inputs[0]!], ['ratio', 'is_test'])];
}

/** BatchNormalization-7: spatial=1 is today's semantics; per-activation statistics are not supported. */
function upgradeBatchNorm(node: Node): Node[] {
  const spatial = scalarAttr(node.attrs['spatial']) ?? 1;
  if (spatial !== 1) throw new ModelError(`${describeNode(node)}: spatial=0 (per-activation statistics) is not supported`);
  return [rebuild(node, [...node.inputs], ['spatial'])];
}

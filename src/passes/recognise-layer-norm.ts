/**
 * Pass: recognise-layer-norm.
 *
 * Before (what exporters write for LayerNorm below opset 17):
 *   m = ReduceMean(x, axes)          d = Sub(x, m)           v = ReduceMean(Pow(d, 2), axes)
 *   s = Sqrt(Add(v, eps))            n = Div(d, s)           [g = Mul(n, gamma)]  [y = Add(g, beta)]
 * After:
 *   y = LayerNormalization(x, gamma, beta; axis, epsilon = eps)
 *
 * One op instead of nine lets quantization treat the normalization as a unit (its intermediate
 * ranges are meaningless to calibrate) and lets code generation call one kernel. Mul(d, d) is
 * accepted for Pow(d, 2), and either operand order of the commutative Add/Mul.
 *
 * Preconditions (otherwise nothing changes):
 * - both ReduceMeans reduce the same trailing axes [axis, ..., rank-1] with keepdims = 1;
 * - eps, gamma and beta are constants; gamma and beta broadcast over the normalized axes only
 *   (they are expanded to exactly x.shape[axis:], the form LayerNormalization takes);
 * - every intermediate value is read only inside the pattern and is not a graph output;
 * - the values are float32 and the LayerNormalization op is registered.
 */
import { addInitializer, type Graph, type Node } from '../ir/graph.js';
import { makeTensor, sizeOf, stridesOf, toIntList, type Tensor } from '../ir/tensor.js';
import { findOp } from '../ops/registry.js';
import { constantOf, constantScalar, dropStaleTypes, isFloat32, readersOf, removeNodes, replaceNode, soleReader } from './graph-edit.js';

export function recogniseLayerNorm(graph: Graph): boolean {
  if (!findOp('', 'LayerNormalization')) return false;
  let changed = false;
  for (const mean of [...graph.nodes]) {
    if (!graph.nodes.includes(mean)) continue;
    const match = matchLayerNorm(graph, mean);
    if (!match) continue;
    const { x, axis, epsilon, gamma, beta, nodes } = match;
    const last = nodes[nodes.length - 1]!;
    const normalized = graph.types.get(x)!.shape.slice(axis);
    const scaleName = addInitializer(graph, `${last.name}_gamma`, expandTo(gamma, normalized, 1));
    const biasName = beta ? addInitializer(graph, `${last.name}_beta`, expandTo(beta, normalized, 0)) : '';
    const layerNorm: Node = {
      name: last.name,
      op: 'LayerNormalization',
      domain: '',
      inputs: biasName ? [x, scaleName, biasName] : [x, scaleName],
      outputs: [last.outputs[0]!],
      attrs: { axis: { kind: 'int', value: axis }, epsilon: { kind: 'float', value: epsilon } },
    };
    replaceNode(graph, last, layerNorm);
    removeNodes(graph, ...nodes.slice(0, -1));
    changed = true;
  }
  if (changed) dropStaleTypes(graph);
  return changed;
}

interface LayerNormMatch {
  x: string;
  axis: number;
  epsilon: number;
  gamma: Tensor | undefined;
  beta: Tensor | undefined;
  /** The matched nodes, in graph order of dependence; the last one writes y. */
  nodes: Node[];
}

function matchLayerNorm(graph: Graph, mean: Node): LayerNormMatch | undefined {
  if (!is(mean, 'ReduceMean')) return undefined;
  const x = mean.inputs[0]!;
  const xType = graph.types.get(x);
  if (!xType || !isFloat32(graph, x)) return undefined;
  const axis = trailingAxis(graph, mean, xType.shape.length);
  if (axis === undefined) return undefined;

  const sub = soleReader(graph, mean.outputs[0]!);
  if (!sub || !is(sub, 'Sub') || sub.inputs[0] !== x || sub.inputs[1] !== mean.outputs[0]) return undefined;
  const d = sub.outputs[0]!;
  const dReaders = readersOf(graph, d);
  if (dReaders.length !== 2 || graph.outputs.some((o) => o.name === d)) return undefined;
  const square = dReaders.find((n) => isSquareOf(graph, n, d));
  const div = dReaders.find((n) => n !== square && is(n, 'Div') && n.inputs[0] === d);
  if (!square || !div) return undefined;

  const variance = next(graph, square, 'ReduceMean');
  if (!variance || trailingAxis(graph, variance, xType.shape.length) !== axis) return undefined;
  const addEps = next(graph, variance, 'Add');
  const epsilon = addEps && constantScalar(graph, otherInput(addEps, variance.outputs[0]!) ?? '');
  if (!addEps || epsilon === undefined) return undefined;
  const sqrt = next(graph, addEps, 'Sqrt');
  if (!sqrt || soleReader(graph, sqrt.outputs[0]!) !== div || div.inputs[1] !== sqrt.outputs[0]) return undefined;

  const nodes = [mean, sub, square, variance, addEps, sqrt, div];
  const normalized = xType.shape.slice(axis);
  const mul = next(graph, div, 'Mul');
  const gamma = mul && affineParam(graph, mul, div.outputs[0]!, normalized);
  if (gamma) nodes.push(mul!);
  const add = next(graph, nodes[nodes.length - 1]!, 'Add');
  const beta = add && affineParam(graph, add, nodes[nodes.length - 1]!.outputs[0]!, normalized);
  if (beta) nodes.push(add!);
  return { x, axis, epsilon, gamma, beta, nodes };
}

function is(node: Node, op: string): boolean {
  return node.op === op && node.domain === '' && !node.activation;
}

/** The sole reader of `node`'s output when it is an `op` node. */
function next(graph: Graph, node: Node, op: string): Node | undefined {
  const reader = soleReader(graph, node.outputs[0]!);
  return reader && is(reader, op) ? reader : undefined;
}

function otherInput(node: Node, value: string): string | undefined {
  if (node.inputs.length !== 2) return undefined;
  return node.inputs[0] === value ? node.inputs[1] : node.inputs[1] === value ? node.inputs[0] : undefined;
}

function isSquareOf(graph: Graph, node: Node, d: string): boolean {
  if (is(node, 'Mul')) return node.inputs[0] === d && node.inputs[1] === d;
  return is(node, 'Pow') && node.inputs[0] === d && constantScalar(graph, node.inputs[1] ?? '') === 2;
}

/** The first reduced axis when a keepdims ReduceMean reduces exactly the trailing axes. */
function trailingAxis(graph: Graph, node: Node, rank: number): number | undefined {
  const keepdims = node.attrs.keepdims;
  if (keepdims?.kind === 'int' && keepdims.value !== 1) return undefined;
  const axesName = node.inputs[1] ?? '';
  let axes: number[];
  if (axesName === '') {
    const noop = node.attrs.noop_with_empty_axes;
    if (noop?.kind === 'int' && noop.value !== 0) return undefined;
    axes = [...Array(rank).keys()];
  } else {
    const t = constantOf(graph, axesName);
    if (!t) return undefined;
    axes = toIntList(t).map((a) => (a < 0 ? a + rank : a));
  }
  const sorted = [...new Set(axes)].sort((a, b) => a - b);
  const first = rank - sorted.length;
  return sorted.length > 0 && sorted.every((a, i) => a === first + i) ? first : undefined;
}

/** The constant of Mul/Add(value, c) when c broadcasts over the normalized (trailing) axes only. */
function affineParam(graph: Graph, node: Node, value: string, normalized: number[]): Tensor | undefined {
  const c = constantOf(graph, otherInput(node, value) ?? '');
  if (!c || c.dtype !== 'float32') return undefined;
  const shape = [...c.shape];
  while (shape.length > normalized.length && shape[0] === 1) shape.shift();
  if (shape.length > normalized.length) return undefined;
  const tail = normalized.slice(normalized.length - shape.length);
  return shape.every((d, i) => d === 1 || d === tail[i]) ? makeTensor('float32', shape, c.data) : undefined;
}

/** Broadcasts `t` (trailing-aligned) to `shape`; an absent t is the constant `fill`. */
function expandTo(t: Tensor | undefined, shape: number[], fill: number): Tensor {
  const out = makeTensor('float32', shape);
  if (!t) return makeTensor('float32', shape, new Array<number>(sizeOf(shape)).fill(fill));
  const offset = shape.length - t.shape.length;
  const srcStrides = stridesOf(t.shape);
  const dstStrides = stridesOf(shape);
  for (let i = 0; i < out.data.length; i++) {
    let src = 0;
    for (let k = 0; k < t.shape.length; k++) {
      const coord = Math.floor(i / dstStrides[k + offset]!) % shape[k + offset]!;
      src += (t.shape[k] === 1 ? 0 : coord) * srcStrides[k]!;
    }
    out.data[i] = t.data[src]!;
  }
  return out;
}

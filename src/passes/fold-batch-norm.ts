/**
 * Pass: fold-batch-norm.
 *
 * Before: P(x, W, B) -> t -> BatchNormalization(t, scale, bias, mean, var) -> y
 * After:  P(x, W', B') -> y, with P.meta.batchNorm = the BN's statistics
 *
 * With a[c] = scale / sqrt(var + eps) and b[c] = bias - mean * a (batch-norm-params.ts), for the
 * output channel c of P (axis 1 of its output):
 *   Conv:          W'[c, ...] = a[c] W[c, ...]                 B'[c] = a[c] B[c] + b[c]
 *   ConvTranspose: W'[i, j, ...] = a[g(i) * M/G + j] W[i, j, ...] (W is [Cin, M/G, ...])
 *   Gemm:          B scaled per output column n (rows of B when transB),
 *                  C' = a[n] * beta * C + b[n] and beta' = 1
 *   MatMul(x, W) with a constant 2-D W and a 2-D x becomes Gemm(x, a * W, b).
 * An absent bias counts as 0. New weights are new initializers (the old ones may be shared; dead
 * code elimination drops them when unused).
 *
 * Preconditions (otherwise the BN stays, for lower-batch-norm to turn into a ChannelAffine):
 * the BN is in inference mode with constant parameters and unused running-statistics outputs;
 * t is read by the BN alone and is not a graph output; P has no fused activation; P's weight
 * (and bias) are constants; the BN's channel count is P's number of output channels.
 */
import { addInitializer, type Graph, type Node } from '../ir/graph.js';
import { makeTensor, type DType, type Tensor } from '../ir/tensor.js';
import { batchNormAffine, type BatchNormAffine } from './batch-norm-params.js';
import { constantOf, dropStaleTypes, onlyReadBy, producerOf, redirectOutput, removeNodes, replaceNode } from './graph-edit.js';

export function foldBatchNorm(graph: Graph): boolean {
  let changed = false;
  for (const bn of [...graph.nodes]) {
    const affine = batchNormAffine(graph, bn);
    if (!affine) continue;
    const t = bn.inputs[0]!;
    const producer = producerOf(graph, t);
    if (!producer || producer.domain !== '' || producer.activation || producer.outputs[0] !== t) continue;
    if (!onlyReadBy(graph, t, bn)) continue;
    const fold = FOLDERS[producer.op];
    const folded = fold?.(graph, producer, affine);
    if (!folded) continue;
    if (folded !== producer) replaceNode(graph, producer, folded);
    redirectOutput(graph, folded, t, bn.outputs[0]!);
    folded.meta = { ...folded.meta, batchNorm: affine.stats };
    removeNodes(graph, bn);
    changed = true;
  }
  if (changed) dropStaleTypes(graph);
  return changed;
}

/** Each returns the node that now computes BN(P(...)), or undefined to decline. */
type Folder = (graph: Graph, node: Node, bn: BatchNormAffine) => Node | undefined;

const FOLDERS: Record<string, Folder> = {
  Conv: (graph, node, { a, b }) => {
    const w = constantOf(graph, node.inputs[1] ?? '');
    if (!w || w.shape.length < 3 || w.shape[0] !== a.length) return undefined;
    const bias = optionalConstant(graph, node.inputs[2]);
    if (bias === null) return undefined;
    const perChannel = w.data.length / a.length;
    const wNew = mapTensor(w, (v, i) => v * a[Math.floor(i / perChannel)]!);
    node.inputs = [node.inputs[0]!, addInitializer(graph, `${node.name}_W_bn`, wNew), addBias(graph, node, w.dtype, bias, a, b)];
    return node;
  },

  ConvTranspose: (graph, node, { a, b }) => {
    const w = constantOf(graph, node.inputs[1] ?? '');
    const groupAttr = node.attrs.group;
    const groups = groupAttr?.kind === 'int' ? groupAttr.value : 1;
    if (!w || w.shape.length < 3 || w.shape[1]! * groups !== a.length) return undefined;
    const bias = optionalConstant(graph, node.inputs[2]);
    if (bias === null) return undefined;
    const [cin, perGroupOut] = [w.shape[0]!, w.shape[1]!];
    const kernel = w.data.length / (cin * perGroupOut);
    const cinPerGroup = cin / groups;
    const wNew = mapTensor(w, (v, idx) => {
      const i = Math.floor(idx / (perGroupOut * kernel));
      const j = Math.floor(idx / kernel) % perGroupOut;
      return v * a[Math.floor(i / cinPerGroup) * perGroupOut + j]!;
    });
    node.inputs = [node.inputs[0]!, addInitializer(graph, `${node.name}_W_bn`, wNew), addBias(graph, node, w.dtype, bias, a, b)];
    return node;
  },

  Gemm: (graph, node, { a, b }) => {
    const w = constantOf(graph, node.inputs[1] ?? '');
    const out = graph.types.get(node.outputs[0]!);
    if (!w || w.shape.length !== 2 || !out || out.shape[1] !== a.length) return undefined;
    const c = optionalConstant(graph, node.inputs[2]);
    if (c === null) return undefined;
    const transB = node.attrs.transB?.kind === 'int' && node.attrs.transB.value !== 0;
    if ((transB ? w.shape[0] : w.shape[1]) !== a.length) return undefined;
    // Output column n is row n of B when transB, column n otherwise.
    const rowLength = w.shape[1]!;
    const wNew = mapTensor(w, (v, i) => v * a[transB ? Math.floor(i / rowLength) : i % rowLength]!);
    const betaAttr = node.attrs.beta;
    const beta = betaAttr?.kind === 'float' || betaAttr?.kind === 'int' ? betaAttr.value : 1;
    const cNew = gemmBias(c, w.dtype, beta, out.shape[0]!, a, b);
    // A new node object, not a mutated one: the engine caches resolved attributes per node.
    return {
      ...node,
      inputs: [node.inputs[0]!, addInitializer(graph, `${node.name}_B_bn`, wNew), addInitializer(graph, `${node.name}_C_bn`, cNew)],
      outputs: [...node.outputs],
      attrs: { ...node.attrs, beta: { kind: 'float', value: 1 } },
    };
  },

  MatMul: (graph, node, { a, b }) => {
    const w = constantOf(graph, node.inputs[1] ?? '');
    const x = graph.types.get(node.inputs[0] ?? '');
    if (!w || w.shape.length !== 2 || w.shape[1] !== a.length || x?.shape.length !== 2) return undefined;
    const n = w.shape[1]!;
    const wNew = mapTensor(w, (v, i) => v * a[i % n]!);
    const bias = makeTensor(w.dtype, [n], b);
    const gemm: Node = {
      name: node.name,
      op: 'Gemm',
      domain: '',
      inputs: [node.inputs[0]!, addInitializer(graph, `${node.name}_B_bn`, wNew), addInitializer(graph, `${node.name}_C_bn`, bias)],
      outputs: [...node.outputs],
      attrs: {},
      ...(node.meta ? { meta: { ...node.meta } } : {}),
    };
    return gemm;
  },
};

/** The constant at `name`; undefined when the input is absent; null when present but not constant. */
function optionalConstant(graph: Graph, name: string | undefined): Tensor | undefined | null {
  if (name === undefined || name === '') return undefined;
  return constantOf(graph, name) ?? null;
}

function mapTensor(t: Tensor, f: (v: number, i: number) => number): Tensor {
  return makeTensor(t.dtype, t.shape, Array.from(t.data, f));
}

/** B'[c] = a[c] B[c] + b[c] for Conv and ConvTranspose (B absent: 0). */
function addBias(graph: Graph, node: Node, dtype: DType, bias: Tensor | undefined, a: Float64Array, b: Float64Array): string {
  const values = Array.from(a, (ac, c) => ac * (bias?.data[c] ?? 0) + b[c]!);
  return addInitializer(graph, `${node.name}_B_bn`, makeTensor(dtype, [a.length], values));
}

/**
 * C' = a[n] * beta * C[m, n] + b[n], with C broadcast to [M, N] as Gemm does. Stays [N] unless C
 * varies along the rows (C of shape [M, N] or [M, 1] with M > 1).
 */
function gemmBias(c: Tensor | undefined, dtype: DType, beta: number, rows: number, a: Float64Array, b: Float64Array): Tensor {
  const n = a.length;
  const cRows = c && c.shape.length === 2 ? c.shape[0]! : 1;
  const cCols = c === undefined || c.shape.length === 0 ? 1 : c.shape[c.shape.length - 1]!;
  const outRows = cRows > 1 ? rows : 1;
  const values = new Float64Array(outRows * n);
  for (let m = 0; m < outRows; m++) {
    for (let j = 0; j < n; j++) {
      const cv = c ? c.data[(cRows > 1 ? m : 0) * cCols + (cCols > 1 ? j : 0)]! : 0;
      values[m * n + j] = a[j]! * beta * cv + b[j]!;
    }
  }
  return makeTensor(dtype, outRows > 1 ? [rows, n] : [n], values);
}

/**
 * Multiply-accumulate counts of the compute ops, as `inspect` reports them (summarizeModel over a
 * graph): hand-computed single-node cases for every op with a `macs` facet and the pools' zero, then
 * the MLPerf Tiny counts of the shared models from their Conv and Gemm layers alone, exactly:
 * resnet8 12,501,632 and dscnn 2,656,640 (10-class heads). The latter skips visibly without
 * ../shared/models.
 */
import { describe, expect, it } from 'vitest';
import { summarizeModel } from '../../src/analysis/inspect-model.js';
import { makeGraph, type AttrValue } from '../../src/ir/graph.js';
import { makeTensor, type Tensor } from '../../src/ir/tensor.js';
import { loadModel } from '../../src/onnx/load-model.js';
import { canonicalize } from '../../src/passes/index.js';
import { inferTypes } from '../../src/engine/infer-types.js';
import { HAVE_SHARED, SHARED_MODELS, SKIP_NO_SHARED } from '../helpers/shared.js';

/** MACs of one node whose inputs are a graph input of shape `x` and constant operands. */
function macsOf(op: string, x: number[], constants: number[][], attrs: Record<string, AttrValue> = {}): number {
  const initializers = new Map<string, Tensor>(constants.map((shape, i) => [`c${i}`, makeTensor('float32', shape)]));
  const graph = makeGraph({
    inputs: [{ name: 'x', dtype: 'float32', shape: x }],
    outputs: [{ name: 'y', dtype: 'float32', shape: [] }],
    nodes: [{ name: 'n', op, domain: '', inputs: ['x', ...initializers.keys()], outputs: ['y'], attrs }],
    initializers,
  });
  inferTypes(graph);
  return summarizeModel(graph).layers[0]!.macs;
}

const ints = (value: number[]): AttrValue => ({ kind: 'ints', value });
const int = (value: number): AttrValue => ({ kind: 'int', value });

describe('MAC counts per op, checked by hand', () => {
  it('Conv: output elements x C/group x kernel', () => {
    // 16 x 32 x 32 outputs, each 3 x 3 x 3 weights
    expect(macsOf('Conv', [1, 3, 32, 32], [[16, 3, 3, 3]], { pads: ints([1, 1, 1, 1]) })).toBe(16 * 32 * 32 * 27);
    // depthwise, stride 2: 64 x 13 x 3 outputs, 3 x 3 weights each
    expect(macsOf('Conv', [1, 64, 25, 5], [[64, 1, 3, 3]], { group: int(64), strides: ints([2, 2]), pads: ints([1, 1, 1, 1]) })).toBe(64 * 13 * 3 * 9);
    // 1-D, group 2: 6 x 8 outputs, 2 x 3 weights each
    expect(macsOf('Conv', [1, 4, 10], [[6, 2, 3]], { group: int(2) })).toBe(6 * 8 * 6);
  });
  it('ConvTranspose: input elements x C_out/group x kernel', () => {
    expect(macsOf('ConvTranspose', [1, 8, 6, 6], [[8, 4, 4, 4]], { strides: ints([2, 2]), pads: ints([1, 1, 1, 1]) })).toBe(8 * 36 * 4 * 16);
  });
  it('Gemm M*N*K (with transB) and MatMul batch*M*N*K', () => {
    expect(macsOf('Gemm', [2, 64], [[10, 64], [10]], { transB: int(1) })).toBe(2 * 10 * 64);
    expect(macsOf('MatMul', [4, 3, 6], [[6, 5]])).toBe(4 * 3 * 5 * 6);
    expect(macsOf('MatMul', [7], [[7, 5]])).toBe(5 * 7);
  });
  it('BatchNormalization and LayerNormalization: one per element; pools: none', () => {
    expect(macsOf('BatchNormalization', [2, 3, 4, 5], [[3], [3], [3], [3]])).toBe(120);
    expect(macsOf('LayerNormalization', [2, 5, 16], [[16], [16]])).toBe(160);
    expect(macsOf('MaxPool', [1, 3, 8, 8], [], { kernel_shape: ints([2, 2]) })).toBe(0);
    expect(macsOf('GlobalAveragePool', [1, 3, 8, 8], [])).toBe(0);
  });
});

describe.skipIf(!HAVE_SHARED)(`MLPerf Tiny MAC counts of the shared models${SKIP_NO_SHARED}`, () => {
  const convAndGemm = (name: string) => {
    const loaded = loadModel(`${SHARED_MODELS}/${name}.onnx`);
    inferTypes(loaded);
    const graph = canonicalize(loaded);
    const layers = summarizeModel(graph).layers.filter((l) => l.op === 'Conv' || l.op === 'Gemm');
    return layers.reduce((sum, l) => sum + l.macs, 0);
  };
  it('resnet8: 12,501,632', () => expect(convAndGemm('resnet8')).toBe(12_501_632));
  it('dscnn: 2,656,640', () => expect(convAndGemm('dscnn')).toBe(2_656_640));
});

/**
 * The real-model acceptance check: for every PyTorch-exported model in ../shared/models, the
 * engine's outputs on the first 32 test rows match PyTorch's own outputs (NAME.test_out.npy) and
 * onnxruntime-node on the original file within 1e-4 max abs difference, before and after
 * `canonicalize`; and the canonical graph has none of the ops canonicalisation removes.
 *
 * The models declare a fixed batch of 1, so rows run one at a time (one onnxruntime session per
 * model). Skips visibly when ../shared is absent.
 */
import ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { readNpy } from '../../src/data/npy.js';
import { inferTypes } from '../../src/engine/infer-types.js';
import { runGraph } from '../../src/engine/run-graph.js';
import type { Graph } from '../../src/ir/graph.js';
import { sizeOf, type Tensor } from '../../src/ir/tensor.js';
import { loadModel } from '../../src/onnx/load-model.js';
import { canonicalize } from '../../src/passes/index.js';
import { maxAbsDiff } from '../helpers/ort.js';
import { HAVE_SHARED, SHARED_MODEL_NAMES, SHARED_MODELS, SKIP_NO_SHARED } from '../helpers/shared.js';

const ROWS = 32;
const TOLERANCE = 1e-4;
const REMOVED_OPS = ['BatchNormalization', 'Identity', 'Dropout', 'Shape', 'Constant'];

/** Row i of an (N, ...) tensor as a (1, ...) tensor. */
function row(t: Tensor, i: number): Tensor {
  const size = sizeOf(t.shape.slice(1));
  return { dtype: t.dtype, shape: [1, ...t.shape.slice(1)], data: t.data.slice(i * size, (i + 1) * size) };
}

function runRows(graph: Graph, inputs: Tensor[]): Float32Array[] {
  const inputName = graph.inputs[0]!.name;
  const outputName = graph.outputs[0]!.name;
  return inputs.map((x) => Float32Array.from(runGraph(graph, { [inputName]: x }).get(outputName)!.data));
}

async function runOrtRows(path: string, inputs: Tensor[]): Promise<Float32Array[]> {
  const session = await ort.InferenceSession.create(path, { intraOpNumThreads: 1, logSeverityLevel: 3 });
  const out: Float32Array[] = [];
  for (const x of inputs) {
    const result = await session.run({ [session.inputNames[0]!]: new ort.Tensor('float32', Float32Array.from(x.data), [...x.shape]) });
    out.push(Float32Array.from(result[session.outputNames[0]!]!.data as Float32Array));
  }
  await session.release();
  return out;
}

function worstDiff(a: Float32Array[], b: Float32Array[]): number {
  return Math.max(...a.map((x, i) => maxAbsDiff(x, b[i]!)));
}

const countOps = (graph: Graph, op: string) => graph.nodes.filter((n) => n.op === op).length;

describe.skipIf(!HAVE_SHARED)(`shared PyTorch models, before and after canonicalize${SKIP_NO_SHARED}`, () => {
  for (const name of SHARED_MODEL_NAMES) {
    describe(name, () => {
      const path = `${SHARED_MODELS}/${name}.onnx`;
      let original: Graph;
      let canonical: Graph;
      let inputs: Tensor[];
      let pytorch: Float32Array[];
      let onnxruntime: Float32Array[];

      beforeAll(async () => {
        original = loadModel(path);
        inferTypes(original);
        canonical = canonicalize(original);
        const x = readNpy(`${SHARED_MODELS}/${name}.test_x.npy`);
        const y = readNpy(`${SHARED_MODELS}/${name}.test_out.npy`);
        inputs = Array.from({ length: ROWS }, (_, i) => row(x, i));
        pytorch = Array.from({ length: ROWS }, (_, i) => Float32Array.from(row(y, i).data));
        onnxruntime = await runOrtRows(path, inputs);
      });

      it('onnxruntime itself agrees with PyTorch (the two references agree)', () => {
        expect(worstDiff(onnxruntime, pytorch)).toBeLessThanOrEqual(TOLERANCE);
      });

      it(`the engine matches PyTorch and onnxruntime on ${ROWS} rows within ${TOLERANCE}`, () => {
        const ours = runRows(original, inputs);
        expect(worstDiff(ours, pytorch)).toBeLessThanOrEqual(TOLERANCE);
        expect(worstDiff(ours, onnxruntime)).toBeLessThanOrEqual(TOLERANCE);
      });

      it(`after canonicalize the engine still matches both within ${TOLERANCE}`, () => {
        const ours = runRows(canonical, inputs);
        expect(worstDiff(ours, pytorch)).toBeLessThanOrEqual(TOLERANCE);
        expect(worstDiff(ours, onnxruntime)).toBeLessThanOrEqual(TOLERANCE);
      });

      it(`no ${REMOVED_OPS.join(', ')} node is left; every BN's statistics are kept on a node`, () => {
        for (const op of REMOVED_OPS) expect(`${op}: ${countOps(canonical, op)}`).toBe(`${op}: 0`);
        const kept = canonical.nodes.filter((n) => n.meta?.batchNorm !== undefined).length;
        expect(kept).toBe(countOps(original, 'BatchNormalization'));
        expect(canonical.outputs.map((o) => o.name)).toEqual(original.outputs.map((o) => o.name));
        expect(canonical.inputs).toEqual(original.inputs);
      });
    });
  }

  // What canonicalisation should make of each topology, op by op (hand-checked from the exports).
  const expectedOps: Record<string, Record<string, number>> = {
    digits_lenet: { Conv: 2, MaxPool: 2, Flatten: 1, Gemm: 2, Relu: 0 },
    resnet8: { Conv: 9, Add: 3, GlobalAveragePool: 1, Flatten: 1, Gemm: 1, Relu: 0 },
    dscnn: { Conv: 9, AveragePool: 1, Pad: 0, Flatten: 1, Gemm: 1, Relu: 0 },
    mobilenetv2_tiny: { Conv: 17, ChannelAffine: 0, Clip: 0, Add: 2, GlobalAveragePool: 1, Gemm: 1 },
    autoencoder: { Gemm: 6, ChannelAffine: 0, Relu: 0 },
  };
  for (const name of SHARED_MODEL_NAMES) {
    it(`${name}: canonical op counts ${JSON.stringify(expectedOps[name])}`, () => {
      const graph = loadModel(`${SHARED_MODELS}/${name}.onnx`);
      inferTypes(graph);
      const canonical = canonicalize(graph);
      const counts = Object.fromEntries(Object.keys(expectedOps[name]!).map((op) => [op, countOps(canonical, op)]));
      expect(counts).toEqual(expectedOps[name]);
    });
  }
});

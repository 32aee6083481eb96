/**
 * Every model in ../shared/models (real PyTorch exports) loads, and what edgec's writer makes of it
 * runs in onnxruntime as the original file does, on the first 4 rows of each model's test inputs:
 * - the graph as loaded: 1e-5 max abs diff (the same graph in the same runtime, so a difference
 *   would mean a changed weight or attribute);
 * - the canonical graph (BatchNorm folded, activations fused, which the writer expands back into
 *   Relu/Clip nodes): 1e-4, the tolerance for canonicalisation, since folding BN into
 *   weights changes float rounding.
 */
import { describe, expect, it } from 'vitest';
import { readNpy } from '../../src/data/npy.js';
import { makeTensor, sizeOf, type Tensor } from '../../src/ir/tensor.js';
import { inferTypes } from '../../src/engine/infer-types.js';
import { loadModel } from '../../src/onnx/load-model.js';
import { canonicalize } from '../../src/passes/index.js';
import { encodeModel } from '../../src/onnx/write-model.js';
import { maxAbsDiff, runOrt } from '../helpers/ort.js';
import { HAVE_SHARED, SHARED_MODELS, SHARED_MODEL_NAMES, SKIP_NO_SHARED } from '../helpers/shared.js';

const ROWS = 4;

function row(x: Tensor, i: number): Tensor {
  const inner = x.shape.slice(1);
  const n = sizeOf(inner);
  return makeTensor('float32', [1, ...inner], x.data.subarray(i * n, (i + 1) * n));
}

describe.skipIf(!HAVE_SHARED)(`shared models load and survive the writer${SKIP_NO_SHARED}`, () => {
  for (const name of SHARED_MODEL_NAMES) {
    it(`${name}: written model matches the original in onnxruntime`, async () => {
      const path = `${SHARED_MODELS}/${name}.onnx`;
      const graph = loadModel(path);
      expect(graph.inputs).toHaveLength(1);
      const input = graph.inputs[0]!;
      expect(input.shape[0]).toBe(1); // the symbolic batch dimension bound to 1
      expect(graph.nodes.every((n) => n.op !== 'Constant')).toBe(true);

      const written = encodeModel(graph);
      inferTypes(graph);
      const canonical = canonicalize(graph);
      expect(canonical.nodes.some((n) => n.activation !== undefined)).toBe(true);
      const writtenCanonical = encodeModel(canonical);

      const x = readNpy(`${SHARED_MODELS}/${name}.test_x.npy`);
      expect(x.shape.slice(1)).toEqual(input.shape.slice(1));
      for (let i = 0; i < ROWS; i++) {
        const feeds = { [input.name]: row(x, i) };
        const original = await runOrt(path, feeds);
        for (const [bytes, tolerance] of [[written, 1e-5], [writtenCanonical, 1e-4]] as const) {
          const ours = await runOrt(bytes, feeds);
          for (const [out, ref] of original) {
            const got = ours.get(out);
            expect(got, `${name} output ${out}`).toBeDefined();
            expect(got!.shape).toEqual(ref.shape);
            expect(maxAbsDiff(got!.data, ref.data)).toBeLessThanOrEqual(tolerance);
          }
        }
      }
    });
  }
});

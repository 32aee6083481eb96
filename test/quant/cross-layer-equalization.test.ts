/**
 * Cross-layer equalisation and bias correction on real exporter output (../shared/models):
 * - the equalised graph, written by onnx/write-model.ts, runs in onnxruntime-node to the same
 *   outputs as the original ONNX file within 1e-4 (absolute, logits/reconstructions of order 1-10);
 * - after equalisation each pair's channel ranges agree: max|W_A[i]| = max|W_B[:, i]| within 1e-3
 *   relative, and the spread of per-channel ranges across a pair's channels shrinks;
 * - bias correction: for the first layer (whose input is the same in fp32 and quantized models),
 *   the per-channel mean output of the layer with fake-quantized weights (train/fake-quant.ts, the
 *   independent weight quantizer of QAT) and the corrected bias equals the fp32 mean within 1e-4.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assertSupported } from '../../src/analysis/inspect-model.js';
import { inferTypes } from '../../src/engine/infer-types.js';
import { runNode } from '../../src/engine/run-graph.js';
import type { Graph } from '../../src/ir/graph.js';
import { makeTensor } from '../../src/ir/tensor.js';
import { loadModel } from '../../src/onnx/load-model.js';
import { encodeModel } from '../../src/onnx/write-model.js';
import { canonicalize } from '../../src/passes/index.js';
import { correctBias } from '../../src/quant/bias-correction.js';
import { equalizeCrossLayer } from '../../src/quant/cross-layer-equalization.js';
import { fakeQuantizeWeights } from '../../src/train/fake-quant.js';
import { maxAbsDiff, runOrt } from '../helpers/ort.js';
import { randomTensor } from '../helpers/random.js';
import { HAVE_SHARED, SHARED_MODELS, SKIP_NO_SHARED } from '../helpers/shared.js';

function canonical(model: string): Graph {
  const path = join(SHARED_MODELS, `${model}.onnx`);
  const graph = loadModel(path, {});
  assertSupported(graph, path);
  inferTypes(graph);
  return canonicalize(graph);
}

describe.skipIf(!HAVE_SHARED)(`cross-layer equalisation${SKIP_NO_SHARED}`, () => {
  it.each([
    ['digits_lenet', 3],
    ['dscnn', 9],
    ['resnet8', 3],
    ['autoencoder', 5],
  ])('%s: %i pairs equalised; onnxruntime gives the original outputs within 1e-4', async (model, expectedPairs) => {
    const graph = canonical(model);
    const { graph: equalized, pairs } = equalizeCrossLayer(graph);
    expect(pairs.length).toBe(expectedPairs);
    const input = graph.inputs[0]!;
    const original = readFileSync(join(SHARED_MODELS, `${model}.onnx`));
    const written = encodeModel(equalized);
    for (const seed of [1, 2]) {
      const x = randomTensor([...input.shape], seed, 0, 1);
      const want = (await runOrt(original, { [input.name]: x })).get(graph.outputs[0]!.name)!;
      const got = (await runOrt(written, { [input.name]: x })).get(graph.outputs[0]!.name)!;
      expect(maxAbsDiff(got.data, want.data)).toBeLessThan(1e-4);
    }
  });

  it('digits_lenet: every pair ends with equal ranges on both sides of each channel (the fixed point), and range spreads shrink', () => {
    const graph = canonical('digits_lenet');
    const { graph: eq } = equalizeCrossLayer(graph);
    const weight = (g: Graph, layer: number) => g.initializers.get(g.nodes.filter((n) => n.op === 'Conv' || n.op === 'Gemm')[layer]!.inputs[1]!)!;
    // Range of output channel c (row c: Conv [O, I, kh, kw], Gemm with transB [N, K]).
    const outRanges = (g: Graph, layer: number) => {
      const w = weight(g, layer);
      const per = w.data.length / w.shape[0]!;
      return Array.from({ length: w.shape[0]! }, (_, c) => Math.max(...Array.from(w.data.subarray(c * per, (c + 1) * per), Math.abs)));
    };
    // Range of the weights reading channel c of the previous layer: input column k belongs to
    // channel floor(k / spatial) (spatial 9 = 3x3 taps of a Conv's input plane counted per
    // filter; after Flatten of [16, 2, 2], 4 features per channel).
    const inRanges = (g: Graph, layer: number, channels: number) => {
      const w = weight(g, layer);
      const r = new Array<number>(channels).fill(0);
      const [rows, cols] = [w.shape[0]!, w.data.length / w.shape[0]!];
      const kernel = w.shape.length === 4 ? w.shape[2]! * w.shape[3]! : cols / channels;
      for (let o = 0; o < rows; o++) for (let k = 0; k < cols; k++) {
        const c = Math.floor(k / kernel);
        r[c] = Math.max(r[c]!, Math.abs(w.data[o * cols + k]!));
      }
      return r;
    };
    const spread = (r: number[]) => Math.max(...r) / Math.min(...r.filter((v) => v > 0));
    for (const [a, b] of [[0, 1], [1, 2], [2, 3]] as const) {
      const r1 = outRanges(eq, a);
      const r2 = inRanges(eq, b, r1.length);
      r1.forEach((v, c) => expect(Math.abs(v - r2[c]!) / v, `pair ${a}->${b} channel ${c}`).toBeLessThan(1e-3));
    }
    expect(spread(outRanges(eq, 0))).toBeLessThan(spread(outRanges(graph, 0)));
  });
});

describe.skipIf(!HAVE_SHARED)(`bias correction${SKIP_NO_SHARED}`, () => {
  it.each([
    ['digits_lenet', 4],
    ['resnet8', 2],
  ] as const)('%s: first layer at %i bits: mean output with quantized weights and corrected bias = fp32 mean within 1e-4', (model, bits) => {
    const graph = canonical(model);
    const input = graph.inputs[0]!;
    const samples = [1, 2, 3, 4].map((seed) => randomTensor([...input.shape], seed, 0, 1).data as Float32Array);
    const first = graph.nodes[0]!;
    const { graph: corrected, layers } = correctBias(graph, samples, { weightBits: { [first.name]: bits } });
    expect(layers).toContain(first.name);
    const node = corrected.nodes[0]!;
    const w = corrected.initializers.get(node.inputs[1]!)!;
    const wq = makeTensor('float32', w.shape, fakeQuantizeWeights(w, 0, bits).values);
    const meanPerChannel = (weights: typeof w, bias: string) => {
      const sums = new Float64Array(w.shape[0]!);
      let perChannel = 0;
      for (const s of samples) {
        const x = makeTensor('float32', input.shape, s);
        const [y] = runNode({ ...node, activation: undefined } as typeof node, [x, weights, corrected.initializers.get(bias) ?? graph.initializers.get(bias)]);
        perChannel = y!.data.length / sums.length;
        for (let i = 0; i < y!.data.length; i++) sums[Math.floor(i / perChannel)] = sums[Math.floor(i / perChannel)]! + y!.data[i]!;
      }
      return Array.from(sums, (v) => v / (perChannel * samples.length));
    };
    const fp32 = meanPerChannel(w, first.inputs[2]!);
    const quantized = meanPerChannel(wq, node.inputs[2]!);
    const uncorrected = meanPerChannel(wq, first.inputs[2]!);
    const err = (a: number[]) => Math.max(...a.map((v, c) => Math.abs(v - fp32[c]!)));
    expect(err(quantized)).toBeLessThan(1e-4);
    // The correction did something: without it the 4-/2-bit weights shift the means visibly.
    expect(err(uncorrected)).toBeGreaterThan(1e-3);
  });
});

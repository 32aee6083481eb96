/**
 * The benchmark topologies at a given batch: MLPerf Tiny's ResNet-8 and DS-CNN as exported by
 * PyTorch (../shared/models), and MobileNetV1 0.25 at 96x96 (MLPerf Tiny's Visual Wake Words
 * model: 3x3 stem, 13 depthwise-separable blocks, global average pool, 2 classes), built here
 * with seeded He-initialised weights, since only its speed matters. Each comes as the canonical
 * graph edgec runs and the ONNX bytes onnxruntime runs.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { inferTypes } from '../src/engine/infer-types.js';
import type { Graph } from '../src/ir/graph.js';
import { loadModel, decodeModel } from '../src/onnx/load-model.js';
import { encodeModel } from '../src/onnx/write-model.js';
import { canonicalize } from '../src/passes/index.js';
import { ModelBuilder } from '../scripts/lib/model-builder.js';

export const SHARED_MODELS = fileURLToPath(new URL('../../shared/models', import.meta.url));

export interface BenchModel {
  name: string;
  /** Canonicalised, input bound to the batch. */
  graph: Graph;
  inputName: string;
  inputShape: number[];
  /** The model as onnxruntime gets it (the exporter's file, or edgec's writer for built ones). */
  onnx: Uint8Array;
}

/**
 * A model from ../shared/models at batch `batch`, or undefined when that folder is absent. The
 * exporter fixed the batch at 1; the graph has no batch-dependent constants (Flatten, not
 * Reshape), so the input is rebound and the types inferred again, and onnxruntime gets the
 * exporter's graph written back at the same batch.
 */
export function sharedModel(name: string, batch: number): BenchModel | undefined {
  const path = `${SHARED_MODELS}/${name}.onnx`;
  if (!existsSync(path)) return undefined;
  const graph = withBatch(loadModel(path), batch);
  const input = graph.inputs[0]!;
  const onnx = encodeModel(graph);
  const canonical = canonicalize(withBatch(graph, batch));
  inferTypes(canonical);
  return { name, graph: canonical, inputName: input.name, inputShape: [...input.shape], onnx };
}

/** `graph` with the first dimension of its inputs and outputs set to `batch`, types inferred. */
function withBatch(graph: Graph, batch: number): Graph {
  for (const v of [...graph.inputs, ...graph.outputs]) v.shape = [batch, ...v.shape.slice(1)];
  inferTypes(graph);
  return graph;
}

/** Width-multiplied channels of MobileNetV1's blocks, and their strides. */
const MOBILENET_BLOCKS: [channels: number, stride: number][] = [
  [64, 1], [128, 2], [128, 1], [256, 2], [256, 1], [512, 2],
  [512, 1], [512, 1], [512, 1], [512, 1], [512, 1], [1024, 2], [1024, 1],
];

/** MobileNetV1 with width multiplier `alpha` on `size` x `size` RGB input, BatchNorm folded. */
export function mobilenetV1(batch: number, alpha = 0.25, size = 96, classes = 2): BenchModel {
  const inputShape = [batch, 3, size, size];
  const b = new ModelBuilder(`mobilenet_v1_${alpha}_${size}`, { name: 'input', shape: inputShape }, 2024);
  const width = (c: number) => Math.max(8, Math.round(c * alpha));
  let channels = width(32);
  let x = b.node('Relu', [b.conv('input', 3, channels, [3, 3], { strides: [2, 2], pads: [1, 1, 1, 1] })]);
  for (const [c, stride] of MOBILENET_BLOCKS) {
    x = b.node('Relu', [b.conv(x, channels, channels, [3, 3], { group: channels, strides: [stride, stride], pads: [1, 1, 1, 1] })]);
    const out = width(c);
    x = b.node('Relu', [b.conv(x, channels, out, [1, 1])]);
    channels = out;
  }
  x = b.node('Flatten', [b.node('GlobalAveragePool', [x])]);
  const graph = b.finish(b.gemm(x, channels, classes));
  const onnx = encodeModel(graph);
  const decoded = decodeModel(onnx, { source: graph.name, inputShapes: { input: inputShape } });
  inferTypes(decoded);
  const canonical = canonicalize(decoded);
  inferTypes(canonical);
  return { name: `mobilenet_v1_${alpha}_${size}`, graph: canonical, inputName: 'input', inputShape, onnx };
}

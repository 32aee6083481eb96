/**
 * runGraph's residual fusion (src/engine/fused-residual.ts): a Conv and the Add reading it run as
 * one kernel call. Checked on a ResNet-style graph against onnxruntime (1e-5 relative, float32
 * sums in another order) and, bit for bit, against the same graph run node by node (keepAll runs
 * without fusion): the fused epilogue does the Add's float32 operations in the Add's order.
 * Covered: the Winograd path (3x3 stride 1), the direct path (1x1 stride 2 shortcut, fused into
 * the later conv), a Clip as the Add's activation, and a conv whose output has a second reader
 * (not fused, still right).
 */
import { describe, expect, it } from 'vitest';
import { inferTypes } from '../../src/engine/infer-types.js';
import { runGraph } from '../../src/engine/run-graph.js';
import { planResidualFusions } from '../../src/engine/fused-residual.js';
import { wasmKernels } from '../../src/kernels/wasm/module.js';
import { opOf } from '../../src/ops/registry.js';
import { decodeModel } from '../../src/onnx/load-model.js';
import { canonicalize } from '../../src/passes/index.js';
import { buildModel } from '../helpers/onnx-builder.js';
import { maxAbsDiff, runOrt } from '../helpers/ort.js';
import { randomTensor } from '../helpers/random.js';

const [N, C, H] = [4, 8, 16];

function weights(name: string, shape: number[], seed: number) {
  return { name, shape, data: randomTensor(shape, seed, -0.3, 0.3).data };
}

// Block 1: x -> a (3x3) -> relu -> b (3x3) -> Add(b, x) -> relu.
// Block 2: y1 -> c (3x3, stride 2) -> d (3x3) ; shortcut s (1x1, stride 2) exported after d -> Add(d, s) -> clip.
// Block 3: y2 -> e (3x3) whose output is also read by a Mul -> Add(e, y2): e has two readers, no fusion.
const bytes = buildModel({
  nodes: [
    { op: 'Conv', inputs: ['x', 'wa', 'ba'], outputs: ['a'], attrs: { pads: [1, 1, 1, 1] } },
    { op: 'Relu', inputs: ['a'], outputs: ['ar'] },
    { op: 'Conv', inputs: ['ar', 'wb', 'bb'], outputs: ['b'], attrs: { pads: [1, 1, 1, 1] } },
    { op: 'Add', inputs: ['b', 'x'], outputs: ['s1'] },
    { op: 'Relu', inputs: ['s1'], outputs: ['y1'] },
    { op: 'Conv', inputs: ['y1', 'wc', 'bc'], outputs: ['c'], attrs: { pads: [1, 1, 1, 1], strides: [2, 2] } },
    { op: 'Conv', inputs: ['c', 'wd', 'bd'], outputs: ['d'], attrs: { pads: [1, 1, 1, 1] } },
    { op: 'Conv', inputs: ['y1', 'ws', 'bs'], outputs: ['s'], attrs: { strides: [2, 2] } },
    { op: 'Add', inputs: ['d', 's'], outputs: ['s2'] },
    { op: 'Clip', inputs: ['s2', 'lo', 'hi'], outputs: ['y2'] },
    { op: 'Conv', inputs: ['y2', 'we', 'be'], outputs: ['e'], attrs: { pads: [1, 1, 1, 1] } },
    { op: 'Add', inputs: ['e', 'y2'], outputs: ['s3'] },
    { op: 'Mul', inputs: ['s3', 'e'], outputs: ['y'] },
  ],
  inputs: [{ name: 'x', shape: [N, C, H, H] }],
  outputs: [{ name: 'y' }],
  initializers: [
    weights('wa', [C, C, 3, 3], 1), weights('ba', [C], 2), weights('wb', [C, C, 3, 3], 3), weights('bb', [C], 4),
    weights('wc', [C, C, 3, 3], 5), weights('bc', [C], 6), weights('wd', [C, C, 3, 3], 7), weights('bd', [C], 8),
    weights('ws', [C, C, 1, 1], 9), weights('bs', [C], 10), weights('we', [C, C, 3, 3], 11), weights('be', [C], 12),
    { name: 'lo', shape: [], data: [0] }, { name: 'hi', shape: [], data: [1.5] },
  ],
  opset: 13,
});
const decoded = decodeModel(bytes, { source: 'fused-residual.onnx' });
inferTypes(decoded);
const graph = canonicalize(decoded); // fuses each Relu/Clip into the Add before it

describe('residual Add fused into its Conv (runGraph)', () => {
  it('fuses the blocks whose conv output only the Add reads, into the conv that runs last', () => {
    const plan = [...planResidualFusions(graph)].map(([conv, f]) => [conv.outputs[0], f.add.outputs[0], f.shortcut, f.add.activation?.kind]);
    expect(plan).toEqual([['b', 'y1', 'x', 'relu'], ['s', 'y2', 'd', 'clip']]);
  });

  it('gives onnxruntime\'s output, and bit for bit the unfused run\'s', async () => {
    // Count the fused calls that ran (a kernel that declined would leave the unfused path to pass alone).
    const conv = opOf(graph.nodes.find((n) => n.op === 'Conv')!)!;
    const inner = conv.forwardWithResidual!;
    let fusedRuns = 0;
    conv.forwardWithResidual = (...args) => {
      const out = inner(...args);
      if (out) fusedRuns++;
      return out;
    };
    try {
      await compareRuns();
    } finally {
      conv.forwardWithResidual = inner;
    }
    expect(fusedRuns).toBe(wasmKernels() ? 4 : 0); // 2 fusions x 2 seeds
  });
});

/** Two inputs, each through the fused and the node-by-node runs and onnxruntime. */
async function compareRuns(): Promise<void> {
  for (const seed of [1, 2]) {
    const x = randomTensor([N, C, H, H], 100 + seed);
    const fused = runGraph(graph, { x }).get('y')!;
    const unfused = runGraph(graph, { x }, { keepAll: true }).get('y')!;
    expect(maxAbsDiff(fused.data, unfused.data)).toBe(0);
    const ref = (await runOrt(bytes, { x })).get('y')!;
    let scale = 1;
    for (const v of ref.data) scale = Math.max(scale, Math.abs(v));
    expect(maxAbsDiff(fused.data, ref.data)).toBeLessThanOrEqual(1e-5 * scale);
  }
}

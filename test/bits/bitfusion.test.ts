/**
 * On the Bit Fusion target, the speedup `--bits auto` reports for its choice over all-8-bit
 * weights equals the one the Bit Fusion formula gives (../shared/docs/quantization.md §3, its
 * simulator's cycle count), computed here from the layers' shapes:
 *   cycles = overhead + G x ceil(OC/M) x OH x OW x KH x KW x ceil(IC / (N x lanes(a) x lanes(w)))
 *   lanes(b) = floor(8 / max(b, 2))      (OC, IC per group; batch 1)
 * Layers without weights cost the same in both configurations (read from the report).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { compress } from '../../src/api/compress.js';
import { writeNpy } from '../../src/data/npy.js';
import { loadCanonical } from '../../src/pipeline/compress-model.js';
import { buildModel } from '../helpers/onnx-builder.js';
import { randomTensor } from '../helpers/random.js';

const tmp = mkdtempSync(join(tmpdir(), 'edgec-bits-bf-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const FIXTURE = join(tmp, 'wide.onnx');

const weights = (name: string, shape: number[], seed: number, scale = 0.1) => ({ name, shape, data: Array.from(randomTensor(shape, seed, -scale, scale).data) });

/** Wider than the array's 16 columns (cnn-tiny is not: every layer would fit one pass at any width). */
function wideNet(): Uint8Array {
  return buildModel({
    inputs: [{ name: 'x', shape: [1, 48, 8, 8] }],
    outputs: [{ name: 'y' }],
    initializers: [weights('w1', [64, 48, 3, 3], 1), weights('b1', [64], 2), weights('w2', [40, 64, 1, 1], 3), weights('w3', [10, 40], 4), weights('b3', [10], 5)],
    nodes: [
      { op: 'Conv', name: 'conv1', inputs: ['x', 'w1', 'b1'], outputs: ['c1'], attrs: { pads: [1, 1, 1, 1] } },
      { op: 'Relu', name: 'relu1', inputs: ['c1'], outputs: ['r1'] },
      { op: 'Conv', name: 'conv2', inputs: ['r1', 'w2'], outputs: ['c2'] },
      { op: 'GlobalAveragePool', name: 'gap', inputs: ['c2'], outputs: ['g'] },
      { op: 'Flatten', name: 'flat', inputs: ['g'], outputs: ['f'] },
      { op: 'Gemm', name: 'fc', inputs: ['f', 'w3', 'b3'], outputs: ['y'], attrs: { transB: 1 } },
    ],
    opset: 13,
  });
}

const bitfusion = JSON.parse(readFileSync(new URL('../../targets/bitfusion.json', import.meta.url), 'utf8')) as { cost: { rows_m: number; cols_n: number; layer_overhead_cycles: number } };
const lanes = (b: number) => Math.floor(8 / Math.max(b, 2));

it('reports the speedup over all-8-bit that the Bit Fusion formula gives', async () => {
  writeFileSync(FIXTURE, wideNet());
  const calib = join(tmp, 'x.npy');
  writeNpy(calib, randomTensor([16, 48, 8, 8], 4, 0, 1));
  const { report } = await compress(FIXTURE, { bits: 'auto', target: 'bitfusion', optimize: 'latency', calib, outDir: join(tmp, 'out'), distillSteps: 2, maxDrop: 50, uniformBits: true });
  const graph = loadCanonical(FIXTURE, []);
  const { rows_m: M, cols_n: N } = bitfusion.cost;
  const overhead = bitfusion.cost.layer_overhead_cycles;
  const cycles = (name: string, w: number, a: number): number => {
    const node = graph.nodes.find((n) => n.name === name)!;
    const weight = graph.initializers.get(node.inputs[1]!)!;
    const out = graph.types.get(node.outputs[0]!)!.shape;
    if (node.op === 'Gemm') {
      const transB = node.attrs.transB?.value === 1;
      const [oc, ic] = transB ? [weight.shape[0]!, weight.shape[1]!] : [weight.shape[1]!, weight.shape[0]!];
      return overhead + Math.ceil(oc / M) * Math.ceil(ic / (N * lanes(a) * lanes(w)));
    }
    const groups = Number(node.attrs.group?.value ?? 1);
    const [oc, icPerGroup, kh, kw] = weight.shape as [number, number, number, number];
    return overhead + groups * Math.ceil(oc / groups / M) * out[2]! * out[3]! * kh * kw * Math.ceil(icPerGroup / (N * lanes(a) * lanes(w)));
  };
  let chosen = 0;
  let w8 = 0;
  for (const layer of report.layers) {
    if (layer.w_bits === null) {
      chosen += layer.cycles;
      w8 += layer.cycles;
    } else {
      expect(layer.cycles).toBe(cycles(layer.name, layer.w_bits, layer.a_bits));
      chosen += cycles(layer.name, layer.w_bits, layer.a_bits);
      w8 += cycles(layer.name, 8, layer.a_bits);
    }
  }
  const b = report.bit_search!;
  expect(report.totals.cycles).toBe(chosen);
  expect(b.chosen.cycles).toBe(chosen);
  expect(b.versus_w8!.speedup).toBeCloseTo(w8 / chosen, 5);
  // With a loose drop budget (and the first and last layers searched too) the search goes below
  // 8 bits, so the speedup is real.
  expect(w8 / chosen).toBeGreaterThan(1.5);
});

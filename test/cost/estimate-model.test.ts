/**
 * estimateModelCost on a small quantized CNN: the ModelCost invariants (layers sum to totals,
 * latency = cycles / clock, energy = P x latency, RAM = the emitted arena, flash = constants +
 * code), the int4/int2 weight factors a CPU target's coefficients state, and Bit Fusion's formula
 * recomputed here from the layer shapes (w2a2 16x faster than w8a8 when the channels fill the array).
 */
import { describe, expect, it } from 'vitest';
import { canonicalize } from '../../src/passes/index.js';
import { inferTypes } from '../../src/engine/infer-types.js';
import { emitSources } from '../../src/pipeline/integer-stages.js';
import { quantizeModel } from '../../src/quant/quantize-model.js';
import { constBytes } from '../../src/report/compress-report.js';
import { estimateModelCost } from '../../src/cost/estimate-model.js';
import { layerCycles } from '../../src/cost/estimate-layer.js';
import { layerWork } from '../../src/cost/layer-work.js';
import { loadTarget, resolveTarget } from '../../src/targets/load-targets.js';
import type { CpuCost } from '../../src/targets/target.js';
import { ModelBuilder } from '../../scripts/lib/model-builder.js';

function smallCnn() {
  const b = new ModelBuilder('small', { name: 'input', shape: [1, 3, 16, 16] }, 7);
  let x = b.node('Relu', [b.conv('input', 3, 16, [3, 3], { pads: [1, 1, 1, 1] })]);
  x = b.node('Relu', [b.conv(x, 16, 16, [3, 3], { group: 16, pads: [1, 1, 1, 1] })]);
  x = b.node('Relu', [b.conv(x, 16, 32, [1, 1])]);
  x = b.node('Flatten', [b.node('GlobalAveragePool', [x])]);
  const graph = canonicalize(b.finish(b.node('Softmax', [b.gemm(x, 32, 10)])));
  inferTypes(graph);
  return graph;
}

const graph = smallCnn();
const w8 = quantizeModel(graph, { weightBits: 8, samples: 2, seed: 1 });
const arena = emitSources(w8, undefined).arenaBytes;

describe('estimateModelCost', () => {
  const target = resolveTarget('stm32l4r5', { clockMhz: 80 });
  const cost = estimateModelCost(w8, target, { arenaBytes: arena });

  it('classifies the layers and keeps the ops\' MACs', () => {
    expect(cost.layers.map((l) => l.kind)).toEqual(['conv', 'depthwise', 'conv1x1', 'pool', 'other', 'fully_connected', 'softmax']);
    expect(cost.layers.map((l) => l.macs)).toEqual([16 * 16 * 16 * 27, 16 * 16 * 16 * 9, 16 * 16 * 32 * 16, 0, 0, 320, 0]);
  });

  it('sums its layers to the totals, with latency = cycles / clock and energy = P x latency', () => {
    const sum = (f: (l: (typeof cost.layers)[number]) => number) => cost.layers.reduce((s, l) => s + f(l), 0);
    expect(cost.totals.cycles).toBe(sum((l) => l.cycles));
    expect(cost.totals.latency_ms).toBeCloseTo(sum((l) => l.latency_ms), 12);
    expect(cost.totals.energy_uj).toBeCloseTo(sum((l) => l.energy_uj), 12);
    for (const l of cost.layers) {
      expect(l.latency_ms).toBeCloseTo(l.cycles / 80e3, 12);
      expect(l.energy_uj).toBeCloseTo(target.active_power_mw * l.latency_ms, 12);
    }
    expect(cost.clock_mhz).toBe(80);
    expect(cost.active_power_mw).toBeCloseTo(loadTarget('stm32l4r5').active_power_mw * (80 / 120), 9);
  });

  it('counts flash as constants + kernel code and RAM as the emitted arena', () => {
    expect(cost.totals.ram_bytes).toBe(arena);
    expect(cost.totals.const_bytes).toBe(w8.layers.reduce((s, l) => s + constBytes(l), 0));
    expect(cost.totals.flash_bytes).toBe(cost.totals.const_bytes + cost.totals.code_bytes);
    const t = loadTarget('stm32l4r5');
    // conv (Conv x3, with the DSP-extension GEMM and depthwise variants Conv may call on this
    // DSP core), pool (GlobalAveragePool), layout (Flatten), dense (Gemm), softmax: each once.
    const kernels = ['conv', 'gemm_dsp', 'depthwise_dsp', 'pool', 'layout', 'dense', 'softmax'].reduce((s, k) => s + t.code_bytes[k]!, 0);
    expect(cost.totals.code_bytes).toBe(kernels + 7 * t.code_bytes_per_layer);
  });

  it('prices a conv as its coefficients say', () => {
    const c = loadTarget('stm32l4r5').cost as CpuCost;
    const conv = cost.layers[0]!;
    // 3 input channels x 9 taps: each output's requantization spread over 27 MACs.
    const expected = c.layer_overhead_cycles + conv.macs * (c.cycles_per_mac.conv + c.few_channels_cycles / 27);
    expect(conv.cycles).toBe(Math.round(expected));
  });

  it('int4 and int2 weights cost the stated unpacking factor on a CPU', () => {
    const c = loadTarget('stm32l4r5').cost as CpuCost;
    for (const bits of [4, 2] as const) {
      const q = quantizeModel(graph, { weightBits: bits, samples: 2, seed: 1 });
      const low = estimateModelCost(q, loadTarget('stm32l4r5'), { arenaBytes: arena });
      const base = estimateModelCost(w8, loadTarget('stm32l4r5'), { arenaBytes: arena });
      for (const [i, l] of low.layers.entries()) {
        if (l.w_bits === null) {
          expect(l.cycles).toBe(base.layers[i]!.cycles);
          continue;
        }
        expect(l.w_bits).toBe(bits);
        const factor = c.weight_bits_factor[bits === 4 ? '4' : '2'][l.kind as 'conv'];
        const at8 = layerCycles(layerWork(w8.layers[i]!, w8), { w: 8, a: 8 }, loadTarget('stm32l4r5'));
        expect(l.cycles).toBe(Math.round(c.layer_overhead_cycles + (at8 - c.layer_overhead_cycles) * factor));
        expect(l.cycles).toBeGreaterThan(base.layers[i]!.cycles);
        expect(factor).toBeGreaterThan(1);
      }
    }
  });
});

describe('Bit Fusion target', () => {
  const bf = loadTarget('bitfusion');
  const { rows_m: M, cols_n: N } = bf.cost as { rows_m: number; cols_n: number };

  it('follows cycles = ceil(OC/M) x OH x OW x KH x KW x ceil(IC/(N x perf_factor)) per layer', () => {
    const cost = estimateModelCost(w8, bf, { arenaBytes: arena });
    const overhead = bf.cost.layer_overhead_cycles;
    // By hand from the model's shapes (batch 1, w8a8: perf_factor 1).
    expect(cost.layers[0]!.cycles - overhead).toBe(Math.ceil(16 / M) * 16 * 16 * 9 * Math.ceil(3 / N));
    expect(cost.layers[1]!.cycles - overhead).toBe(16 * 16 * 16 * 9); // depthwise: one channel per group
    expect(cost.layers[2]!.cycles - overhead).toBe(Math.ceil(32 / M) * 16 * 16 * Math.ceil(16 / N));
    expect(cost.layers[5]!.cycles - overhead).toBe(Math.ceil(10 / M) * Math.ceil(32 / N));
  });

  it('runs a w2a2 layer 16x faster than w8a8, w4a4 4x, w8a16 2x slower', () => {
    const work = { kind: 'conv1x1' as const, macs: 0, elements: 0, geometry: { rows: 1, groups: 1, outChannels: 64, inChannels: 512, outPixels: 14 * 14, kernelTaps: 1 } };
    const at = (w: number, a: number) => layerCycles(work, { w, a }, bf) - bf.cost.layer_overhead_cycles;
    expect(at(8, 8)).toBe(Math.ceil(64 / M) * 196 * Math.ceil(512 / N));
    expect(at(8, 8) / at(2, 2)).toBe(16);
    expect(at(8, 8) / at(4, 4)).toBe(4);
    expect(at(8, 8) / at(2, 8)).toBe(4);
    expect(at(8, 16) / at(8, 8)).toBe(2);
  });

  it('quantized int2 layers run on the fused bricks of the model path too', () => {
    const q2 = quantizeModel(graph, { weightBits: 2, samples: 2, seed: 1 });
    const l = layerWork(q2.layers[2]!, q2);
    expect(layerCycles(l, { w: 2, a: 8 }, bf) - bf.cost.layer_overhead_cycles).toBe(Math.ceil(32 / M) * 256 * Math.ceil(16 / (N * 4)));
  });
});

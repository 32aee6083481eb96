/**
 * A hand-built report.json (schema 2) for the view tests: three layers at 8, 4 and 2 bits, one
 * with scratch, layer and tensor names an attacker chose, one budget missed. The numbers are
 * consistent (layers sum to the totals) but typed in by hand, not computed by edgec.
 */
import type { CompressReport, LayerCostReport } from '../../src/report/compress-report.js';

export const HOSTILE = {
  script: '</title><script>alert(1)</script>',
  attribute: '" onmouseover="alert(2)',
  entity: 'a&b<c>',
};

function layer(name: string, op: string, w: number | null, cycles: number, flash: number, scratch: number): LayerCostReport {
  const latency = cycles / 120e3;
  return {
    name, op, w_bits: w, a_bits: 8, params: 100, weight_bytes: w === null ? 0 : Math.ceil((96 * w) / 8), const_bytes: flash,
    macs: cycles / 4, output_bytes: 64, sqnr_db: 40.5,
    kind: w === null ? 'pool' : 'conv', cycles, latency_ms: latency, energy_uj: 50 * latency, flash_bytes: flash, scratch_bytes: scratch,
  };
}

export function sampleReport(): CompressReport {
  const layers = [
    layer(HOSTILE.script, 'Conv', 8, 120_000, 200, 64),
    layer(HOSTILE.attribute, 'Conv', 4, 60_000, 100, 0),
    layer(HOSTILE.entity, 'MaxPool', null, 12_000, 0, 0),
    layer('fc_with_a_rather_long_name_that_needs_shortening', 'Gemm', 2, 24_000, 40, 0),
  ];
  const sum = (f: (l: LayerCostReport) => number) => layers.reduce((s, l) => s + f(l), 0);
  const arena = 576;
  return {
    schema: 'edgec.report/2',
    edgec_version: '0.0.0-test',
    name: 'hostile',
    model: { file: `${HOSTILE.entity}.onnx`, sha256: '0'.repeat(64), producer: HOSTILE.script, opset: 13 },
    options: { bits: 'w4a8', observer: 'minmax', group_size: null, input_range: [0, 1], calib_file: null, calibration: 'by hand' },
    bit_policy: { rule: 'uniform', weight_bits: 4, eight_bit_layers: [] },
    target: {
      id: 'stm32l4r5', name: 'STM32L4R5', core: 'cortex-m4', stack: 'microTVM + CMSIS-NN', clock_mhz: 120, vdd: 1.8,
      regulator: 'ldo', active_power_mw: 50, flash_bytes: 2 * 1048576, sram_bytes: 640 * 1024,
    },
    inputs: [{ name: HOSTILE.attribute, shape: [1, 3, 8, 8], type: 'int8', scale: 0.01, zero_point: 0 }],
    outputs: [{ name: 'out', shape: [1, 4], type: 'int8', scale: 0.1, zero_point: -3 }],
    layers,
    totals: {
      layers: layers.length, params: sum((l) => l.params), weights_bytes: sum((l) => l.weight_bytes), const_bytes: sum((l) => l.const_bytes),
      arena_bytes: arena, macs: sum((l) => l.macs), code_bytes: 1000, flash_bytes: sum((l) => l.flash_bytes) + 1000,
      io_bytes: 196, ram_bytes: arena + 196, cycles: sum((l) => l.cycles), latency_ms: sum((l) => l.latency_ms), energy_uj: sum((l) => l.energy_uj),
    },
    memory: {
      arena_bytes: arena,
      alignment: 16,
      buffers: [
        { name: HOSTILE.attribute, kind: 'tensor', offset: 0, size: 192, first_step: 0, last_step: 0 },
        { name: HOSTILE.script, kind: 'tensor', offset: 256, size: 320, first_step: 0, last_step: 1 },
        { name: 'pooled', kind: 'tensor', offset: 0, size: 80, first_step: 1, last_step: 3 },
        { name: 'out', kind: 'tensor', offset: 128, size: 4, first_step: 3, last_step: 4 },
        { name: `${HOSTILE.script} (scratch)`, kind: 'scratch', offset: 192, size: 64, first_step: 0, last_step: 0 },
      ],
    },
    budgets: {
      ok: false,
      latency_ms: { limit: 1, actual: 1.8, ok: false },
      ram_bytes: { limit: 65536, actual: arena + 196, ok: true },
      target_flash_bytes: { limit: 2 * 1048576, actual: 1340, ok: true },
      target_sram_bytes: { limit: 640 * 1024, actual: arena + 196, ok: true },
    },
    accuracy: { eval_inputs: 'uniform [0, 1] inputs', samples: 8, output_sqnr_db: 30.25, max_abs_error: 0.01 },
    files: ['hostile.c', 'hostile.h', 'report.html', 'report.json'],
  };
}

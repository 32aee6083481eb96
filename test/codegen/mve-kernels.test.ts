/**
 * The Helium (MVE) kernels (csrc/edgec_gemm_mve.c) on the real instruction set: random chains of
 * int8-weight convolutions (im2col with stride, padding and dilation; pointwise with channel
 * counts off multiples of 4 and reductions off multiples of 16, on both sides of 16) and fully
 * connected layers (1 and several rows), mixed with 4- and 2-bit layers (which keep the DSP
 * GEMM kernels on M55), and depthwise layers (8 and 4 bits, vertical stride, kernel heights 3
 * and 5, row tails of 1 and 3 pixels; csrc/edgec_depthwise_mve.c), quantized by the project's quantizer, emitted, built with arm-none-eabi-gcc
 * -Werror for cortex-m55 and run in QEMU (mps3-an547): every output bit-exact with the integer
 * reference (runQModel). Also: the int8 layers really call the MVE kernels under #if EDGEC_MVE,
 * -DEDGEC_PORTABLE agrees and executes more instructions, and on the host the MVE layouts decode
 * back to the weights and the DSP channel words.
 */
import { describe, expect, it } from 'vitest';
import { emitC } from '../../src/codegen/emit-c.js';
import { CHANNEL_INTS } from '../../src/codegen/dsp-layout.js';
import { arrangeMveWeights, MVE_GROUP_INTS, mveChannels } from '../../src/codegen/mve-layout.js';
import { runInQemu } from '../../src/qemu/index.js';
import type { QModel } from '../../src/quant/qmodel.js';
import { runQModel } from '../../src/quant/run-qmodel.js';
import { rng } from '../helpers/random.js';
import { HAVE_QEMU_TOOLS, SKIP_NO_QEMU } from '../qemu/tools-available.js';
import { randomIntInputs } from './qmodel-cases.js';
import { chain, conv, fc, ints } from './layer-chains.js';

const MODELS = [
  chain('mve_a', [1, 3, 11, 9], [
    conv('c1', [6, 3, 3, 3], { pads: ints([1, 1, 1, 1]), strides: ints([2, 2]) }, { kind: 'relu' }),
    conv('dw', [6, 1, 3, 3], { group: { kind: 'int', value: 6 }, pads: ints([1, 1, 1, 1]), strides: ints([2, 1]) }, { kind: 'relu' }),
    conv('pw', [19, 6, 1, 1], {}),
    conv('pw2', [5, 19, 1, 1], {}, { kind: 'clip', min: 0, max: 6 }),
    conv('c2', [7, 5, 3, 2], { pads: ints([0, 1, 2, 0]), dilations: ints([1, 2]) }, { kind: 'relu' }),
    { name: 'flat', op: 'Flatten' },
    fc('fc', [13, 7 * 3 * 4]),
  ], { c1: 8, dw: 8, pw: 8, pw2: 8, c2: 8, fc: 8 }, 21),
  chain('mve_b', [1, 33, 5, 7], [
    conv('pw', [34, 33, 1, 1], {}, { kind: 'relu' }),
    conv('c1', [9, 34, 3, 3], { pads: ints([1, 1, 1, 1]) }),
    conv('dw', [9, 1, 5, 3], { group: { kind: 'int', value: 9 }, pads: ints([2, 1, 2, 1]) }, { kind: 'clip', min: 0, max: 6 }),
    conv('pw2', [4, 9, 1, 1], {}),
    conv('pw3', [6, 4, 1, 1], {}),
    { name: 'flat', op: 'Flatten' },
    fc('fc', [3, 6 * 5 * 7]),
  ], { pw: 8, c1: 4, dw: 4, pw2: 8, pw3: 2, fc: 8 }, 22),
];

/**
 * Requantization at its edges: one chain's int8 layers get per-channel multipliers up to
 * 2^31 - 1 (and small ones, which with right shifts of 1-3 keep outputs in range and make ties
 * frequent) and shifts from -23 (the DSP gate's limit) to +3, so the vector requantization meets
 * left shifts, every right shift class, negative ties and saturation; runQModel reads the same
 * values. (Without the rounding fixup of edgec_mve.h this model fails.)
 */
function withEdgeRequant(q: QModel): QModel {
  const multipliers = [2 ** 31 - 1, 16777259, 1518500250, 8388617, 2 ** 30, 33554467, 2 ** 31 - 2];
  const shifts = [-23, -1, -2, -9, -8, -1, 0, -3, -7, 3];
  let c = 0;
  for (const layer of q.layers) {
    if (!layer.requant || layer.weights?.bits !== 8) continue;
    const n = layer.requant.multiplier.length;
    layer.requant = {
      multiplier: Int32Array.from({ length: n }, () => multipliers[c++ % multipliers.length]!),
      shift: Int32Array.from({ length: n }, () => shifts[c++ % shifts.length]!),
    };
  }
  return q;
}

MODELS.push(withEdgeRequant(chain('mve_c', [1, 6, 7, 6], [
  conv('pw', [23, 6, 1, 1], {}),
  conv('dw', [23, 1, 3, 3], { group: { kind: 'int', value: 23 }, pads: ints([1, 1, 1, 1]) }),
  conv('c1', [10, 23, 3, 3], { strides: ints([2, 2]) }, { kind: 'relu' }),
  { name: 'flat', op: 'Flatten' },
  fc('fc', [9, 10 * 3 * 2]),
], { pw: 8, dw: 8, c1: 8, fc: 8 }, 23)));

describe('MVE layouts (host)', () => {
  it('weights: blocks of 4 rows x 16 values, rows padded to 4 and the reduction to 16 with zeros', () => {
    const r = rng(5);
    const [rows, depth] = [7, 37];
    const values = Int8Array.from({ length: rows * depth }, () => Math.round(254 * r()) - 127);
    const out = arrangeMveWeights(values, rows, depth);
    expect(out.length).toBe(8 * 48);
    // The kernel's walk: group g, chunk n, row i of the group, lane j.
    for (let g = 0; g < 2; g++) {
      for (let n = 0; n < 3; n++) {
        for (let i = 0; i < 4; i++) {
          for (let j = 0; j < 16; j++) {
            const [row, k] = [4 * g + i, 16 * n + j];
            expect(out[((g * 3 + n) * 4 + i) * 16 + j]).toBe(row < rows && k < depth ? values[row * depth + k] : 0);
          }
        }
      }
    }
  });

  it('channels: per group of 4, bias, multiplier, left shift, negated right shift, fixup mask', () => {
    const rows = 6;
    const dsp = new Int32Array(8 * CHANNEL_INTS);
    for (let c = 0; c < rows; c++) dsp.set([100 * c - 250, 1 << 30 | c, c % 3 === 0 ? 3 : 1, c % 3 === 0 ? 0 : c + 2, 0], c * CHANNEL_INTS);
    const out = mveChannels(dsp, rows);
    expect(out.length).toBe(2 * MVE_GROUP_INTS);
    for (let c = 0; c < rows; c++) {
      const at = (field: number) => out[Math.floor(c / 4) * MVE_GROUP_INTS + field * 4 + (c % 4)];
      const right = c % 3 === 0 ? 0 : c + 2;
      expect([at(0), at(1), at(2), at(3), at(4)]).toEqual([100 * c - 250, 1 << 30 | c, c % 3 === 0 ? 2 : 0, right === 0 ? 0 : -right, right > 0 ? -1 : 0]);
    }
  });
});

describe.skipIf(!HAVE_QEMU_TOOLS)(`MVE kernels in QEMU (cortex-m55)${SKIP_NO_QEMU}`, () => {
  it('int8-weight layers call the MVE kernels under #if EDGEC_MVE, the others only the DSP ones', () => {
    const a = emitC(MODELS[0]!).files.get('mve_a.c')!;
    for (const call of ['edgec_conv_mve_w8(', 'edgec_pointwise_conv_mve_w8(', 'edgec_fully_connected_mve_w8(', 'edgec_depthwise_conv_mve(', '#if EDGEC_MVE', '#if EDGEC_DSP && !EDGEC_MVE']) {
      expect(a.includes(call), call).toBe(true);
    }
    const b = emitC(MODELS[1]!).files.get('mve_b.c')!;
    expect(b.match(/edgec_pointwise_conv_mve_w8\(/g)?.length).toBe(2);
    expect(b.includes('edgec_conv_mve_w8(')).toBe(false);
    expect(b.includes('edgec_depthwise_conv_mve(')).toBe(true); // any weight width
    // The edge requantization keeps every layer on the MVE kernels (the DSP gate still admits it).
    const c = emitC(MODELS[2]!).files.get('mve_c.c')!;
    for (const call of ['edgec_conv_mve_w8(', 'edgec_pointwise_conv_mve_w8(', 'edgec_fully_connected_mve_w8(', 'edgec_depthwise_conv_mve(']) {
      expect(c.includes(call), `mve_c: ${call}`).toBe(true);
    }
    expect(b.includes('edgec_conv_dsp_w4(') && b.includes('edgec_pointwise_conv_dsp_w2(')).toBe(true);
  });

  it.each(MODELS.map((q, m) => [q.name, m] as const))('%s is bit-exact with the integer reference', (_name, m) => {
    const q = MODELS[m]!;
    const inputs = [1, 2, 3].map((s) => randomIntInputs(q, 300 * m + s));
    const run = runInQemu(emitC(q), 'cortex-m55', inputs);
    inputs.forEach((x, s) => expect(run.outputs[s]!.map((o) => Array.from(o)), `sample ${s}`).toEqual(runQModel(q, x).map((o) => Array.from(o))));
  });

  it('-DEDGEC_PORTABLE agrees and executes more instructions', () => {
    const q = MODELS[0]!;
    const inputs = [randomIntInputs(q, 9)];
    const mve = runInQemu(emitC(q), 'cortex-m55', inputs);
    const portable = runInQemu(emitC(q), 'cortex-m55', inputs, { flags: ['-DEDGEC_PORTABLE'] });
    expect(mve.outputs[0]!.map((o) => Array.from(o))).toEqual(portable.outputs[0]!.map((o) => Array.from(o)));
    expect(mve.counts[0]!.instructions).toBeLessThan(portable.counts[0]!.instructions);
  });
});

/**
 * The DSP-extension kernels (csrc/edgec_*_dsp.c) on the real instruction set: chains of
 * convolutions (im2col with stride and padding, depthwise with odd widths and vertical stride,
 * pointwise with odd channel and pixel counts) and a fully connected layer, each layer at its own
 * weight width (8/4/2 bits), quantized by the project's quantizer, emitted, built with
 * arm-none-eabi-gcc -Werror and run in QEMU on cortex-m4 and cortex-m55 (both have the DSP
 * extension): every output bit-exact with the integer reference (runQModel) on random inputs
 * covering the int8 range. Also: the eligible layers really call the DSP kernels, the same image
 * built with -DEDGEC_PORTABLE agrees and executes more instructions, and on the host (no DSP
 * extension) the weight arrangement decodes back to the weights as SXTB16 would unpack them.
 */
import { describe, expect, it } from 'vitest';
import { emitC } from '../../src/codegen/emit-c.js';
import { arrangeGemmWeights, valuesPerWord, type DspBits } from '../../src/codegen/dsp-layout.js';
import { runInQemu, type QemuCore } from '../../src/qemu/index.js';
import type { QModel } from '../../src/quant/qmodel.js';
import { runQModel } from '../../src/quant/run-qmodel.js';
import { QMAX, QMIN } from '../../src/quant/weights.js';
import { rng } from '../helpers/random.js';
import { HAVE_QEMU_TOOLS, SKIP_NO_QEMU } from '../qemu/tools-available.js';
import { randomIntInputs } from './qmodel-cases.js';
import { chain, conv, fc, ints } from './layer-chains.js';

const MODELS = [
  chain('dsp_a', [1, 3, 11, 9], [
    conv('c1', [6, 3, 3, 3], { pads: ints([1, 1, 1, 1]), strides: ints([2, 2]) }, { kind: 'relu' }),
    conv('dw', [6, 1, 3, 3], { group: { kind: 'int', value: 6 }, pads: ints([1, 1, 1, 1]) }, { kind: 'clip', min: 0, max: 6 }),
    conv('pw', [7, 6, 1, 1], {}),
    { name: 'flat', op: 'Flatten' },
    fc('fc', [13, 7 * 6 * 5]),
  ], { c1: 8, dw: 4, pw: 2, fc: 4 }, 11),
  chain('dsp_b', [1, 5, 9, 7], [
    conv('c1', [9, 5, 3, 2], { pads: ints([0, 1, 2, 0]), dilations: ints([1, 2]) }),
    conv('dw', [9, 1, 3, 3], { group: { kind: 'int', value: 9 }, pads: ints([1, 1, 1, 1]), strides: ints([2, 1]) }, { kind: 'relu' }),
    conv('pw', [11, 9, 1, 1], {}, { kind: 'relu' }),
    conv('dw2', [11, 1, 5, 3], { group: { kind: 'int', value: 11 }, pads: ints([2, 1, 2, 1]) }),
    { name: 'flat', op: 'Flatten' },
    fc('fc', [3, 11 * 5 * 6]),
  ], { c1: 2, dw: 8, pw: 4, dw2: 2, fc: 8 }, 12),
];

describe('DSP weight arrangement (host)', () => {
  it('the int2 layers of the chains use all four codes (-2 included), so QEMU runs each', () => {
    const int2 = MODELS.flatMap((q) => q.layers.filter((l) => l.weights?.bits === 2));
    expect(int2.length).toBe(3);
    for (const l of int2) expect([...new Set(l.weights!.values)].sort(), l.name).toEqual([-1, -2, 0, 1]);
  });

  /** What SXTB16 of field j (even: bytes 0, 2; odd: bytes 1, 3) gives, as the kernel reads it. */
  function unpack(word: number, bits: DspBits, j: number, odd: boolean): [number, number] {
    const field = (byte: number) => {
      const raw = (word >>> (byte * 8 + j * bits)) & ((1 << bits) - 1);
      return raw >= 1 << (bits - 1) ? raw - (1 << bits) : raw;
    };
    return odd ? [field(1), field(3)] : [field(0), field(2)];
  }

  it.each([8, 4, 2] as const)('w%i words unpack, pair by pair, to the weights in input order (zero padding)', (bits) => {
    const rows = 3;
    const depth = 37;
    const r = rng(bits);
    // Every integer of the width's grid, int2's -2 included.
    const values = Int8Array.from({ length: rows * depth }, () => QMIN[bits] + Math.floor(r() * (QMAX[bits] - QMIN[bits] + 1)));
    if (bits < 8) expect(new Set(values).size, 'all codes drawn').toBe(QMAX[bits] - QMIN[bits] + 1);
    const words = arrangeGemmWeights(values, rows, depth, bits);
    const perWord = valuesPerWord(bits);
    const wordsPerRow = Math.ceil(depth / perWord);
    for (let row = 0; row < 4; row++) {
      const decoded: number[] = [];
      for (let n = 0; n < wordsPerRow; n++) {
        const word = words[((row >> 1) * wordsPerRow + n) * 2 + (row & 1)]!;
        for (let j = 0; j < perWord / 4; j++) decoded.push(...unpack(word, bits, j, false), ...unpack(word, bits, j, true));
      }
      const want = Array.from({ length: wordsPerRow * perWord }, (_, k) => (row < rows && k < depth ? values[row * depth + k]! : 0));
      expect(decoded, `row ${row}`).toEqual(want);
    }
  });
});

describe.skipIf(!HAVE_QEMU_TOOLS)(`DSP kernels in QEMU${SKIP_NO_QEMU}`, () => {
  it('eligible layers call the DSP kernels under #if EDGEC_DSP, beside the portable calls', () => {
    for (const q of MODELS) {
      const source = emitC(q).files.get(`${q.name}.c`)!;
      for (const kernel of [/edgec_conv_dsp_w[842]\(/, /edgec_depthwise_conv_dsp\(/, /edgec_pointwise_conv_dsp_w[842]\(/, /edgec_fully_connected_dsp_w[842]\(/]) {
        expect(kernel.test(source), `${q.name}: ${kernel}`).toBe(true);
      }
      // Each layer calls the entry point of its own weight width.
      const widths = q.name === 'dsp_a' ? ['edgec_conv_dsp_w8(', 'edgec_pointwise_conv_dsp_w2(', 'edgec_fully_connected_dsp_w4('] : ['edgec_conv_dsp_w2(', 'edgec_pointwise_conv_dsp_w4(', 'edgec_fully_connected_dsp_w8('];
      for (const call of widths) expect(source.includes(call), `${q.name}: ${call}`).toBe(true);
      expect(source.includes('#if !EDGEC_DSP')).toBe(true);
    }
  });

  const grid = MODELS.flatMap((q, m) => (['cortex-m4', 'cortex-m55'] as QemuCore[]).map((core) => [q.name, core, m] as const));
  it.each(grid)('%s on %s is bit-exact with the integer reference', (_name, core, m) => {
    const q = MODELS[m]!;
    const inputs = [1, 2, 3].map((s) => randomIntInputs(q, 100 * m + s));
    const run = runInQemu(emitC(q), core, inputs);
    inputs.forEach((x, s) => expect(run.outputs[s]!.map((o) => Array.from(o)), `sample ${s}`).toEqual(runQModel(q, x).map((o) => Array.from(o))));
  });

  it('-DEDGEC_PORTABLE builds the portable kernels: same outputs, more instructions (cortex-m4)', () => {
    const q = MODELS[1]!;
    const inputs = [randomIntInputs(q, 7)];
    const dsp = runInQemu(emitC(q), 'cortex-m4', inputs);
    const portable = runInQemu(emitC(q), 'cortex-m4', inputs, { flags: ['-DEDGEC_PORTABLE'] });
    expect(portable.outputs[0]!.map((o) => Array.from(o))).toEqual(dsp.outputs[0]!.map((o) => Array.from(o)));
    expect(dsp.counts[0]!.instructions).toBeLessThan(portable.counts[0]!.instructions);
  });
});

/**
 * Whole models through the C: the shared PyTorch models quantized at w8a8/w4a8/w2a8 (dscnn and
 * resnet8 with all three, one program), bit-exact with the integer reference on random inputs
 * and, through the float entry point, on real test samples; arena budgets of the issue; packing
 * ratios of the weight bytes; determinism; and the security case: hostile node, tensor and model
 * names give C that builds and carries none of them raw.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emitC, type EmittedC } from '../../src/codegen/emit-c.js';
import { buildHostProgram, type HostProgram } from '../../src/codegen/host-build.js';
import { readNpy } from '../../src/data/npy.js';
import { inferTypes } from '../../src/engine/infer-types.js';
import { loadModel } from '../../src/onnx/load-model.js';
import { canonicalize } from '../../src/passes/index.js';
import { quantizeModel } from '../../src/quant/quantize-model.js';
import type { QModel } from '../../src/quant/qmodel.js';
import { dequantizeOutput, quantizeInput, runQModel } from '../../src/quant/run-qmodel.js';
import { HAVE_SHARED, SHARED_MODELS, SKIP_NO_SHARED } from '../helpers/shared.js';
import { quantizeCase, randomIntInputs } from './qmodel-cases.js';

const BITS = [8, 4, 2] as const;
const MODELS = ['dscnn', 'resnet8'] as const;

function quantizeShared(name: string, bits: 8 | 4 | 2): QModel {
  const raw = loadModel(`${SHARED_MODELS}/${name}.onnx`);
  inferTypes(raw);
  return quantizeModel(canonicalize(raw), { weightBits: bits, samples: 4 });
}

describe.skipIf(!HAVE_SHARED)(`shared models in C${SKIP_NO_SHARED}`, () => {
  const built: { model: string; bits: number; q: QModel; emitted: EmittedC }[] = [];
  let program: HostProgram;
  beforeAll(() => {
    for (const model of MODELS) {
      for (const bits of BITS) {
        const q = quantizeShared(model, bits);
        built.push({ model, bits, q, emitted: emitC(q, { name: `${model}_w${bits}` }) });
      }
    }
    program = buildHostProgram(built.map((b) => b.emitted));
  }, 300_000);
  afterAll(() => program?.dispose());

  it.each(MODELS.flatMap((m) => BITS.map((b) => [m, b] as const)))('%s w%ia8 is bit-exact on random inputs', (model, bits) => {
    const k = built.findIndex((b) => b.model === model && b.bits === bits);
    const { q } = built[k]!;
    const samples = [randomIntInputs(q, 77)];
    const got = program.runInt(k, samples);
    samples.forEach((inputs, s) => expect(Array.from(got[s]![0]!)).toEqual(Array.from(runQModel(q, inputs)[0]!)));
  });

  it('the float entry point quantizes and dequantizes exactly as quant/int-tensor.ts (dscnn w8, real samples)', () => {
    const k = built.findIndex((b) => b.model === 'dscnn' && b.bits === 8);
    const { q } = built[k]!;
    const x = readNpy(`${SHARED_MODELS}/dscnn.test_x.npy`);
    const size = 49 * 10;
    const samples = [0, 1, 2].map((s) => [Float32Array.from(x.data.subarray(s * size, (s + 1) * size))]);
    const got = program.runFloat(k, samples);
    samples.forEach(([input], s) => {
      const want = dequantizeOutput(q, runQModel(q, [quantizeInput(q, input!)])[0]!);
      expect(Array.from(got[s]![0]!)).toEqual(Array.from(want));
    });
  });

  it('arenas within 1.10 x the layer-wise bounds (dscnn 16,000 B, resnet8 49,152 B)', () => {
    for (const b of built) {
      const bound = b.model === 'dscnn' ? 16_000 : 49_152;
      expect(b.emitted.arenaBytes, `${b.model} w${b.bits}`).toBeLessThanOrEqual(1.1 * bound);
    }
  });

  it('packing is real: weight bytes at w4 <= 0.55 x w8 and at w2 <= 0.30 x w8', () => {
    for (const model of MODELS) {
      const bytes = (bits: number) => built.find((b) => b.model === model && b.bits === bits)!.emitted.weightBytes;
      expect(bytes(4) / bytes(8), model).toBeLessThanOrEqual(0.55);
      expect(bytes(2) / bytes(8), model).toBeLessThanOrEqual(0.3);
    }
  });

  it('emitting twice gives byte-identical files', () => {
    const again = emitC(quantizeShared('dscnn', 4), { name: 'dscnn_w4' });
    const first = built.find((b) => b.model === 'dscnn' && b.bits === 4)!.emitted;
    expect([...again.files.keys()]).toEqual([...first.files.keys()]);
    for (const [file, text] of first.files) expect(again.files.get(file), file).toBe(text);
  });
});

describe('hostile names never reach the C raw', () => {
  const EVIL = ['x */ #include "evil.h" /*', 'a\nb\\c"d', 'ünï©ødé ??/ name', '#include <stdio.h>', '*/int main(){return 1;}/*'];

  function hostileModel(): QModel {
    const q = quantizeCase({ op: 'Conv', attrs: { pads: [1, 1, 1, 1] }, inputs: [[1, 2, 4, 4]], constants: [[3, 2, 3, 3], [3]] }, EVIL[0]!);
    const rename = new Map<string, string>([['x0', EVIL[1]!], ['y', EVIL[3]!]]);
    const tensors = new Map([...q.tensors].map(([n, t]) => [rename.get(n) ?? n, { ...t, name: rename.get(n) ?? n }]));
    const layers = q.layers.map((l) => ({ ...l, name: EVIL[4]!, inputs: l.inputs.map((n) => rename.get(n) ?? n), outputs: l.outputs.map((n) => rename.get(n) ?? n) }));
    return { ...q, name: EVIL[2]!, calibration: EVIL[0]!, tensors, layers, inputs: q.inputs.map((n) => rename.get(n)!), outputs: q.outputs.map((n) => rename.get(n)!) };
  }

  it('builds, runs bit-exact, and carries no hostile text', () => {
    const q = hostileModel();
    const emitted = emitC(q);
    expect(emitted.name).toMatch(/^[A-Za-z_][A-Za-z0-9_]*$/);
    for (const [file, text] of emitted.files) {
      expect(file).toMatch(/^[A-Za-z0-9_]+\.[ch]$/);
      for (const evil of EVIL) expect(text.includes(evil), `${file} contains ${JSON.stringify(evil)}`).toBe(false);
      expect(/^[\x20-\x7e\n]*$/.test(text), `${file} is printable ASCII`).toBe(true);
      expect(text.includes('\\'), `${file} has a backslash`).toBe(false);
      expect(text.includes('??'), `${file} has a trigraph`).toBe(false);
      for (const line of text.split('\n').filter((l) => l.includes('#include'))) expect(line).toMatch(/^#include ("[a-z0-9_]+\.h"|<(stdint|string|arm_acle|arm_mve)\.h>)$/);
      expect(text.split('/*').length, `${file}: comments open and close in pairs`).toBe(text.split('*/').length);
      // Kernel sources are verbatim copies of csrc/ (inline assembly has quotes); model text lands only in NAME.*.
      if (!file.startsWith('edgec_')) expect(text.replace(/^#include .*$/gm, '').includes('"'), `${file} has a quote`).toBe(false);
    }
    const program = buildHostProgram([emitted]);
    try {
      const inputs = randomIntInputs(q, 5);
      expect(Array.from(program.runInt(0, [inputs])[0]![0]!)).toEqual(Array.from(runQModel(q, inputs)[0]!));
    } finally {
      program.dispose();
    }
  });

  it('a --name that is not a safe C identifier is refused', () => {
    expect(() => emitC(hostileModel(), { name: 'a"b' })).toThrow(/not a C identifier/);
    expect(() => emitC(hostileModel(), { name: 'int' })).toThrow(/not a C identifier/);
  });
});

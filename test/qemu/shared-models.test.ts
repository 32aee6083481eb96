/**
 * Acceptance in CI (issue 8): digits_lenet and dscnn at w8a8 and w4a8, compiled with
 * arm-none-eabi-gcc for cortex-m4 (mps2-an386) and cortex-m55 (mps3-an547), run in QEMU on real
 * test inputs: every output bit-exact with the integer reference (src/quant/run-qmodel.ts).
 * Also, against figures the emitter states itself: the model's .rodata holds at least every
 * constant array the emitter wrote (EmittedC.constBytes), and the per-layer counts add up to
 * the inference; dscnn w8a8 on cortex-m4 keeps .text + .rodata within its constants + 12 KB.
 * One build per model, bits and core; three inputs each.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { emitC, type EmittedC } from '../../src/codegen/emit-c.js';
import { readNpy } from '../../src/data/npy.js';
import { inferTypes } from '../../src/engine/infer-types.js';
import { loadModel } from '../../src/onnx/load-model.js';
import { canonicalize } from '../../src/passes/index.js';
import { runInQemu, type QemuCore } from '../../src/qemu/index.js';
import type { QModel } from '../../src/quant/qmodel.js';
import { quantizeModel } from '../../src/quant/quantize-model.js';
import { quantizeInput, runQModel } from '../../src/quant/run-qmodel.js';
import { HAVE_SHARED, SHARED_MODELS, SKIP_NO_SHARED } from '../helpers/shared.js';
import { HAVE_QEMU_TOOLS, SKIP_NO_QEMU } from './tools-available.js';

const MODELS = ['digits_lenet', 'dscnn'] as const;
const BITS = [8, 4] as const;
const CORES: QemuCore[] = ['cortex-m4', 'cortex-m55'];
const SAMPLES = 3;

interface Case {
  q: QModel;
  emitted: EmittedC;
  inputs: (Int8Array | Int16Array)[][];
}

function prepare(name: string, bits: 8 | 4): Case {
  const raw = loadModel(`${SHARED_MODELS}/${name}.onnx`);
  inferTypes(raw);
  const q = quantizeModel(canonicalize(raw), { weightBits: bits, samples: 4 });
  const x = readNpy(`${SHARED_MODELS}/${name}.test_x.npy`);
  const size = x.shape.slice(1).reduce((p, d) => p * d, 1);
  const inputs = Array.from({ length: SAMPLES }, (_, s) => [quantizeInput(q, Float32Array.from(x.data.subarray(s * size, (s + 1) * size)))]);
  return { q, emitted: emitC(q, { name: `${name}_w${bits}` }), inputs };
}

describe.skipIf(!HAVE_SHARED || !HAVE_QEMU_TOOLS)(`shared models in QEMU${SKIP_NO_SHARED}${SKIP_NO_QEMU}`, () => {
  const cases = new Map<string, Case>();
  beforeAll(() => {
    for (const m of MODELS) for (const b of BITS) cases.set(`${m}/${b}`, prepare(m, b));
  }, 120_000);

  const grid = MODELS.flatMap((m) => BITS.flatMap((b) => CORES.map((c) => [m, b, c] as const)));
  it.each(grid)('%s w%ia8 on %s is bit-exact with the integer reference', (model, bits, core) => {
    const { q, emitted, inputs } = cases.get(`${model}/${bits}`)!;
    const run = runInQemu(emitted, core, inputs);
    inputs.forEach((x, s) => {
      const want = runQModel(q, x);
      expect(run.outputs[s]!.map((o) => Array.from(o))).toEqual(want.map((o) => Array.from(o)));
    });
    expect(run.modelSizes.rodata).toBeGreaterThanOrEqual(emitted.constBytes);
    expect(run.modelSizes.bss).toBeGreaterThanOrEqual(emitted.arenaBytes);
    // Issue 8 acceptance (dscnn w8a8, cortex-m4): code + constants within the constants + 12 KB.
    if (model === 'dscnn' && bits === 8 && core === 'cortex-m4') {
      expect(run.modelSizes.text + run.modelSizes.rodata).toBeLessThanOrEqual(emitted.constBytes + 12 * 1024);
    }
    for (const c of run.counts) {
      expect(c.layers).toHaveLength(q.layers.length);
      expect(c.instructions).toBe(c.boundary + c.layers.reduce((s, n) => s + n, 0));
      // A weighted layer reads every weight: at least one instruction per 16 (an MVE vector of
      // int8), less one tick of resolution; a Flatten may be free.
      c.layers.forEach((n, i) => expect(n).toBeGreaterThanOrEqual(Math.floor((q.layers[i]!.weights?.values.length ?? 0) / 16) - run.resolution));
    }
  }, 60_000);
});

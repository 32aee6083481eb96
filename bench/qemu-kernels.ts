/**
 * `npm run bench:qemu`: the emitted C of DS-CNN (../shared/models/dscnn.onnx, w8a8) in QEMU,
 * instructions per MAC per layer and for the whole inference on cortex-m4 with the DSP kernels,
 * on cortex-m4 with the portable kernels (-DEDGEC_PORTABLE) and on cortex-m55 with the DSP kernels
 * (-DEDGEC_NO_MVE) and with the Helium (MVE) kernels; and the model's
 * .text + .rodata on cortex-m4 beside its constant bytes + 12 KB. Checks the targets of issue 8:
 *   - whole inference on cortex-m4 <= 2.0 instructions per MAC;
 *   - DSP kernels <= 0.5 x the instructions of the portable kernels on the same model;
 *   - .text + .rodata <= constant (weight and parameter) bytes + 12 KB.
 * Prints a table; exits 1 if a target is missed. QEMU counts instructions (-icount shift=0), not
 * cycles; see ../shared/docs/mcu-data.md for CMSIS-NN's figures measured the same way.
 * Options: --bits 8|4|2 (default 8), --samples N (default 2).
 */
import { emitC } from '../src/codegen/emit-c.js';
import { readNpy } from '../src/data/npy.js';
import { inferTypes } from '../src/engine/infer-types.js';
import { loadModel } from '../src/onnx/load-model.js';
import { canonicalize } from '../src/passes/index.js';
import { runInQemu, type QemuCore, type QemuResult } from '../src/qemu/index.js';
import type { QLayer } from '../src/quant/qmodel.js';
import { quantizeModel } from '../src/quant/quantize-model.js';
import { quantizeInput, runQModel } from '../src/quant/run-qmodel.js';

const SHARED = new URL('../../shared/models/', import.meta.url).pathname;

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? fallback : Number(process.argv[i + 1]);
}

const BITS = option('bits', 8) as 8 | 4 | 2;
const SAMPLES = option('samples', 2);

function macsOf(layer: QLayer): number {
  const p = (n: string) => Number(layer.params?.[n] ?? 0);
  if (layer.op === 'Conv') return p('outChannels') * p('outHeight') * p('outWidth') * (p('inChannels') / p('group')) * p('kernelHeight') * p('kernelWidth');
  if (layer.op === 'Gemm' || layer.op === 'MatMul') return p('rows') * p('inFeatures') * p('outFeatures');
  return 0;
}

const raw = loadModel(`${SHARED}dscnn.onnx`);
inferTypes(raw);
const q = quantizeModel(canonicalize(raw), { weightBits: BITS, samples: 4 });
const emitted = emitC(q, { name: 'dscnn' });
const x = readNpy(`${SHARED}dscnn.test_x.npy`);
const size = x.shape.slice(1).reduce((a, b) => a * b, 1);
const inputs = Array.from({ length: SAMPLES }, (_, s) => [quantizeInput(q, Float32Array.from(x.data.subarray(s * size, (s + 1) * size)))]);

const runs: [string, QemuCore, string[]][] = [['m4 dsp', 'cortex-m4', []], ['m4 portable', 'cortex-m4', ['-DEDGEC_PORTABLE']], ['m55 dsp', 'cortex-m55', ['-DEDGEC_NO_MVE']], ['m55 mve', 'cortex-m55', []]];
const results = new Map<string, QemuResult>();
let exact = true;
for (const [label, core, flags] of runs) {
  const run = runInQemu(emitted, core, inputs, { flags });
  inputs.forEach((input, s) => {
    const want = runQModel(q, input).map((o) => Array.from(o));
    if (JSON.stringify(run.outputs[s]!.map((o) => Array.from(o))) !== JSON.stringify(want)) exact = false;
  });
  results.set(label, run);
}

const mean = (r: QemuResult, f: (c: QemuResult['counts'][number]) => number) => r.counts.reduce((s, c) => s + f(c), 0) / r.counts.length;
const macs = q.layers.map(macsOf);
const totalMacs = macs.reduce((a, b) => a + b, 0);
const pad = (s: string | number, n: number) => String(s).padStart(n);
const perMac = (instructions: number, m: number) => (m > 0 ? (instructions / m).toFixed(2) : '-');

console.log(`DS-CNN w${BITS}a8, ${totalMacs} MACs, ${SAMPLES} inputs, QEMU -icount shift=0 (instructions per MAC)`);
console.log(`${'layer'.padEnd(28)}${pad('MACs', 9)}${runs.map(([l]) => pad(l, 14)).join('')}`);
q.layers.forEach((layer, i) => {
  const cells = runs.map(([l]) => pad(perMac(mean(results.get(l)!, (c) => c.layers[i] ?? 0), macs[i]!), 14));
  console.log(`${`${i} ${layer.op}`.padEnd(28)}${pad(macs[i]!, 9)}${cells.join('')}`);
});
const totals = new Map(runs.map(([l]) => [l, mean(results.get(l)!, (c) => c.instructions)]));
console.log(`${'whole inference'.padEnd(28)}${pad(totalMacs, 9)}${runs.map(([l]) => pad(perMac(totals.get(l)!, totalMacs), 14)).join('')}`);
console.log(`${'instructions'.padEnd(37)}${runs.map(([l]) => pad(Math.round(totals.get(l)!), 14)).join('')}`);

const m4 = results.get('m4 dsp')!;
const code = m4.modelSizes.text + m4.modelSizes.rodata;
const budget = emitted.constBytes + 12 * 1024;
const checks: [string, boolean][] = [
  ['outputs bit-exact with the integer reference on every core', exact],
  [`cortex-m4 whole inference ${perMac(totals.get('m4 dsp')!, totalMacs)} <= 2.00 instructions/MAC`, totals.get('m4 dsp')! <= 2 * totalMacs],
  [`DSP / portable instructions ${(totals.get('m4 dsp')! / totals.get('m4 portable')!).toFixed(3)} <= 0.5`, totals.get('m4 dsp')! <= 0.5 * totals.get('m4 portable')!],
  [`cortex-m4 .text ${m4.modelSizes.text} + .rodata ${m4.modelSizes.rodata} = ${code} <= constants ${emitted.constBytes} + 12288 = ${budget}`, code <= budget],
];
for (const [text, ok] of checks) console.log(`${ok ? 'PASS' : 'FAIL'}  ${text}`);
process.exitCode = checks.every(([, ok]) => ok) ? 0 : 1;

/**
 * Executed instructions of the emitted C in QEMU (src/qemu/): per inference, per MAC and per layer,
 * for shared models quantized as `edgec compress` does, on the chosen cores. The figure issue 8's
 * speed targets are stated in (dscnn w8a8 on cortex-m4: <= 2.0 instructions per MAC).
 *
 *   npx tsx bench/qemu-instructions.ts [--model dscnn] [--bits 8] [--core cortex-m4,cortex-m55]
 *                                      [--samples 2] [--flags "-O3 -DNAME=0"]
 *
 * --flags are appended to the model's compile flags (e.g. to force a kernel variant and compare).
 * Needs ../shared/models and the Arm tools; prints a table per core.
 */
import { emitC } from '../src/codegen/emit-c.js';
import { estimateModelCost } from '../src/cost/estimate-model.js';
import { layerWork } from '../src/cost/layer-work.js';
import type { ModelCost } from '../src/cost/model-cost.js';
import { inferTypes } from '../src/engine/infer-types.js';
import { loadModel } from '../src/onnx/load-model.js';
import { canonicalize } from '../src/passes/index.js';
import { boardOf, parseQemuCore, runInQemu } from '../src/qemu/index.js';
import { planArena } from '../src/codegen/plan-arena.js';
import { quantizeModel } from '../src/quant/quantize-model.js';
import { randomIntInputs } from '../test/codegen/qmodel-cases.js';
import { SHARED_MODELS } from '../test/helpers/shared.js';
import { loadTarget } from '../src/targets/load-targets.js';

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? fallback : (process.argv[i + 1] ?? fallback);
}

const modelName = option('model', 'dscnn');
const bits = Number(option('bits', '8')) as 8 | 4 | 2;
const cores = option('core', 'cortex-m4,cortex-m55').split(',').map(parseQemuCore);
const samples = Number(option('samples', '2'));
const flags = option('flags', '').split(' ').filter((f) => f !== '');

const raw = loadModel(`${SHARED_MODELS}/${modelName}.onnx`);
inferTypes(raw);
const q = quantizeModel(canonicalize(raw), { weightBits: bits, samples: 4 });
const emitted = emitC(q, { name: modelName });
const inputs = Array.from({ length: samples }, (_, s) => randomIntInputs(q, s + 1));

for (const core of cores) {
  const board = boardOf(core);
  let cost: ModelCost | null = null;
  try {
    cost = estimateModelCost(q, loadTarget(board.costTarget), { arenaBytes: planArena(q).arenaSize });
  } catch (e) {
    console.log(`(no cost-model estimate: ${(e as Error).message})`);
  }
  const run = runInQemu(emitted, core, inputs, { flags });
  const counts = run.counts[0]!;
  const macsOf = (i: number) => cost?.layers[i]?.macs ?? layerWork(q.layers[i]!, q).macs;
  const macs = q.layers.reduce((s, _, i) => s + macsOf(i), 0);
  const pad = (s: string | number, n: number) => String(s).padStart(n);
  console.log(`\n${modelName} w${bits}a8 on ${core} (${board.machine})${flags.length ? ` flags ${flags.join(' ')}` : ''}`);
  console.log(`${pad('#', 3)} ${'op'.padEnd(12)} ${pad('MACs', 10)} ${pad('instr', 11)} ${pad('instr/MAC', 9)} ${pad(`est.cyc ${board.costTarget}`, 18)}`);
  q.layers.forEach((layer, i) => {
    const m = macsOf(i);
    const n = counts.layers[i] ?? 0;
    console.log(`${pad(i, 3)} ${layer.op.padEnd(12)} ${pad(m, 10)} ${pad(n, 11)} ${pad(m ? (n / m).toFixed(2) : '-', 9)} ${pad(cost?.layers[i]?.cycles ?? '-', 18)}`);
  });
  const s = run.modelSizes;
  console.log(`total ${counts.instructions} instructions, ${(counts.instructions / macs).toFixed(3)} per MAC over ${macs} MACs; ` +
    `model .text ${s.text} .rodata ${s.rodata} .data ${s.data} .bss ${s.bss} bytes (constants ${emitted.constBytes})`);
}

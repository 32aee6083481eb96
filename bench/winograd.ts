/**
 * Winograd F(4x4, 3x3) against the direct conv kernel at batch 32 (`npx tsx bench/winograd.ts
 * [--threads N]`, default 1 thread) on resnet8's 3x3 stride-1 shapes (C -> C at pad 1: the input
 * gradient's adjoint conv has the same shape), its stem and the stem's adjoint, and a few small
 * channel counts that decide MIN_CHANNELS in src/kernels/wasm/winograd-wasm.ts. Prints the least
 * CPU milliseconds of 21 interleaved calls each (process.cpuUsage, summed over threads; load only
 * slows a call down, so the least is the steadiest figure on a shared machine), with the load
 * average and the largest difference between the two kernels' outputs. Then the same for the
 * weight gradient (dw and db): the direct kernel (conv_backward_weight, EDGEC_WINOGRAD=off) against
 * winograd_weight_grad (src/kernels/wasm/winograd-wgrad-wasm.ts), which decides where that one runs.
 */
import { loadavg } from 'node:os';
import type { Conv2dShape } from '../src/kernels/conv2d.js';
import { runConvForward } from '../src/kernels/wasm/conv-call.js';
import { wasmConv2dBackwardWeight } from '../src/kernels/wasm/conv2d-backward-wasm.js';
import { runWinogradForward } from '../src/kernels/wasm/winograd-wasm.js';
import { runWinogradWeightGrad } from '../src/kernels/wasm/winograd-wgrad-wasm.js';
import { rng } from '../src/util/random.js';

const threadsAt = process.argv.indexOf('--threads');
process.env['EDGEC_THREADS'] = threadsAt > 0 ? process.argv[threadsAt + 1]! : '1';
const BATCH = 32;

function layer(c: number, hw: number, m: number, pad = 1): Conv2dShape {
  return {
    batch: BATCH, inChannels: c, inHeight: hw, inWidth: hw, outChannels: m, outHeight: hw + 2 * pad - 2, outWidth: hw + 2 * pad - 2,
    kernelHeight: 3, kernelWidth: 3, strideHeight: 1, strideWidth: 1, dilationHeight: 1, dilationWidth: 1,
    padTop: pad, padLeft: pad, groups: 1,
  };
}

const LAYERS: [string, Conv2dShape][] = [
  ['16->16 32x32', layer(16, 32, 16)],
  ['32->32 16x16', layer(32, 16, 32)],
  ['64->64 8x8', layer(64, 8, 64)],
  ['3->16 32x32 (stem)', layer(3, 32, 16)],
  ['16->3 32x32 (stem adjoint)', layer(16, 32, 3)],
  ['8->8 32x32', layer(8, 32, 8)],
  ['4->16 32x32', layer(4, 32, 16)],
  ['16->4 32x32', layer(16, 32, 4)],
  ['8->16 16x16', layer(8, 16, 16)],
];

function randomArray(n: number, seed: number): Float32Array {
  const r = rng(seed);
  return Float32Array.from({ length: n }, () => r() * 2 - 1);
}

/** CPU milliseconds of one call of each of `runs`, interleaved; the fastest of 21 rounds (load only slows calls down). */
function cpuMs(...runs: (() => void)[]): number[] {
  for (const run of runs) run();
  const best = runs.map(() => Infinity);
  for (let i = 0; i < 21; i++) {
    runs.forEach((run, k) => {
      const start = process.cpuUsage();
      run();
      const used = process.cpuUsage(start);
      best[k] = Math.min(best[k]!, (used.user + used.system) / 1000);
    });
  }
  return best;
}

process.stdout.write(`threads ${process.env['EDGEC_THREADS']}, batch ${BATCH}, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}\n`);
for (const [name, s] of LAYERS) {
  const x = randomArray(s.batch * s.inChannels * s.inHeight * s.inWidth, 1);
  const w = randomArray(s.outChannels * s.inChannels * 9, 2);
  const b = randomArray(s.outChannels, 3);
  const direct = new Float32Array(s.batch * s.outChannels * s.outHeight * s.outWidth);
  const winograd = new Float32Array(direct.length);
  runConvForward(direct, x, w, b, s);
  runWinogradForward(winograd, x, w, b, s);
  const worst = direct.reduce((m, v, i) => Math.max(m, Math.abs(v - winograd[i]!)), 0);
  const macs = s.batch * s.outChannels * s.outHeight * s.outWidth * s.inChannels * 9;
  const [d, g] = cpuMs(() => runConvForward(direct, x, w, b, s), () => runWinogradForward(winograd, x, w, b, s)) as [number, number];
  const gflops = (ms: number) => ((2 * macs) / ms / 1e6).toFixed(1);
  process.stdout.write(`${name.padEnd(28)} direct ${d.toFixed(2).padStart(6)} ms (${gflops(d)} GFLOP/s)  winograd ${g.toFixed(2).padStart(6)} ms (${gflops(g)} effective)  ${(d / g).toFixed(2)}x  max|diff| ${worst.toExponential(1)}\n`);
}

process.stdout.write('weight gradient (dw and db)\n');
for (const [name, s] of LAYERS) {
  const x = randomArray(s.batch * s.inChannels * s.inHeight * s.inWidth, 1);
  const dy = randomArray(s.batch * s.outChannels * s.outHeight * s.outWidth, 4);
  const direct = new Float32Array(s.outChannels * s.inChannels * 9);
  const winograd = new Float32Array(direct.length);
  const db = new Float32Array(s.outChannels);
  const runDirect = () => {
    process.env['EDGEC_WINOGRAD'] = 'off';
    wasmConv2dBackwardWeight(direct, dy, x, s, db);
    delete process.env['EDGEC_WINOGRAD'];
  };
  const runWinograd = () => runWinogradWeightGrad(winograd, dy, x, s, db);
  runDirect();
  runWinograd();
  const worst = direct.reduce((m, v, i) => Math.max(m, Math.abs(v - winograd[i]!)), 0);
  const scale = direct.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  const [d, g] = cpuMs(runDirect, runWinograd) as [number, number];
  process.stdout.write(`${name.padEnd(28)} direct ${d.toFixed(2).padStart(6)} ms  winograd ${g.toFixed(2).padStart(6)} ms  ${(d / g).toFixed(2)}x  max|diff| ${worst.toExponential(1)} (max|dw| ${scale.toFixed(0)})\n`);
}

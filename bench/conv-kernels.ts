/**
 * Benchmark of the convolution kernels on the layer shapes of the MLPerf Tiny models (ResNet-8 and
 * DS-CNN), in the llm.c manner: each fast kernel is first validated against its slow reference,
 * then both are timed. Run: `npx tsx bench/conv-kernels.ts` (prints one line per layer).
 * Speed is checked here, never in unit tests: the machine's load makes timings noisy.
 */
import { conv2dForward, conv2dReference, type Conv2dShape } from '../src/kernels/conv2d.js';
import { rng } from '../src/util/random.js';

function layer(name: string, c: number, h: number, w: number, m: number, k: [number, number], stride: number, pad: [number, number], groups = 1) {
  const outHeight = Math.floor((h + 2 * pad[0] - k[0]) / stride) + 1;
  const outWidth = Math.floor((w + 2 * pad[1] - k[1]) / stride) + 1;
  const shape: Conv2dShape = {
    batch: 1, inChannels: c, inHeight: h, inWidth: w, outChannels: m, outHeight, outWidth,
    kernelHeight: k[0], kernelWidth: k[1], strideHeight: stride, strideWidth: stride,
    dilationHeight: 1, dilationWidth: 1, padTop: pad[0], padLeft: pad[1], groups,
  };
  return { name, shape };
}

const LAYERS = [
  layer('resnet8 conv 32x32x16 3x3', 16, 32, 32, 16, [3, 3], 1, [1, 1]),
  layer('resnet8 conv 16x16x32 3x3', 32, 16, 16, 32, [3, 3], 1, [1, 1]),
  layer('resnet8 conv 32x32x3 3x3 stem', 3, 32, 32, 16, [3, 3], 1, [1, 1]),
  layer('resnet8 conv 32x32x16 3x3 s2', 16, 32, 32, 32, [3, 3], 2, [1, 1]),
  layer('resnet8 shortcut 32x32x16 1x1 s2', 16, 32, 32, 32, [1, 1], 2, [0, 0]),
  layer('resnet8 shortcut 16x16x32 1x1 s2', 32, 16, 16, 64, [1, 1], 2, [0, 0]),
  layer('dscnn conv 49x10x1 10x4 s2', 1, 49, 10, 64, [10, 4], 2, [5, 1]),
  layer('dscnn depthwise 25x5x64 3x3', 64, 25, 5, 64, [3, 3], 1, [1, 1], 64),
  layer('dscnn pointwise 25x5x64', 64, 25, 5, 64, [1, 1], 1, [0, 0]),
];

function randomArray(n: number, seed: number): Float32Array {
  const r = rng(seed);
  return Float32Array.from({ length: n }, () => r() * 2 - 1);
}

/** Mean milliseconds per call over at least `budgetMs` of calls, after a warm-up. */
function time(run: () => void, budgetMs: number): number {
  for (let i = 0; i < 3; i++) run();
  let calls = 0;
  const start = performance.now();
  while (performance.now() - start < budgetMs) {
    run();
    calls++;
  }
  return (performance.now() - start) / calls;
}

for (const { name, shape: s } of LAYERS) {
  const input = randomArray(s.inChannels * s.inHeight * s.inWidth, 1);
  const weight = randomArray(s.outChannels * (s.inChannels / s.groups) * s.kernelHeight * s.kernelWidth, 2);
  const bias = randomArray(s.outChannels, 3);
  const size = s.outChannels * s.outHeight * s.outWidth;
  const fast = new Float32Array(size);
  const ref = new Float32Array(size);
  conv2dForward(fast, input, weight, bias, s);
  conv2dReference(ref, input, weight, bias, s);
  let worst = 0;
  for (let i = 0; i < size; i++) worst = Math.max(worst, Math.abs(fast[i]! - ref[i]!));
  const macs = size * (s.inChannels / s.groups) * s.kernelHeight * s.kernelWidth;
  const fastMs = time(() => conv2dForward(fast, input, weight, bias, s), 500);
  const refMs = time(() => conv2dReference(ref, input, weight, bias, s), 200);
  const rate = (ms: number) => `${(macs / ms / 1e6).toFixed(2)} GMAC/s`;
  console.log(
    `${name.padEnd(32)} ${(macs / 1e6).toFixed(2).padStart(6)} MMAC  fast ${fastMs.toFixed(3).padStart(8)} ms (${rate(fastMs)})` +
      `  reference ${refMs.toFixed(3).padStart(8)} ms (${rate(refMs)})  max |diff| ${worst.toExponential(1)}`,
  );
}

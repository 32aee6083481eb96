/**
 * `npm run bench:search`: the wall time of the `--bits auto` search
 * on ../shared/models/resnet8.onnx, distillation excluded, against issue 7's target of 30 s on
 * this machine. Timed: the search itself (pricing, per-layer sensitivity, the solver, bisection
 * along the front, the uniform configurations: src/bits/search.ts) plus one check of a realized
 * configuration on the integer reference, its samples synthesized (what the budget loop does).
 * Not timed: quantizing that configuration (part of realizing it, with distillation), synthesizing
 * the calibration samples (the pipeline does it with or without the search: bench/synthesis.ts
 * times it) and distillation (bench/compress-resnet8.ts).
 *
 * Options: --model NAME (a shared model, default resnet8), --target ID (default stm32l4r5).
 */
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { compareOutputs, makeProbe } from '../src/bits/sensitivity.js';
import { DISTILLED_PROXY_SCALE, searchBits } from '../src/bits/search.js';
import { synthesizeInputs } from '../src/distill/synthesize.js';
import { CHECK_SAMPLES, CHECK_SEED_OFFSET, integerOutputs } from '../src/pipeline/bit-search-stage.js';
import { loadCanonical } from '../src/pipeline/compress-model.js';
import { SYNTHETIC_SAMPLES } from '../src/pipeline/synthetic-stage.js';
import { equalizeCrossLayer } from '../src/quant/cross-layer-equalization.js';
import { quantizeModel } from '../src/quant/quantize-model.js';
import { makeTensor } from '../src/ir/tensor.js';
import { resolveTarget } from '../src/targets/load-targets.js';
import { HAVE_SHARED, SHARED_MODELS } from '../test/helpers/shared.js';

const TARGET_SECONDS = 30;

function argument(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? fallback : (process.argv[i + 1] ?? fallback);
}

function main(): void {
  const model = argument('model', 'resnet8');
  if (!HAVE_SHARED) {
    process.stdout.write(`bit search ${model}: skipped (no shared models at ${SHARED_MODELS})\n`);
    return;
  }
  const graph = loadCanonical(join(SHARED_MODELS, `${model}.onnx`), []);
  const samples = synthesizeInputs(graph, { count: SYNTHETIC_SAMPLES, seed: 1 }).samples;
  const load = loadavg()[0]!.toFixed(1);
  const started = performance.now();
  const equalized = equalizeCrossLayer(graph).graph;
  // As compress runs it by default: distillation follows, so the proxy budget is scaled.
  const result = searchBits(equalized, samples, { target: resolveTarget(argument('target', 'stm32l4r5'), {}), objective: 'flash_bytes', maxDrop: 1, budgets: {}, proxyScale: DISTILLED_PROXY_SCALE });
  const searched = performance.now();
  const chosen = result.ladder[0]!;
  // Quantizing the choice is the realization (with distillation), not the search: not timed.
  const quantizeStarted = performance.now();
  const calibration = makeTensor('float32', [samples.length, ...graph.inputs[0]!.shape.slice(1)], Float32Array.from(samples.flatMap((s) => Array.from(s))));
  const q = quantizeModel(equalized, { weightBits: Object.fromEntries(chosen.assignment), activation: chosen.activation, calibrationData: calibration, seed: 1 });
  const quantizeMs = performance.now() - quantizeStarted;
  const checkStarted = performance.now();
  // The check's own samples, synthesized with another seed (distillation never sees them).
  const holdout = synthesizeInputs(graph, { count: CHECK_SAMPLES, seed: 1 + CHECK_SEED_OFFSET }).samples;
  const probe = makeProbe(equalized, holdout);
  const check = compareOutputs(probe.reference, integerOutputs(q, holdout), probe.classes);
  const checkMs = performance.now() - checkStarted;
  const total = (searched - started + checkMs) / 1000;
  const pass = total <= TARGET_SECONDS;
  process.stdout.write(
    `bit search ${model}: ${total.toFixed(1)} s (target <= ${TARGET_SECONDS} s) ${pass ? 'pass' : 'FAIL'} (load average ${load} at start)\n` +
      `  search ${((searched - started) / 1000).toFixed(1)} s: ${result.sensitivities.length} layers, front of ${result.front.front.length} points, ${result.front.measured.size} measured; ` +
      `integer-reference check on ${holdout.length} samples ${(checkMs / 1000).toFixed(1)} s (proxy ${check.drop.toFixed(3)}); not timed: quantizing the choice ${(quantizeMs / 1000).toFixed(1)} s\n` +
      `  chosen: ${chosen.label}, weights ${[...chosen.assignment.values()].join('')}, flash ${chosen.cost.flash_bytes} B, proxy ${chosen.measured.drop.toFixed(3)}\n`,
  );
  if (!pass) process.exitCode = 1;
}

main();

/**
 * Synthetic-data time on the shared models: `synthesizeInputs` as `compress` calls it (64 samples,
 * or more where the budget affords them: budgetedCount; seed 1, default steps), once per model,
 * with the method and the class balance. The target of issue 6 is ResNet-8 in <= 25 s (its share
 * of the 120 s `compress --bits w4a8` budget); exits 1 when it is missed. The machine may be shared: the load average is printed beside the times.
 *
 *   npx tsx bench/synthesis.ts [model ...]
 */
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { assertSupported } from '../src/analysis/inspect-model.js';
import { budgetedCount, defaultSteps, synthesizeInputs } from '../src/distill/synthesize.js';
import { inferTypes } from '../src/engine/infer-types.js';
import { loadModel } from '../src/onnx/load-model.js';
import { canonicalize } from '../src/passes/index.js';
import { SYNTHETIC_SAMPLES } from '../src/pipeline/synthetic-stage.js';
import { HAVE_SHARED, SHARED_MODELS, SHARED_MODEL_NAMES } from '../test/helpers/shared.js';

const RESNET8_TARGET_S = 25;

function main(): void {
  if (!HAVE_SHARED) throw new Error(`bench: no shared models at ${SHARED_MODELS}`);
  const names = process.argv.slice(2);
  console.log(`synthesis bench: at least ${SYNTHETIC_SAMPLES} samples, seed 1; load average ${loadavg().map((l) => l.toFixed(2)).join(', ')} (${cpus().length} CPUs)`);
  let missed = false;
  for (const model of names.length ? names : SHARED_MODEL_NAMES) {
    const path = join(SHARED_MODELS, `${model}.onnx`);
    const graph = loadModel(path, {});
    assertSupported(graph, path);
    inferTypes(graph);
    const canonical = canonicalize(graph);
    const count = budgetedCount(canonical, SYNTHETIC_SAMPLES);
    const start = performance.now();
    const result = synthesizeInputs(canonical, { count, seed: 1 });
    const seconds = (performance.now() - start) / 1000;
    const balance = result.classBalance ? `, class balance ${result.classBalance.counts.join('/')} (TV ${result.classBalance.distanceToUniform.toFixed(3)})` : '';
    const verdict = model === 'resnet8' ? (seconds <= RESNET8_TARGET_S ? ` (target <= ${RESNET8_TARGET_S} s: met)` : ` (target <= ${RESNET8_TARGET_S} s: MISSED)`) : '';
    if (model === 'resnet8' && seconds > RESNET8_TARGET_S) missed = true;
    console.log(`${model.padEnd(18)} ${result.method.padEnd(22)} ${count} samples x ${defaultSteps(canonical, count)} steps  ${seconds.toFixed(1)} s${verdict}${balance}`);
  }
  if (missed) process.exitCode = 1;
}

main();

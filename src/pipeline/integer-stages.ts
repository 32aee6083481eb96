/**
 * The pipeline's calls into quant/ and codegen/, in one place: quantize with the options and the
 * bit policy, run the integer reference on float inputs, and emit the C sources with their
 * memory plan. Everything else in the pipeline is orchestration around these three.
 */
import { basename } from 'node:path';
import { emitC } from '../codegen/emit-c.js';
import type { Graph } from '../ir/graph.js';
import { makeTensor } from '../ir/tensor.js';
import type { IntTensorData } from '../quant/integer-facet.js';
import type { QModel } from '../quant/qmodel.js';
import { quantizeModel, type QuantizeOptions } from '../quant/quantize-model.js';
import { quantizeInput, runQModelAll } from '../quant/run-qmodel.js';
import type { BitPolicy } from './bit-policy.js';
import type { IntegerRunner } from './fidelity.js';
import { bitsSpec, type ResolvedCompressOptions } from './options.js';
import type { OutputFile } from './output-dir.js';
import type { Samples } from './samples.js';

/** Random calibration inputs when the user gives none. */
export const CALIBRATION_SAMPLES = 32;

/**
 * `calibName` names calibration samples that are not the --calib file (synthetic data);
 * `overrides` carries the step sizes distillation learned (distill-stage.ts).
 */
export function quantize(
  graph: Graph,
  modelName: string,
  options: ResolvedCompressOptions,
  policy: BitPolicy,
  calib: Samples | undefined,
  seed: number,
  calibName?: string,
  overrides?: Pick<QuantizeOptions, 'weightScales' | 'activationRanges'>,
): QModel {
  const weightBits: Record<string, 8 | 4 | 2> = {};
  for (const [node, bits] of policy.perLayer) weightBits[node] = bits;
  const model = quantizeModel(graph, {
    weightBits,
    activation: policy.activation ?? bitsSpec(options.bits).activation,
    groupSize: options.groupSize ?? 0,
    observer: options.observer,
    inputRange: options.inputRange,
    samples: CALIBRATION_SAMPLES,
    seed,
    ...(calib ? { calibrationData: stack(graph, calib), calibrationDataName: calibName ?? basename(options.calib ?? 'data') } : {}),
    ...overrides,
  });
  return { ...model, name: modelName };
}

/** Samples stacked into one [N, ...input shape] tensor, as quantizeModel takes user data. */
function stack(graph: Graph, samples: Samples): ReturnType<typeof makeTensor> {
  const per = samples[0]?.length ?? 0;
  const data = new Float32Array(per * samples.length);
  samples.forEach((s, k) => data.set(s, k * per));
  return makeTensor('float32', [samples.length, ...graph.inputs[0]!.shape], data);
}

/** Quantizes each float input at the model's input qparams and runs the reference, keeping all. */
export function integerRunner(model: QModel): IntegerRunner {
  return (inputs: Map<string, Float32Array>) => {
    const ints: IntTensorData[] = model.inputs.map((name) => quantizeInput(model, inputs.get(name)!, name));
    return runQModelAll(model, ints, { keepAll: true });
  };
}

export interface CSources {
  /** The C prefix the emitter settled on (a user's --name, or the model name made safe). */
  name: string;
  files: OutputFile[];
  arenaBytes: number;
}

export function emitSources(model: QModel, userName: string | undefined): CSources {
  const emitted = emitC(model, userName !== undefined ? { name: userName } : {});
  return { name: emitted.name, files: [...emitted.files].map(([path, contents]) => ({ path, contents })), arenaBytes: emitted.arenaBytes };
}

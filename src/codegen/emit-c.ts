/**
 * C code generation: a QModel becomes NAME.h (the public API), NAME.c (weights, the arena, the
 * layer sequence and the float/integer entry points) and the shared kernel sources they call.
 *
 * Public API (NAME = the model's C name, macros in upper case):
 *   NAME_INPUT_SIZE / NAME_OUTPUT_SIZE (elements), NAME_ARENA_SIZE (bytes), NAME_INPUT_SCALE,
 *   NAME_INPUT_ZERO_POINT, ... for the first input and output; NAME_INPUT<k>_* / NAME_OUTPUT<k>_*
 *   for every one; NAME_INPUT_COUNT, NAME_OUTPUT_COUNT, NAME_WEIGHT_BYTES.
 *   int NAME_run(const float *input0, ..., float *output0, ...);      ONNX layout, 0 on success
 *   int NAME_run_int8(const int8_t *input0, ..., int8_t *output0, ...);  (int16_t and _run_int16
 *   when the boundary tensors are int16)
 * The float entry quantizes with q = clamp(round_half_away(x / scale) + zero_point) in double
 * precision and dequantizes with scale * (q - zero_point), exactly as quant/int-tensor.ts; that
 * is the only floating point in NAME.c. Output is deterministic: no dates, no paths, stable order.
 */
import { UsageError } from '../errors.js';
import type { QModel } from '../quant/qmodel.js';
import { checkCName, cIdentifier, cMacroPrefix } from './c-identifier.js';
import { emitHeader, emitSource, integerEntry, type ModelApi } from './emit-api.js';
import { sizeOf } from '../ir/tensor.js';
import { emitLayers } from './emit-layers.js';
import { kernelSources } from './kernel-sources.js';
import { planArena, tensorOf } from './plan-arena.js';

export { checkCName };

export interface EmitCOptions {
  /** The C name (default: the model's name made an identifier). Must already be an identifier. */
  name?: string;
}

export interface EmittedC {
  /** The C identifier used as NAME. */
  name: string;
  /** File name -> contents, sorted by file name (NAME.h, NAME.c and the kernel sources). */
  files: Map<string, string>;
  arenaBytes: number;
  /** The integer entry point (`run_int8` or `run_int16`) and the boundary tensors, in order. */
  entry: 'run_int8' | 'run_int16';
  inputs: { type: 'int8' | 'int16'; size: number }[];
  outputs: { type: 'int8' | 'int16'; size: number }[];
  /** Packed weight arrays only; `constBytes` counts every constant array (biases, tables...). */
  weightBytes: number;
  constBytes: number;
}

export function emitC(model: QModel, options: EmitCOptions = {}): EmittedC {
  let name = options.name !== undefined ? checkCName(options.name) : cIdentifier(model.name, 'model');
  // edgec_* file names belong to the kernels: a model so named would overwrite one.
  if (name.startsWith('edgec')) {
    if (options.name !== undefined) throw new UsageError(`--name "${name}": names starting with "edgec" are reserved for the kernel sources`);
    name = `model_${name}`;
  }
  const plan = planArena(model);
  const arenaMacro = 'EDGEC_ARENA_AT';
  const layers = emitLayers(model, plan, arenaMacro);
  const api: ModelApi = {
    name,
    macro: cMacroPrefix(name),
    inputs: model.inputs.map((n) => ({ tensor: tensorOf(model, n), offset: plan.tensorOffset.get(n)! })),
    outputs: model.outputs.map((n) => ({ tensor: tensorOf(model, n), offset: plan.tensorOffset.get(n)! })),
    arenaBytes: plan.arenaSize,
    weightBytes: layers.weightBytes,
  };
  const files = new Map<string, string>([
    [`${name}.h`, emitHeader(api, model)],
    [`${name}.c`, emitSource(api, model, layers, arenaMacro)],
  ]);
  for (const [file, text] of kernelSources(layers.kernels)) files.set(file, text);
  const sorted = new Map([...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const boundary = (list: ModelApi['inputs']) => list.map((b) => ({ type: b.tensor.type, size: sizeOf(b.tensor.shape) }));
  return {
    name, files: sorted, arenaBytes: plan.arenaSize, entry: integerEntry(api),
    inputs: boundary(api.inputs), outputs: boundary(api.outputs),
    weightBytes: layers.weightBytes, constBytes: layers.constBytes,
  };
}

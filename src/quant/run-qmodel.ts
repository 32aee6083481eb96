/**
 * The integer reference executor: runs a QModel layer by layer with each op's `integer.run`.
 * It is the oracle the emitted C is compared with bit for bit, so it adds nothing of its own:
 * every number it produces comes from an op's integer kernel. Layout: ONNX's (NCHW), batch 1.
 */
import { InternalError, ModelError } from '../errors.js';
import { findOp } from '../ops/registry.js';
import type { IntTensorData } from './integer-facet.js';
import { dequantizeTensor, quantizeTensor } from './int-tensor.js';
import type { QModel, QTensor } from './qmodel.js';

export interface RunQModelOptions {
  /** Keep every intermediate tensor in the result (for per-layer error reports and tests). */
  keepAll?: boolean;
}

function tensorOf(q: QModel, name: string): QTensor {
  const t = q.tensors.get(name);
  if (!t) throw new InternalError(`quantized model has no tensor "${name}"`);
  return t;
}

/** Runs `q` on one integer array per graph input (in `q.inputs` order); returns every kept tensor. */
export function runQModelAll(q: QModel, inputs: IntTensorData[], options: RunQModelOptions = {}): Map<string, IntTensorData> {
  if (inputs.length !== q.inputs.length) throw new ModelError(`quantized model "${q.name}" takes ${q.inputs.length} inputs, ${inputs.length} given`);
  const values = new Map<string, IntTensorData>();
  q.inputs.forEach((name, i) => {
    const t = tensorOf(q, name);
    const data = inputs[i]!;
    const expected = t.type === 'int16' ? Int16Array : Int8Array;
    if (!(data instanceof expected) || data.length !== t.shape.reduce((a, b) => a * b, 1)) {
      throw new ModelError(`input "${name}" must be an ${t.type} array of ${t.shape.reduce((a, b) => a * b, 1)} elements`);
    }
    values.set(name, data);
  });
  const lastUse = new Map<string, number>();
  q.layers.forEach((l, i) => l.inputs.forEach((n) => lastUse.set(n, i)));
  const keep = new Set(q.outputs);
  q.layers.forEach((layer, i) => {
    const op = findOp(layer.domain ?? '', layer.op);
    if (!op?.integer) throw new InternalError(`layer "${layer.name}": op ${layer.op} has no integer facet`);
    const ins = layer.inputs.map((n) => {
      const v = values.get(n);
      if (!v) throw new InternalError(`layer "${layer.name}" reads "${n}" before it is computed`);
      return v;
    });
    const outs = op.integer.run(layer, ins, { inputs: layer.inputs.map((n) => tensorOf(q, n)), outputs: layer.outputs.map((n) => tensorOf(q, n)) });
    layer.outputs.forEach((n, k) => values.set(n, outs[k]!));
    if (!options.keepAll) for (const n of layer.inputs) if (lastUse.get(n) === i && !keep.has(n)) values.delete(n);
  });
  return values;
}

/** Runs `q`; returns one integer array per graph output, in `q.outputs` order. */
export function runQModel(q: QModel, inputs: IntTensorData[]): IntTensorData[] {
  const values = runQModelAll(q, inputs);
  return q.outputs.map((n) => values.get(n)!);
}

/** Quantizes float data (ONNX layout) for graph input `name` (or the first input). */
export function quantizeInput(q: QModel, data: ArrayLike<number>, name = q.inputs[0]!): IntTensorData {
  return quantizeTensor(tensorOf(q, name), data);
}

/** Dequantizes an integer output of tensor `name` (or the first output) to floats. */
export function dequantizeOutput(q: QModel, data: IntTensorData, name = q.outputs[0]!): Float32Array {
  return dequantizeTensor(tensorOf(q, name), data);
}

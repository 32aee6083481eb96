/**
 * quantizeModel: a canonical float graph (passes/canonicalize, types inferred) -> QModel. Steps:
 * 1. every node's op must have an integer facet (else a ModelError naming the node);
 * 2. calibrate activation ranges on the fp32 engine (quant/calibrate.ts);
 * 3. walk the nodes in order choosing each output's qparams by the op's rule: `calibrated` from
 *    the observed range (int8 asymmetric, range widened to include 0; int16 symmetric), `input`
 *    copied from the first activation input (MaxPool, Reshape, Transpose, pools: no
 *    requantization needed), `fixed` as the op dictates (Softmax, Sigmoid, Tanh);
 * 4. lower each node with its facet (weights, bias, multipliers, clamps, tables).
 * Deterministic: the same graph, options and seed give the same QModel.
 */
import { ModelError, UsageError, describeNode } from '../errors.js';
import type { Graph } from '../ir/graph.js';
import type { Tensor } from '../ir/tensor.js';
import { resolveAttrs } from '../ops/op-def.js';
import { opOf } from '../ops/registry.js';
import { calibrate } from './calibrate.js';
import type { LowerContext } from './integer-facet.js';
import { qparamsFromRange } from './lower-helpers.js';
import type { ObserverKind } from './observers.js';
import type { WeightBits } from './pack.js';
import type { ActivationType, QLayer, QModel, QTensor } from './qmodel.js';

export interface QuantizeOptions {
  /** One width for every layer, or per node name (nodes not named get 8). */
  weightBits?: WeightBits | Record<string, WeightBits>;
  activation?: ActivationType;
  /** int4/int2 group-wise scales: consecutive inputs of a channel sharing one scale (0: off). */
  groupSize?: number;
  observer?: ObserverKind;
  /** Range of the random calibration inputs (default [0, 1]). */
  inputRange?: [number, number];
  /** Calibration data (e.g. a .npy read by data/npy.ts): replaces the random inputs. */
  calibrationData?: Tensor;
  calibrationDataName?: string;
  /** Random calibration samples (default 32). */
  samples?: number;
  seed?: number;
  /**
   * Per weighted node: one weight scale per output channel replacing max|w| / qmax (the step
   * sizes quantization-aware distillation learned); ignored with group-wise scales.
   */
  weightScales?: Record<string, Float32Array>;
  /** Per value: the activation range to use instead of the calibrated one (learned step sizes). */
  activationRanges?: Record<string, [number, number]>;
}

export function quantizeModel(graph: Graph, options: QuantizeOptions = {}): QModel {
  const type = options.activation ?? 'int8';
  for (const node of graph.nodes) {
    if (!opOf(node)?.integer) throw new ModelError(`${describeNode(node)}: ${node.op} has no integer implementation, so the model cannot be quantized`);
    if (node.outputs.filter((o) => o !== '').length !== 1) throw new ModelError(`${describeNode(node)}: only single-output nodes can be quantized`);
  }
  const inputRange = options.inputRange ?? [0, 1];
  if (!(inputRange[0] < inputRange[1])) throw new UsageError(`input range [${inputRange.join(', ')}] must have lo < hi`);
  const groupSize = options.groupSize ?? 0;
  if (!Number.isInteger(groupSize) || groupSize < 0) throw new UsageError(`group size ${groupSize} must be a non-negative integer`);
  const calibration = calibrate(graph, {
    observer: options.observer ?? 'minmax',
    inputRange,
    samples: options.samples ?? 32,
    seed: options.seed ?? 0,
    ...(options.calibrationData ? { data: options.calibrationData } : {}),
    ...(options.calibrationDataName ? { dataName: options.calibrationDataName } : {}),
  });

  const tensors = new Map<string, QTensor>();
  const calibrated = (name: string): QTensor => {
    const [lo, hi] = options.activationRanges?.[name] ?? calibration.ranges.get(name) ?? [0, 0];
    const shape = graph.types.get(name)?.shape;
    if (!shape) throw new ModelError(`value "${name}" has no known shape`);
    return { name, shape: [...shape], type, ...qparamsFromRange(lo, hi, type) };
  };
  for (const input of graph.inputs) tensors.set(input.name, calibrated(input.name));

  const layers: QLayer[] = [];
  for (const node of graph.nodes) {
    const op = opOf(node)!;
    const facet = op.integer!;
    const attrs = resolveAttrs(op.attrs, node);
    const inputs = node.inputs.map((n) => (n === '' || graph.initializers.has(n) ? undefined : tensors.get(n)));
    const constants = node.inputs.map((n) => (n === '' ? undefined : graph.initializers.get(n)));
    node.inputs.forEach((n, i) => {
      if (n !== '' && !inputs[i] && !constants[i]) throw new ModelError(`${describeNode(node)} reads "${n}" before it is computed`);
    });
    const outName = node.outputs.find((o) => o !== '')!;
    const rule = facet.outputQuant ?? 'calibrated';
    let output: QTensor;
    const first = inputs.find((t) => t !== undefined);
    if (rule === 'input' && first) {
      output = { ...first, name: outName, shape: [...graph.types.get(outName)!.shape] };
    } else if (rule === 'fixed' && facet.fixedOutput) {
      output = { name: outName, shape: [...graph.types.get(outName)!.shape], type, ...facet.fixedOutput({ node, attrs, inputs, type }) };
    } else {
      output = calibrated(outName);
    }
    tensors.set(outName, output);
    const ctx: LowerContext = {
      node,
      attrs,
      inputs,
      constants,
      outputs: [output],
      weightBits: bitsFor(options.weightBits, node.name),
      groupSize,
      ...(options.weightScales?.[node.name] ? { weightScales: options.weightScales[node.name] } : {}),
    };
    const lowered = facet.lower(ctx);
    layers.push({
      name: node.name,
      op: node.op,
      ...(node.domain ? { domain: node.domain } : {}),
      inputs: node.inputs.filter((n, i) => n !== '' && inputs[i] !== undefined),
      outputs: [outName],
      attrs,
      ...lowered,
    });
  }
  return {
    name: graph.name,
    inputs: graph.inputs.map((i) => i.name),
    outputs: graph.outputs.map((o) => o.name),
    tensors,
    layers,
    calibration: calibration.description,
  };
}

function bitsFor(bits: QuantizeOptions['weightBits'], node: string): WeightBits {
  if (bits === undefined) return 8;
  if (typeof bits === 'number') return bits;
  return bits[node] ?? 8;
}

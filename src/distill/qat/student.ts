/**
 * The quantized student of quantization-aware distillation: the canonical fp32 graph (at the
 * training batch size) with value transforms that make it compute what the integer pipeline will:
 *
 * - each weighted layer's weight is fake-quantized per output channel with a learned step size
 *   (LSQ, src/train/lsq.ts), started at max|w| / qmax at the width the bit policy gives the layer;
 * - each activation the quantizer calibrates (graph inputs, outputs of `calibrated` ops) is
 *   fake-quantized per tensor with a learned step size started at the PTQ model's qparams, zero
 *   point fixed; outputs of `input`-rule ops (MaxPool, Reshape...) reuse their source's quantizer,
 *   as the integer model reuses its qparams; `fixed` outputs (Softmax...) use the fixed qparams.
 *
 * Rounding is the pipeline's (half away from zero) throughout, so the exported model (export.ts)
 * starts exactly where the student ends.
 */
import { InternalError } from '../../errors.js';
import type { Graph, Node } from '../../ir/graph.js';
import { sizeOf, type Tensor } from '../../ir/tensor.js';
import { opOf } from '../../ops/registry.js';
import type { BitPolicy } from '../../pipeline/bit-policy.js';
import type { QModel } from '../../quant/qmodel.js';
import type { ValueTransform } from '../../train/backprop.js';
import { activationFakeQuant } from '../../train/fake-quant.js';
import { LsqQuantizer, lsqActivation } from '../../train/lsq.js';
import { QMAX, QMIN } from '../../quant/weights.js';
import { roundHalfAway } from '../../quant/fixed-point.js';
import type { WeightBits } from '../../quant/pack.js';
import { channelLayout, fakeQuantizeWeights } from '../../train/fake-quant.js';
import { selectParameters, type Parameter } from '../../train/parameters.js';

/** A weighted layer's fake-quantized weight. */
export interface StudentWeight {
  node: string;
  /** The weight initializer's name. */
  weight: string;
  /** Gemm's alpha: the integer pipeline quantizes alpha * B, so its scales are alpha * step. */
  alpha: number;
  quantizer: LsqQuantizer;
}

/** A learned activation quantizer, shared by every value quantized with the same qparams. */
export interface StudentActivation {
  value: string;
  type: 'int8' | 'int16';
  zeroPoint: number;
  quantizer: LsqQuantizer;
}

export interface Student {
  graph: Graph;
  /** Float weights and biases (copies: the teacher's graph is never changed). */
  weights: Parameter[];
  /** LSQ step sizes of weights and activations. */
  steps: Parameter[];
  transforms: Map<string, ValueTransform>;
  weightQuantizers: StudentWeight[];
  activationQuantizers: StudentActivation[];
  /** Zero the step-size gradients before a step (activation quantizers accumulate over readers). */
  zeroStepGrads(): void;
}

/** The weight input of a weighted node and its output-channel axis, or undefined. */
export function weightOf(graph: Graph, node: Node): { name: string; axis: number; alpha: number } | undefined {
  const name = node.inputs[1];
  const w = name === undefined ? undefined : graph.initializers.get(name);
  if (name === undefined || !w || w.dtype !== 'float32') return undefined;
  if (node.op === 'Conv' && w.shape.length >= 3) return { name, axis: 0, alpha: 1 };
  if (node.op === 'Gemm' && w.shape.length === 2) {
    const alpha = node.attrs.alpha?.kind === 'float' ? node.attrs.alpha.value : 1;
    return { name, axis: node.attrs.transB?.kind === 'int' && node.attrs.transB.value !== 0 ? 0 : 1, alpha };
  }
  if (node.op === 'MatMul' && w.shape.length === 2) return { name, axis: 1, alpha: 1 };
  return undefined;
}

/**
 * LSQ overwrites its step gradient on each backward; a quantizer shared by several values (an
 * `input`-rule op's output reuses its source's) must add them up instead.
 */
function accumulating(q: LsqQuantizer): ValueTransform {
  return {
    forward: (x: Tensor) => q.forward(x),
    backward(x: Tensor, grad: Tensor) {
      const before = Float32Array.from(q.parameter.grad);
      const dx = q.backward(x, grad);
      for (let k = 0; k < before.length; k++) q.parameter.grad[k]! += before[k]!;
      return dx;
    },
  };
}

/**
 * How weight step sizes start: the pipeline's max|w| / qmax, or MSE-optimal below `mseBelowBits`.
 * Max is right at 8 and 4 bits, but at 2 bits (integers -1, 0, 1) it puts the rounding threshold
 * at max|w| / 2, so most of a channel's weights round to zero and the student starts collapsed.
 */
export interface StudentOptions {
  mseBelowBits?: number;
  /**
   * Weights narrower than this pass their gradient straight through where clamped too (lsq.ts
   * `unclipped`). LSQ's clipped gradient stops at |w| > s, and at 2 bits the MSE-optimal step
   * leaves a quarter to a third of every layer's weights there (resnet8, dscnn), fixed at +-1
   * whatever the loss says unless their channel's step grows.
   */
  unclippedBelowBits?: number;
}

export function buildStudent(graph: Graph, policy: BitPolicy, ptq: QModel, options: StudentOptions = {}): Student {
  const transforms = new Map<string, ValueTransform>();
  const weightQuantizers: StudentWeight[] = [];
  for (const node of graph.nodes) {
    const bits = policy.perLayer.get(node.name);
    const w = bits === undefined ? undefined : weightOf(graph, node);
    if (!w || bits === undefined || transforms.has(w.name)) continue;
    const tensor = graph.initializers.get(w.name)!;
    const steps = bits < (options.mseBelowBits ?? 0) ? mseOptimalSteps(tensor, w.axis, bits) : fakeQuantizeWeights(tensor, w.axis, bits).scales;
    const unclipped = bits < (options.unclippedBelowBits ?? 0);
    const count = tensor.data.length / tensor.shape[w.axis]!;
    const quantizer = new LsqQuantizer({ name: w.name, steps, channelAxis: w.axis, lo: QMIN[bits], hi: QMAX[bits], count, ...(unclipped ? { unclipped } : {}) });
    transforms.set(w.name, quantizer);
    weightQuantizers.push({ node: node.name, weight: w.name, alpha: w.alpha, quantizer });
  }

  const activationQuantizers: StudentActivation[] = [];
  const shared = new Map<string, ValueTransform>();
  const learned = (value: string): void => {
    const t = ptq.tensors.get(value);
    if (!t) throw new InternalError(`distillation: no qparams for "${value}" in the quantized model`);
    const perSample = sizeOf(graph.types.get(value)?.shape ?? t.shape) / (graph.inputs[0]?.shape[0] ?? 1);
    const quantizer = lsqActivation(`${value}.act`, t, perSample);
    const transform = accumulating(quantizer);
    shared.set(value, transform);
    transforms.set(value, transform);
    activationQuantizers.push({ value, type: t.type, zeroPoint: t.type === 'int16' ? 0 : t.zeroPoint, quantizer });
  };
  for (const input of graph.inputs) learned(input.name);
  for (const node of graph.nodes) {
    const out = node.outputs.find((o) => o !== '');
    if (out === undefined) continue;
    const rule = opOf(node)?.integer?.outputQuant ?? 'calibrated';
    const source = node.inputs.find((n) => n !== '' && !graph.initializers.has(n));
    const sourceTransform = source === undefined ? undefined : shared.get(source);
    if (rule === 'input' && source !== undefined && sourceTransform) {
      shared.set(out, sourceTransform);
      transforms.set(out, sourceTransform);
    } else if (rule === 'fixed' || rule === 'input') {
      const t = ptq.tensors.get(out);
      if (t) transforms.set(out, activationFakeQuant(t));
    } else {
      learned(out);
    }
  }

  const weights = selectParameters(graph);
  const steps = [...weightQuantizers.map((w) => w.quantizer.parameter), ...activationQuantizers.map((a) => a.quantizer.parameter)];
  return {
    graph,
    weights,
    steps,
    transforms,
    weightQuantizers,
    activationQuantizers,
    zeroStepGrads: () => steps.forEach((p) => p.grad.fill(0)),
  };
}

/** Candidate steps per channel: max|w| / qmax times GRID_STEPS fractions in (0, 1]. */
const GRID_STEPS = 100;

/**
 * Per output channel, the step s minimising sum (w - s clamp(round(w / s), QMIN, QMAX))^2 on the
 * width's own grid (int2: [-2, 1]): a grid search over fractions of max|w| (the uniform-grid
 * analogue of Lloyd-Max). Searched on the symmetric ternary grid instead, the int2 start gave dscnn
 * w2a8 92.2 / 81.7 / 85.6 / 68.1% (seeds 1-4, integer top-1); on [-2, 1], 87.2 / 83.9 / 91.7 / 75.3%.
 */
export function mseOptimalSteps(w: Tensor, channelAxis: number, bits: WeightBits): Float32Array {
  const qmax = QMAX[bits];
  const qmin = QMIN[bits];
  const { channels, inner } = channelLayout(w.shape, channelAxis);
  const values: number[][] = Array.from({ length: channels }, () => []);
  for (let i = 0; i < w.data.length; i++) values[Math.floor(i / inner) % channels]!.push(w.data[i]!);
  return Float32Array.from(values, (v) => {
    const max = v.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
    if (max === 0) return 1;
    let best = max / qmax;
    let bestError = Infinity;
    for (let k = GRID_STEPS; k >= 1; k--) {
      const s = Math.fround(((max / qmax) * k) / GRID_STEPS);
      let error = 0;
      for (const x of v) {
        const d = x - s * Math.max(qmin, Math.min(qmax, roundHalfAway(x / s)));
        error += d * d;
      }
      if (error < bestError) [best, bestError] = [s, error];
    }
    return best;
  });
}

/**
 * Learned Step Size Quantization (Esser et al., "Learned Step Size Quantization",
 * arXiv:1902.08153): the step size s is a trained parameter. With integers in [lo, hi] and zero
 * point zp (0 for weights and int16 activations), t = v / s:
 *
 *   forward   v^ = (clamp(round(t) + zp, lo, hi) - zp) * s     (round half away from zero, as
 *                                                               the integer pipeline rounds)
 *   dv^/dv    = 1 inside (lo < t + zp < hi), else 0             (straight-through, clipped)
 *   dv^/ds    = round(t) - t inside, lo - zp below, hi - zp above
 *
 * and the step-size gradient is multiplied by the paper's scale g = 1 / sqrt(N * Qp), N the
 * number of values sharing that step size and Qp = hi - zp (the positive range), which keeps s's
 * updates in proportion to the weights'. One step size per output channel for weights
 * (initialised as the integer pipeline's max|w| / qmax, so training starts from what export would
 * give), one per tensor for activations. `parameter` exposes s and its gradient to the optimisers;
 * each backward overwrites the gradient (one transform per value). The loops are in
 * kernels/fake-quant.ts.
 */
import { makeTensor, type Tensor } from '../ir/tensor.js';
import { fakeQuantForward, lsqBackward, type QuantGrid } from '../kernels/fake-quant.js';
import { TYPE_RANGE } from '../quant/lower-helpers.js';
import type { WeightBits } from '../quant/pack.js';
import { QMAX, QMIN } from '../quant/weights.js';
import type { ValueTransform } from './backprop.js';
import { channelLayout, fakeQuantizeWeights, float32Data, type ActivationQParams } from './fake-quant.js';
import type { Parameter } from './parameters.js';

export interface LsqOptions {
  name: string;
  /** Initial step sizes: one per channel of `channelAxis`, or one for the whole tensor. */
  steps: Float32Array;
  channelAxis?: number;
  lo: number;
  hi: number;
  zeroPoint?: number;
  /** Values per step size (N of the gradient scale). */
  count: number;
  /** Pass the value's gradient through where it was clamped too (plain STE), not only inside. */
  unclipped?: boolean;
}

export class LsqQuantizer implements ValueTransform {
  readonly parameter: Parameter;
  private readonly gradScale: number;
  private readonly grid: QuantGrid;

  constructor(private readonly options: LsqOptions) {
    const { steps, name, count, lo, hi, zeroPoint = 0 } = options;
    this.grid = { lo, hi, zeroPoint };
    this.parameter = { name: `${name}.lsq_step`, value: makeTensor('float32', [steps.length], steps), grad: new Float32Array(steps.length) };
    this.gradScale = 1 / Math.sqrt(count * (hi - zeroPoint));
  }

  /** Elements per step size run: a channel's contiguous block, or the whole tensor. */
  private innerOf(x: Tensor): number {
    if (this.parameter.value.data.length === 1) return x.data.length;
    return channelLayout(x.shape, this.options.channelAxis ?? 0).inner;
  }

  forward(x: Tensor): Tensor {
    const out = makeTensor('float32', x.shape);
    fakeQuantForward(out.data as Float32Array, float32Data(x), this.steps(), this.innerOf(x), this.grid);
    return out;
  }

  backward(x: Tensor, grad: Tensor): Tensor {
    const stepGrad = new Float64Array(this.parameter.grad.length);
    const dx = makeTensor('float32', grad.shape);
    lsqBackward(dx.data as Float32Array, float32Data(x), float32Data(grad), this.steps(), this.innerOf(x), this.grid, stepGrad);
    for (let k = 0; k < stepGrad.length; k++) this.parameter.grad[k] = stepGrad[k]! * this.gradScale;
    if (this.options.unclipped) dx.data.set(grad.data);
    return dx;
  }

  /**
   * Each element's offset on the grid, (q - zp) for its integer q: forward(x) is that times the
   * element's step size. For freezing weights (distill/qat/oscillation.ts).
   */
  integers(x: Tensor): Int32Array {
    const fake = this.forward(x).data as Float32Array;
    const steps = this.steps();
    const inner = this.innerOf(x);
    return Int32Array.from(fake, (v, i) => Math.round(v / steps[Math.floor(i / inner) % steps.length]!));
  }

  /** x[i] = offset[i] x its step size wherever `fixed[i]`: those elements sit exactly on the grid. */
  pin(x: Tensor, offsets: Int32Array, fixed: Uint8Array): void {
    const steps = this.steps();
    const inner = this.innerOf(x);
    for (let i = 0; i < x.data.length; i++) if (fixed[i]) x.data[i] = offsets[i]! * steps[Math.floor(i / inner) % steps.length]!;
  }

  private steps(): Float32Array {
    return float32Data(this.parameter.value);
  }
}

/** LSQ for a weight tensor: per output channel on the width's grid [QMIN, QMAX], started at the pipeline's scales. */
export function lsqWeights(name: string, w: Tensor, channelAxis: number, bits: WeightBits): LsqQuantizer {
  const qmax = QMAX[bits];
  const { scales } = fakeQuantizeWeights(w, channelAxis, bits);
  const count = w.data.length / scales.length;
  return new LsqQuantizer({ name, steps: scales, channelAxis, lo: QMIN[bits], hi: qmax, count });
}

/** LSQ for an activation, one step size, started at the calibrated qparams; `count` = features per sample. */
export function lsqActivation(name: string, q: ActivationQParams, count: number): LsqQuantizer {
  const [lo, hi] = TYPE_RANGE[q.type];
  return new LsqQuantizer({ name, steps: Float32Array.of(q.scale), lo, hi, zeroPoint: q.type === 'int16' ? 0 : q.zeroPoint, count });
}

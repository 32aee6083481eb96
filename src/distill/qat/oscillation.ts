/**
 * Oscillation freezing for low-bit quantization-aware training (Nagel et al., "Overcoming
 * Oscillations in Quantization-Aware Training", arXiv:2203.11086). With straight-through gradients
 * a latent weight next to a rounding threshold flips between two neighbouring integers from step
 * to step: whichever way it goes, the loss pulls it back. At 2 bits every flip moves the weight
 * by a whole step (a third of its channel's range), so the network the optimiser leaves depends
 * on which side of its thresholds a few thousand weights happen to stand at the last step; the
 * paper finds depthwise-separable networks, with few weights per output, suffer most. dscnn w2a8
 * on synthetic data, the integer model's top-1 on the real test set every 50 steps of one run
 * (seed 2): 71.7 72.5 79.2 68.6 83.1 66.4 38.3 83.9% (the learning rate near zero by the end).
 *
 * Per weight, as the paper's iterative freezing: an oscillation is a change of integer in the
 * direction opposite to the previous change; its frequency is an exponential moving average
 * (MOMENTUM) of those events per step, kept beside a moving average of the integer itself
 * (bias-corrected as Adam's moments, so it averages the integers seen, not a start of 0). From
 * step `from` on, a weight whose frequency exceeds `threshold` is frozen at its average integer,
 * rounded: after every optimiser step its latent value is put back at that integer times its
 * channel's current step size, so it no longer moves while the step size still trains.
 *
 * The same run with freezing (threshold 0.02 from step 50, about 12% of the 2-bit weights frozen
 * by the end; a first version whose average started at the initial integer): 75.3 85.8 83.1 88.3
 * 91.9 92.2 92.5 92.8%. Final top-1, seeds 1-4: 87.2 83.9 91.7 75.3% without freezing, 86.7 92.8
 * 88.1 90.3% with the first version, 92.5 85.8 86.9 89.7% with this one (alike within the seed
 * noise; this one freezes a weight at an integer it kept visiting, not near its start), and
 * 91.9 90.6 91.4 90.0% at the pipeline's threshold, 0.01 (pipeline/distill-stage.ts).
 */
import type { BitPolicy } from '../../pipeline/bit-policy.js';
import type { Parameter } from '../../train/parameters.js';
import type { LsqQuantizer } from '../../train/lsq.js';
import type { Student } from './student.js';

export interface FreezeSettings {
  /** Oscillations per step (moving average) above which a weight is frozen. */
  threshold: number;
  /** No weight is frozen before this step (the first steps move every weight a long way). */
  from: number;
  /** Layers narrower than this many bits are tracked. */
  belowBits: number;
}

/** The moving averages' weight of the current step. */
const MOMENTUM = 0.01;

interface Tracked {
  weight: Parameter;
  quantizer: LsqQuantizer;
  last: Int32Array;
  /** The sign of the last change of integer (0: none yet). */
  direction: Int8Array;
  frequency: Float32Array;
  /** The integers' moving average, from 0 (read with Adam's bias correction). */
  average: Float32Array;
  frozen: Uint8Array;
  frozenAt: Int32Array;
}

export class OscillationFreezer {
  private readonly tracked: Tracked[] = [];
  private frozenCount = 0;
  private trackedCount = 0;
  private updates = 0;

  constructor(student: Student, policy: BitPolicy, private readonly settings: FreezeSettings) {
    for (const w of student.weightQuantizers) {
      if ((policy.perLayer.get(w.node) ?? 8) >= settings.belowBits) continue;
      const weight = student.weights.find((p) => p.name === w.weight);
      if (!weight) continue;
      const last = w.quantizer.integers(weight.value);
      const n = last.length;
      this.tracked.push({ weight, quantizer: w.quantizer, last, direction: new Int8Array(n), frequency: new Float32Array(n), average: new Float32Array(n), frozen: new Uint8Array(n), frozenAt: new Int32Array(n) });
      this.trackedCount += n;
    }
  }

  /** After the optimiser's step `step` (1-based): counts oscillations, freezes, and puts frozen weights back. */
  afterStep(step: number): void {
    this.updates++;
    for (const t of this.tracked) {
      const q = t.quantizer.integers(t.weight.value);
      for (let i = 0; i < q.length; i++) {
        if (t.frozen[i]) continue;
        const change = Math.sign(q[i]! - t.last[i]!);
        let oscillated = 0;
        if (change !== 0) {
          if (t.direction[i] !== 0 && change !== t.direction[i]) oscillated = 1;
          t.direction[i] = change;
          t.last[i] = q[i]!;
        }
        t.frequency[i] = MOMENTUM * oscillated + (1 - MOMENTUM) * t.frequency[i]!;
        t.average[i] = MOMENTUM * q[i]! + (1 - MOMENTUM) * t.average[i]!;
        if (step >= this.settings.from && t.frequency[i]! > this.settings.threshold) {
          t.frozen[i] = 1;
          t.frozenAt[i] = Math.round(t.average[i]! / (1 - (1 - MOMENTUM) ** this.updates));
          this.frozenCount++;
        }
      }
    }
    this.pinFrozen();
  }

  /** Puts every frozen weight back at its integer times its channel's current step size. */
  pinFrozen(): void {
    for (const t of this.tracked) t.quantizer.pin(t.weight.value, t.frozenAt, t.frozen);
  }

  /** Weights frozen so far, of those tracked. */
  get counts(): { frozen: number; tracked: number } {
    return { frozen: this.frozenCount, tracked: this.trackedCount };
  }
}

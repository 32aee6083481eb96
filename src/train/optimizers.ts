/**
 * Optimisers over Parameters (parameters.ts), updating values in place from `param.grad`, with
 * PyTorch's update rules so settings carry over:
 *
 * - SGD with momentum mu, dampening 0, optional Nesterov and L2 weight decay wd:
 *     g = grad + wd * p;  v = mu * v + g (v = g on the first step);  p -= lr * (nesterov ? g + mu * v : v)
 * - Adam (Kingma & Ba) with bias correction, optional L2 weight decay:
 *     m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2;  p -= lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)
 *
 * State is kept in double per parameter, in the order the parameters were given. `step(lr)` takes
 * the learning rate of this step, so a schedule (schedule.ts) drives it. `exponentialAverage`
 * keeps a moving average of the values an optimiser visits (Polyak averaging), to use in place of
 * the last iterate.
 */
import { InternalError } from '../errors.js';
import type { Parameter } from './parameters.js';

export interface Optimizer {
  step(learningRate: number): void;
}

export interface SgdOptions {
  momentum?: number;
  nesterov?: boolean;
  weightDecay?: number;
}

export function sgd(params: readonly Parameter[], options: SgdOptions = {}): Optimizer {
  const { momentum = 0, nesterov = false, weightDecay = 0 } = options;
  const velocity = params.map((p) => new Float64Array(p.grad.length));
  let first = true;
  return {
    step(lr) {
      params.forEach((p, k) => {
        const v = velocity[k]!;
        const w = p.value.data;
        for (let i = 0; i < w.length; i++) {
          const g = p.grad[i]! + weightDecay * w[i]!;
          v[i] = first ? g : momentum * v[i]! + g;
          const update = momentum === 0 ? g : nesterov ? g + momentum * v[i]! : v[i]!;
          w[i] = w[i]! - lr * update;
        }
      });
      first = false;
    },
  };
}

export interface AdamOptions {
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  weightDecay?: number;
}

/** Adam over parameters, or over any float arrays with gradients (the pixels of synthetic data). */
export function adam(params: readonly Pick<Parameter, 'value' | 'grad'>[], options: AdamOptions = {}): Optimizer {
  const { beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8, weightDecay = 0 } = options;
  if (!(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1)) throw new InternalError(`adam: betas ${beta1}, ${beta2} must be in [0, 1)`);
  const m = params.map((p) => new Float64Array(p.grad.length));
  const v = params.map((p) => new Float64Array(p.grad.length));
  let t = 0;
  return {
    step(lr) {
      t++;
      const c1 = 1 - beta1 ** t;
      const c2 = 1 - beta2 ** t;
      params.forEach((p, k) => {
        const [mk, vk, w] = [m[k]!, v[k]!, p.value.data];
        for (let i = 0; i < w.length; i++) {
          const g = p.grad[i]! + weightDecay * w[i]!;
          mk[i] = beta1 * mk[i]! + (1 - beta1) * g;
          vk[i] = beta2 * vk[i]! + (1 - beta2) * g * g;
          w[i] = w[i]! - (lr * (mk[i]! / c1)) / (Math.sqrt(vk[i]! / c2) + epsilon);
        }
      });
    },
  };
}

export interface WeightAverage {
  /** Folds the parameters' current values into the average (call after each optimiser step). */
  update(): void;
  /** Writes the average into the parameters. */
  apply(): void;
}

/**
 * An exponential moving average of parameter values (Polyak averaging with decay d):
 * a = v on the first update, then a = d a + (1 - d) v; kept in double.
 */
export function exponentialAverage(params: readonly Pick<Parameter, 'value'>[], decay: number): WeightAverage {
  if (!(decay >= 0 && decay < 1)) throw new InternalError(`exponential average: decay ${decay} must be in [0, 1)`);
  const average = params.map((p) => new Float64Array(p.value.data.length));
  let first = true;
  return {
    update() {
      params.forEach((p, k) => {
        const [a, v] = [average[k]!, p.value.data];
        for (let i = 0; i < v.length; i++) a[i] = first ? v[i]! : decay * a[i]! + (1 - decay) * v[i]!;
      });
      first = false;
    },
    apply() {
      params.forEach((p, k) => p.value.data.set(average[k]!));
    },
  };
}

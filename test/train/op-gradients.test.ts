/**
 * Registry-wide check of every op's backward against central finite differences of the op's own
 * forward. The loss is L = sum_k <r_k, y_k> over the float outputs with fixed random r_k, so the
 * analytic gradient is backward(..., outputGrads = r); the numeric one perturbs one input element
 * by +-eps and divides the change of L (summed in double) by the actual change of the element.
 *
 * Tolerances: |analytic - numeric| <= atol + rtol * max(|analytic|, |numeric|), with
 *   float64 cases (elementwise and data movement): eps 1e-6, atol 1e-7, rtol 1e-6;
 *   float32 cases (the nn ops' float32 kernels):   eps 1e-2, atol 2e-3, rtol 1e-2.
 * Up to 10 seeded coordinates per input. Inputs that carry no gradient (integers, bools, the
 * case's noGrad) must get undefined. Every op with a forward must have a backward and a case.
 */
import { describe, expect, it } from 'vitest';
import type { Node } from '../../src/ir/graph.js';
import { isFloatType, makeTensor, type Tensor } from '../../src/ir/tensor.js';
import { resolveAttrs, type OpDef } from '../../src/ops/op-def.js';
import { allOps, findOp } from '../../src/ops/registry.js';
import { rng } from '../../src/util/random.js';
import { GRAD_CASES, rand, type GradCase } from './gradient-cases.js';

const key = (domain: string | undefined, type: string) => `${domain ?? ''}::${type}`;

function nodeOf(c: GradCase): Node {
  return {
    name: `grad_${c.op}`,
    op: c.op,
    domain: c.domain ?? '',
    inputs: c.inputs.map((t, i) => (t ? `in${i}` : '')),
    outputs: Array.from({ length: c.outputs ?? 1 }, (_, k) => `out${k}`),
    attrs: c.attrs ?? {},
  };
}

/** sum_k <r_k, y_k> in double over the outputs that have weights. */
function loss(op: OpDef, inputs: (Tensor | undefined)[], node: Node, weights: (Tensor | undefined)[]): number {
  const outputs = op.forward(inputs, resolveAttrs(op.attrs, node), node);
  let sum = 0;
  outputs.forEach((y, k) => {
    const r = weights[k];
    if (r) for (let i = 0; i < y.data.length; i++) sum += r.data[i]! * y.data[i]!;
  });
  return sum;
}

function withElement(t: Tensor, i: number, value: number): Tensor {
  const copy = makeTensor(t.dtype, t.shape, t.data);
  copy.data[i] = value;
  return copy;
}

function checkCase(c: GradCase): void {
  const op = findOp(c.domain ?? '', c.op)!;
  const node = nodeOf(c);
  const attrs = resolveAttrs(op.attrs, node);
  const outputs = op.forward(c.inputs, attrs, node);
  const weights = outputs.map((y) => (isFloatType(y.dtype) ? rand(y.dtype, [...y.shape]) : undefined));
  const grads = op.backward!(c.inputs, outputs, weights, attrs, node);
  const double = c.inputs.every((t) => !t || t.dtype !== 'float32');
  const [eps, atol, rtol] = double ? [1e-6, 1e-7, 1e-6] : [1e-2, 2e-3, 1e-2];

  c.inputs.forEach((x, j) => {
    const label = `${c.op}${c.label ? ` (${c.label})` : ''} input ${j}`;
    if (!x || !isFloatType(x.dtype) || c.noGrad?.includes(j)) {
      expect(grads[j], `${label} should carry no gradient`).toBeUndefined();
      return;
    }
    const g = grads[j];
    expect(g, `${label} has no gradient`).toBeDefined();
    expect([...g!.shape], `${label} gradient shape`).toEqual([...x.shape]);
    expect(g!.dtype).toBe(x.dtype);
    const pick = rng(j + 7);
    const count = Math.min(10, x.data.length);
    for (let n = 0; n < count; n++) {
      const i = x.data.length <= 10 ? n : Math.floor(pick() * x.data.length);
      const plus = withElement(x, i, x.data[i]! + eps);
      const minus = withElement(x, i, x.data[i]! - eps);
      const at = (t: Tensor) => c.inputs.map((v, k) => (k === j ? t : v));
      const numeric = (loss(op, at(plus), node, weights) - loss(op, at(minus), node, weights)) / (plus.data[i]! - minus.data[i]!);
      const analytic = g!.data[i]!;
      const bound = atol + rtol * Math.max(Math.abs(analytic), Math.abs(numeric));
      expect(Math.abs(analytic - numeric), `${label} element ${i}: analytic ${analytic}, numeric ${numeric}`).toBeLessThanOrEqual(bound);
    }
  });
}

describe('backward of every op vs finite differences', () => {
  it('every op with a forward has a backward and at least one case', () => {
    const covered = new Set(GRAD_CASES.map((c) => key(c.domain, c.op)));
    const missingBackward = allOps().filter((op) => !op.backward).map((op) => op.type);
    const missingCase = allOps().filter((op) => !covered.has(key(op.domain, op.type))).map((op) => op.type);
    expect(missingBackward).toEqual([]);
    expect(missingCase).toEqual([]);
  });

  for (const c of GRAD_CASES) {
    it(`${c.op}${c.label ? ` (${c.label})` : ''}`, () => checkCase(c));
  }
});

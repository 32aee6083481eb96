/**
 * End-to-end training: a small conv student fitted to a teacher of the same topology on seeded
 * random data (KL divergence at T = 2, Adam, cosine schedule with warmup) must cut the loss on
 * held-out random data by 10x; the same run with 4-bit fake-quantized weights (QAT, evaluated with the weights
 * quantized) by 5x; and
 * optimising the input alone (synthetic data, as data-free distillation does) must raise the
 * teacher's confidence in a chosen class. Everything is seeded, so the numbers repeat exactly.
 */
import { describe, expect, it } from 'vitest';
import { inferTypes } from '../../src/engine/infer-types.js';
import { makeGraph, type Graph } from '../../src/ir/graph.js';
import type { Tensor } from '../../src/ir/tensor.js';
import { runGraph } from '../../src/engine/run-graph.js';
import { crossEntropyLoss, klDivergenceLoss } from '../../src/train/losses.js';
import { adam } from '../../src/train/optimizers.js';
import { computeGradients, selectParameters } from '../../src/train/parameters.js';
import { cosineSchedule } from '../../src/train/schedule.js';
import { weightFakeQuant } from '../../src/train/fake-quant.js';
import type { ValueTransform } from '../../src/train/backprop.js';
import { randomTensor } from '../helpers/random.js';

const BATCH = 8;

/** x (8,2,8,8) -> Conv 3x3 s2 + Relu -> depthwise 3x3 + Relu -> GAP -> Flatten -> Gemm -> (8,5). */
function net(seed: number): Graph {
  const w = (name: string, shape: number[], k: number) => [name, randomTensor(shape, seed * 10 + k, -0.6, 0.6)] as const;
  const graph = makeGraph({
    inputs: [{ name: 'x', dtype: 'float32', shape: [BATCH, 2, 8, 8] }],
    outputs: [{ name: 'y', dtype: 'float32', shape: [BATCH, 5] }],
    initializers: new Map([w('c1', [6, 2, 3, 3], 1), w('b1', [6], 2), w('dw', [6, 1, 3, 3], 3), w('fc', [5, 6], 4), w('fcb', [5], 5)]),
    nodes: [
      { name: 'c1', op: 'Conv', domain: '', inputs: ['x', 'c1', 'b1'], outputs: ['h1'], attrs: { strides: { kind: 'ints', value: [2, 2] }, pads: { kind: 'ints', value: [1, 1, 1, 1] } }, activation: { kind: 'relu' } },
      { name: 'dw', op: 'Conv', domain: '', inputs: ['h1', 'dw'], outputs: ['h2'], attrs: { group: { kind: 'int', value: 6 }, pads: { kind: 'ints', value: [1, 1, 1, 1] } }, activation: { kind: 'clip', min: 0, max: 6 } },
      { name: 'gap', op: 'GlobalAveragePool', domain: '', inputs: ['h2'], outputs: ['p'], attrs: {} },
      { name: 'flat', op: 'Flatten', domain: '', inputs: ['p'], outputs: ['f'], attrs: {} },
      { name: 'fc', op: 'Gemm', domain: '', inputs: ['f', 'fc', 'fcb'], outputs: ['y'], attrs: { transB: { kind: 'int', value: 1 }, alpha: { kind: 'float', value: 4 } } },
    ],
  });
  inferTypes(graph);
  return graph;
}

function distill(transforms?: Map<string, ValueTransform>): { before: number; after: number } {
  const teacher = net(1);
  const student = net(2);
  const params = selectParameters(student);
  const optimizer = adam(params);
  const steps = 60;
  const lr = cosineSchedule({ base: 0.03, totalSteps: steps, warmupSteps: 5 });
  const heldOut = { x: randomTensor([BATCH, 2, 8, 8], 999) };
  const evaluate = () => {
    // The student as deployed: with QAT, its weights quantized.
    const weights = params.map((p) => [p.name, transforms?.get(p.name)?.forward(p.value) ?? p.value] as const);
    const s = runGraph({ ...student, initializers: new Map([...student.initializers, ...weights]) }, heldOut).get('y')!;
    return klDivergenceLoss(s, runGraph(teacher, heldOut).get('y')!, 2).value;
  };
  const before = evaluate();
  for (let step = 0; step < steps; step++) {
    const feeds = { x: randomTensor([BATCH, 2, 8, 8], 100 + step) };
    const target = runGraph(teacher, feeds).get('y')!;
    computeGradients(student, feeds, params, (values) => {
      const kl = klDivergenceLoss(values.get('y')!, target, 2);
      return { value: kl.value, grads: new Map([['y', kl.grad]]) };
    }, transforms ? { transforms } : {});
    optimizer.step(lr(step));
  }
  return { before, after: evaluate() };
}

describe('training', () => {
  it('fits a student to a teacher: held-out KL falls at least 10x', () => {
    const { before, after } = distill();
    expect(before).toBeGreaterThan(0.05);
    expect(after, `KL ${before} -> ${after}`).toBeLessThan(before / 10);
  });

  it('with 4-bit fake-quantized weights (QAT, straight-through) the held-out KL still falls 5x', () => {
    const transforms = new Map(['c1', 'dw', 'fc'].map((name) => [name, weightFakeQuant(0, 4)] as const));
    const { before, after } = distill(transforms);
    expect(after, `KL ${before} -> ${after}`).toBeLessThan(before / 5);
  });

  it('optimises the input alone: the teacher grows confident in a chosen class', () => {
    const teacher = net(1);
    const image: { value: Tensor; grad: Float32Array } = { value: randomTensor([BATCH, 2, 8, 8], 5, -0.1, 0.1), grad: new Float32Array(BATCH * 128) };
    const labels = new Array<number>(BATCH).fill(3);
    const optimizer = adam([image]);
    const lossAt = () => crossEntropyLoss(runGraph(teacher, { x: image.value }).get('y')!, labels).value;
    const before = lossAt();
    for (let step = 0; step < 30; step++) {
      const { inputGrads } = computeGradients(teacher, { x: image.value }, [], (values) => {
        const ce = crossEntropyLoss(values.get('y')!, labels);
        return { value: ce.value, grads: new Map([['y', ce.grad]]) };
      }, { inputGrads: ['x'] });
      image.grad.set(inputGrads.get('x')!.data);
      optimizer.step(0.1);
    }
    expect(lossAt()).toBeLessThan(before / 4);
  });
});

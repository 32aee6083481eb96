/**
 * The graph-level driver against finite differences of the fp32 engine (runGraph, which the
 * driver does not use): a small conv net with a fused ReLU, fan-out (one value read three times)
 * and a Gemm head at batch 2, and ResNet-8 from ../shared/models at batch 2 (random coordinates of
 * weight and input gradients). Float32 throughout, so central differences use eps 1e-2 (small
 * net) or 3e-3 (ResNet-8, relative to |value|, ReLU kinks make larger steps unreliable), and the
 * check is |analytic - numeric| <= 0.02 * max|gradient of that tensor| + 0.05 * |numeric|.
 */
import { describe, expect, it } from 'vitest';
import { readNpy } from '../../src/data/npy.js';
import { runGraph } from '../../src/engine/run-graph.js';
import { inferTypes } from '../../src/engine/infer-types.js';
import { makeGraph, type Graph } from '../../src/ir/graph.js';
import { makeTensor, sizeOf, type Tensor } from '../../src/ir/tensor.js';
import { loadModel } from '../../src/onnx/load-model.js';
import { canonicalize } from '../../src/passes/index.js';
import { backward, forwardWithTape } from '../../src/train/backprop.js';
import { withBatch } from '../../src/train/batch.js';
import { selectParameters } from '../../src/train/parameters.js';
import { rng } from '../../src/util/random.js';
import { randomTensor } from '../helpers/random.js';
import { HAVE_SHARED, SHARED_MODELS, SKIP_NO_SHARED } from '../helpers/shared.js';

/** x (2,3,6,6) -> Conv+Relu (fused) -> h; h + h*h -> GlobalAveragePool -> Flatten -> Gemm -> y (2,4). */
function smallNet(): Graph {
  const init = (name: string, shape: number[], seed: number) => [name, randomTensor(shape, seed, -0.5, 0.5)] as const;
  const graph = makeGraph({
    inputs: [{ name: 'x', dtype: 'float32', shape: [2, 3, 6, 6] }],
    outputs: [{ name: 'y', dtype: 'float32', shape: [2, 4] }],
    initializers: new Map([init('w', [5, 3, 3, 3], 1), init('b', [5], 2), init('fc', [4, 5], 3), init('fcb', [4], 4)]),
    nodes: [
      { name: 'conv', op: 'Conv', domain: '', inputs: ['x', 'w', 'b'], outputs: ['h'], attrs: { pads: { kind: 'ints', value: [1, 1, 1, 1] } }, activation: { kind: 'relu' } },
      { name: 'sq', op: 'Mul', domain: '', inputs: ['h', 'h'], outputs: ['h2'], attrs: {} },
      { name: 'sum', op: 'Add', domain: '', inputs: ['h', 'h2'], outputs: ['s'], attrs: {} },
      { name: 'gap', op: 'GlobalAveragePool', domain: '', inputs: ['s'], outputs: ['p'], attrs: {} },
      { name: 'flat', op: 'Flatten', domain: '', inputs: ['p'], outputs: ['f'], attrs: {} },
      { name: 'fc', op: 'Gemm', domain: '', inputs: ['f', 'fc', 'fcb'], outputs: ['y'], attrs: { transB: { kind: 'int', value: 1 } } },
    ],
  });
  inferTypes(graph);
  return graph;
}

/**
 * x -> Conv+Relu -> h; Add+Relu(h, h) -> s; Conv+Relu(s) -> t; Add+Relu(t, s) -> u -> GAP -> y.
 * Residual sums, a value read twice by one node and fused Relus fed by summed gradients: the
 * cases where backward masks and sums in buffers it reuses (train/grad-buffers.ts).
 */
function residualNet(): Graph {
  const init = (name: string, shape: number[], seed: number) => [name, randomTensor(shape, seed, -0.5, 0.5)] as const;
  const pads = { pads: { kind: 'ints' as const, value: [1, 1, 1, 1] } };
  const relu = { kind: 'relu' as const };
  const graph = makeGraph({
    inputs: [{ name: 'x', dtype: 'float32', shape: [2, 3, 5, 5] }],
    outputs: [{ name: 'y', dtype: 'float32', shape: [2, 4, 1, 1] }],
    initializers: new Map([init('w1', [4, 3, 3, 3], 11), init('w2', [4, 4, 3, 3], 12), init('b2', [4], 13)]),
    nodes: [
      { name: 'c1', op: 'Conv', domain: '', inputs: ['x', 'w1'], outputs: ['h'], attrs: pads, activation: relu },
      { name: 'a1', op: 'Add', domain: '', inputs: ['h', 'h'], outputs: ['s'], attrs: {}, activation: relu },
      { name: 'c2', op: 'Conv', domain: '', inputs: ['s', 'w2', 'b2'], outputs: ['t'], attrs: pads, activation: relu },
      { name: 'a2', op: 'Add', domain: '', inputs: ['t', 's'], outputs: ['u'], attrs: {}, activation: relu },
      { name: 'gap', op: 'GlobalAveragePool', domain: '', inputs: ['u'], outputs: ['y'], attrs: {} },
    ],
  });
  inferTypes(graph);
  return graph;
}

/** L = <r, output> in double, by the reference engine. */
function lossOf(graph: Graph, feeds: Record<string, Tensor>, r: Tensor): number {
  const y = runGraph(graph, feeds).get(graph.outputs[0]!.name)!;
  let sum = 0;
  for (let i = 0; i < y.data.length; i++) sum += r.data[i]! * y.data[i]!;
  return sum;
}

function withValue(t: Tensor, i: number, v: number): Tensor {
  const c = makeTensor(t.dtype, t.shape, t.data);
  c.data[i] = v;
  return c;
}

/** Checks `count` random coordinates of grad(name) against central differences. */
function checkCoordinates(graph: Graph, feeds: Record<string, Tensor>, r: Tensor, name: string, grad: Tensor, count: number, relStep: number, absStep: number): void {
  const isInput = name in feeds;
  const value = isInput ? feeds[name]! : graph.initializers.get(name)!;
  const scale = Math.max(...Array.from(grad.data, Math.abs));
  const pick = rng(sizeOf(value.shape));
  for (let n = 0; n < count; n++) {
    const i = Math.floor(pick() * value.data.length);
    const eps = Math.max(absStep, relStep * Math.abs(value.data[i]!));
    const at = (v: number) => {
      const t = withValue(value, i, v);
      if (isInput) return lossOf(graph, { ...feeds, [name]: t }, r);
      const g = { ...graph, initializers: new Map(graph.initializers).set(name, t) };
      return lossOf(g, feeds, r);
    };
    const [hi, lo] = [Math.fround(value.data[i]! + eps), Math.fround(value.data[i]! - eps)];
    const numeric = (at(hi) - at(lo)) / (hi - lo);
    const analytic = grad.data[i]!;
    expect(Math.abs(analytic - numeric), `${name}[${i}]: analytic ${analytic}, numeric ${numeric}`).toBeLessThanOrEqual(0.02 * scale + 0.05 * Math.abs(numeric));
  }
}

describe('backprop driver', () => {
  it('differentiates a small net (fused ReLU, fan-out, batch 2) w.r.t. weights and input', () => {
    const graph = smallNet();
    const feeds = { x: randomTensor([2, 3, 6, 6], 5) };
    const r = randomTensor([2, 4], 6);
    const tape = forwardWithTape(graph, feeds);
    const names = ['x', 'w', 'b', 'fc', 'fcb'];
    const grads = backward(tape, new Map([['y', r]]), names);
    for (const name of names) checkCoordinates(graph, feeds, r, name, grads.get(name)!, 12, 0, 1e-2);
  });

  it('residual sums and masks in reused buffers: finite differences, seeds untouched, same with intermediates asked for', () => {
    const graph = residualNet();
    const feeds = { x: randomTensor([2, 3, 5, 5], 14) };
    const r = randomTensor([2, 4, 1, 1], 15);
    const seed = makeTensor('float32', r.shape, r.data);
    const tape = forwardWithTape(graph, feeds);
    const names = ['x', 'w1', 'w2', 'b2'];
    const grads = backward(tape, new Map([['y', seed]]), names);
    // A smaller step than smallNet's: two stacked Relus put more kinks within 1e-2.
    for (const name of names) checkCoordinates(graph, feeds, r, name, grads.get(name)!, 12, 0, 2e-3);
    expect(Array.from(seed.data)).toEqual(Array.from(r.data));
    // Asking for s and u too keeps their gradients out of reuse; the others must not change.
    const more = backward(tape, new Map([['y', seed]]), [...names, 's', 'u']);
    for (const name of names) expect(Array.from(more.get(name)!.data), name).toEqual(Array.from(grads.get(name)!.data));
    // dL/du is the seed spread over the pooled pixels; dL/ds is not masked by s's own Relu.
    const u = more.get('u')!.data;
    for (let i = 0; i < u.length; i++) expect(u[i]).toBeCloseTo(r.data[Math.floor(i / 25)]! / 25, 6);
    expect(more.get('s')!.data.some((v, i) => v !== 0 && tape.values.get('s')!.data[i] === 0)).toBe(true);
  });

  it('matches the reference engine forward, and gives zeros to values the loss does not reach', () => {
    const graph = smallNet();
    const feeds = { x: randomTensor([2, 3, 6, 6], 7) };
    const tape = forwardWithTape(graph, feeds);
    expect(Array.from(tape.values.get('y')!.data)).toEqual(Array.from(runGraph(graph, feeds).get('y')!.data));
    const grads = backward(tape, new Map([['h', makeTensor('float32', tape.values.get('h')!.shape)]]), ['fc', 'w']);
    expect(grads.get('fc')!.data.every((v) => v === 0)).toBe(true);
    expect(grads.get('w')!.data.every((v) => v === 0)).toBe(true);
  });

  it('selects float weights as parameters, never shapes or Clip bounds, and copies them', () => {
    const graph = smallNet();
    const params = selectParameters(graph);
    expect(params.map((p) => p.name)).toEqual(['w', 'b', 'fc', 'fcb']);
    params[0]!.value.data[0] = 42;
    expect(graph.initializers.get('w')!.data[0]).not.toBe(42);
    expect(selectParameters(graph, (name) => name.startsWith('fc')).map((p) => p.name)).toEqual(['fc', 'fcb']);
  });

  it.skipIf(!HAVE_SHARED)(`ResNet-8 at batch 2: weight and input gradients vs finite differences${SKIP_NO_SHARED}`, () => {
    const graph = withBatch(canonicalize(loadModel(`${SHARED_MODELS}/resnet8.onnx`)), 2);
    const inputName = graph.inputs[0]!.name;
    const x = readNpy(`${SHARED_MODELS}/resnet8.test_x.npy`);
    const size = sizeOf(x.shape.slice(1));
    const feeds = { [inputName]: makeTensor('float32', [2, ...x.shape.slice(1)], x.data.subarray(0, 2 * size)) };
    const out = graph.outputs[0]!.name;
    const r = randomTensor([...graph.types.get(out)!.shape], 11);
    const tape = forwardWithTape(graph, feeds);
    const weights = selectParameters(graph).map((p) => p.name);
    expect(weights.length).toBeGreaterThan(10);
    const chosen = [weights[0]!, weights[Math.floor(weights.length / 2)]!, weights[weights.length - 2]!];
    const grads = backward(tape, new Map([[out, r]]), [inputName, ...chosen]);
    checkCoordinates(graph, feeds, r, inputName, grads.get(inputName)!, 6, 3e-3, 1e-3);
    for (const name of chosen) checkCoordinates(graph, feeds, r, name, grads.get(name)!, 4, 3e-3, 1e-3);
  });
});

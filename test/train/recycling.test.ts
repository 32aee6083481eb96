/**
 * Buffer reuse across training steps (recycleTape in src/train/backprop.ts, ir/buffer-pool.ts):
 * a net whose values alias the graph input (Identity) and each other (Reshape), with fused Relus
 * and a residual sum, at sizes the pool keeps (>= 16384 floats). Gradients computed after the
 * previous step's tape was recycled equal, bit for bit, those of a process state that never
 * recycled (the first step); the graph input and the weights are never handed out again (their
 * contents stay untouched while the recycled buffers are reused); and the next step does reuse
 * the buffers (the same Float32Array objects come back), zeroed as fresh allocations are.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { inferTypes } from '../../src/engine/infer-types.js';
import { clearFloat32Pool } from '../../src/ir/buffer-pool.js';
import { makeGraph, type Graph } from '../../src/ir/graph.js';
import { makeTensor, type Tensor } from '../../src/ir/tensor.js';
import { runGraph } from '../../src/engine/run-graph.js';
import { backward, forwardWithTape, recycleTape, recycleValues } from '../../src/train/backprop.js';
import { randomTensor } from '../helpers/random.js';

const SHAPE = [2, 8, 32, 32]; // 16384 floats per image: every activation is poolable

/** x -> Identity -> xi; Conv+Relu(xi) -> h; Reshape(h) -> r -> Reshape back -> h2; Add+Relu(h2, xi) -> s -> GAP -> y. */
function aliasingNet(): Graph {
  const pads = { pads: { kind: 'ints' as const, value: [1, 1, 1, 1] } };
  const graph = makeGraph({
    inputs: [{ name: 'x', dtype: 'float32', shape: SHAPE }],
    outputs: [{ name: 'y', dtype: 'float32', shape: [2, 8, 1, 1] }],
    initializers: new Map<string, Tensor>([
      ['w', randomTensor([8, 8, 3, 3], 1, -0.3, 0.3)],
      ['flat', makeTensor('int64', [2], [2, -1])],
      ['back', makeTensor('int64', [4], SHAPE)],
    ]),
    nodes: [
      { name: 'id', op: 'Identity', domain: '', inputs: ['x'], outputs: ['xi'], attrs: {} },
      { name: 'conv', op: 'Conv', domain: '', inputs: ['xi', 'w'], outputs: ['h'], attrs: pads, activation: { kind: 'relu' } },
      { name: 'r1', op: 'Reshape', domain: '', inputs: ['h', 'flat'], outputs: ['r'], attrs: {} },
      { name: 'r2', op: 'Reshape', domain: '', inputs: ['r', 'back'], outputs: ['h2'], attrs: {} },
      { name: 'add', op: 'Add', domain: '', inputs: ['h2', 'xi'], outputs: ['s'], attrs: {}, activation: { kind: 'relu' } },
      { name: 'gap', op: 'GlobalAveragePool', domain: '', inputs: ['s'], outputs: ['y'], attrs: {} },
    ],
  });
  inferTypes(graph);
  return graph;
}

afterEach(() => clearFloat32Pool());

describe('recycleTape', () => {
  it('gives the same gradients step after step, never reuses the input or weights, and reuses the rest', () => {
    clearFloat32Pool();
    const graph = aliasingNet();
    const x = randomTensor(SHAPE, 2, -1, 1);
    const xCopy = Float32Array.from(x.data as Float32Array);
    const wCopy = Float32Array.from(graph.initializers.get('w')!.data as Float32Array);
    const seeds = new Map([['y', randomTensor([2, 8, 1, 1], 3, -1, 1)]]);
    const step = () => {
      const tape = forwardWithTape(graph, { x });
      const grads = backward(tape, seeds, ['x', 'w']);
      const copies = { dx: Float32Array.from(grads.get('x')!.data as Float32Array), dw: Float32Array.from(grads.get('w')!.data as Float32Array) };
      const activations = new Set(['h', 's'].map((name) => tape.values.get(name)!.data));
      recycleTape(tape);
      return { ...copies, activations };
    };
    const first = step();
    let previous = first.activations;
    for (let i = 0; i < 3; i++) {
      const again = step();
      expect(again.dx).toEqual(first.dx);
      expect(again.dw).toEqual(first.dw);
      // The previous step's activation buffers came back for this one.
      expect([...again.activations].some((d) => previous.has(d))).toBe(true);
      previous = again.activations;
    }
    expect(x.data).toEqual(xCopy);
    expect(graph.initializers.get('w')!.data).toEqual(wCopy);
  });

  it('hands recycled buffers out zeroed, and the same objects come back', () => {
    clearFloat32Pool();
    const graph = aliasingNet();
    const x = randomTensor(SHAPE, 4, -1, 1);
    const tape = forwardWithTape(graph, { x });
    const h = tape.values.get('h')!.data as Float32Array;
    expect(h.some((v) => v !== 0)).toBe(true);
    recycleTape(tape);
    const reused = [makeTensor('float32', SHAPE), makeTensor('float32', SHAPE)].map((t) => t.data);
    expect(reused.some((d) => d === h)).toBe(true);
    for (const d of reused) expect((d as Float32Array).every((v) => v === 0)).toBe(true);
    // The input is never among them.
    expect(reused.some((d) => d === x.data)).toBe(false);
  });
});

describe('recycleValues', () => {
  it('never hands out a Constant node\'s attribute tensor, which every run returns as it is', () => {
    clearFloat32Pool();
    const value = randomTensor(SHAPE, 5, -1, 1);
    const copy = Float32Array.from(value.data as Float32Array);
    const graph = makeGraph({
      inputs: [{ name: 'x', dtype: 'float32', shape: SHAPE }],
      outputs: [{ name: 'y', dtype: 'float32', shape: SHAPE }],
      initializers: new Map(),
      nodes: [
        { name: 'c', op: 'Constant', domain: '', inputs: [], outputs: ['k'], attrs: { value: { kind: 'tensor', value } } },
        { name: 'add', op: 'Add', domain: '', inputs: ['x', 'k'], outputs: ['y'], attrs: {} },
      ],
    });
    inferTypes(graph);
    const values = runGraph(graph, { x: randomTensor(SHAPE, 6, -1, 1) }, { keepAll: true });
    expect(values.get('k')!.data).toBe(value.data);
    recycleValues(graph, values);
    const taken = [makeTensor('float32', SHAPE), makeTensor('float32', SHAPE)].map((t) => t.data);
    expect(taken.some((d) => d === value.data)).toBe(false);
    expect(value.data).toEqual(copy);
  });
});

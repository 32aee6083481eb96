import { describe, expect, it } from 'vitest';
import { fuseActivation } from '../../src/passes/fuse-activation.js';
import { applyPass, buildGraph, f32, node, opsOf } from './harness.js';

const c3 = { c: f32([3], [0.5, -2, 4]) };

describe('fuse-activation', () => {
  it('fuses a Relu into the Add that produces its input', () => {
    const graph = buildGraph({
      inputs: { x: [2, 3] },
      outputs: ['y'],
      inits: c3,
      nodes: [node('Add', ['x', 'c'], ['t']), node('Relu', ['t'], ['y'])],
    });
    const { after, changed } = applyPass(fuseActivation, graph, { x: f32([2, 3], [-3, -1, 0, 1, 3, -5]) });
    expect(changed).toBe(true);
    expect(opsOf(after)).toEqual(['Add']);
    expect(after.nodes[0]!.activation).toEqual({ kind: 'relu' });
    expect(after.nodes[0]!.outputs).toEqual(['y']);
    expect(after.types.has('t')).toBe(false);
  });

  it('fuses Clip(0, 6) (ReLU6), composes Relu then Clip(-1, 6) into [0, 6], and Clip(0, none) is a Relu', () => {
    const bounds = { zero: f32([], [0]), six: f32([], [6]), minusOne: f32([], [-1]) };
    const graph = buildGraph({
      inputs: { x: [2, 3] },
      outputs: ['y1', 'y2', 'y3'],
      inits: { ...c3, ...bounds },
      nodes: [
        node('Add', ['x', 'c'], ['t1']),
        node('Clip', ['t1', 'zero', 'six'], ['y1']),
        node('Add', ['x', 'x'], ['t2']),
        node('Relu', ['t2'], ['r2']),
        node('Clip', ['r2', 'minusOne', 'six'], ['y2']),
        node('Add', ['c', 'x'], ['t3']),
        node('Clip', ['t3', 'zero'], ['y3']),
      ],
    });
    const { after } = applyPass(fuseActivation, graph, { x: f32([2, 3], [-4, -0.5, 0.2, 2.5, 5, 9]) });
    expect(opsOf(after)).toEqual(['Add', 'Add', 'Add']);
    expect(after.nodes.map((n) => n.activation)).toEqual([
      { kind: 'clip', min: 0, max: 6 },
      { kind: 'clip', min: 0, max: 6 },
      { kind: 'relu' },
    ]);
    expect(after.nodes.map((n) => n.outputs[0])).toEqual(['y1', 'y2', 'y3']);
  });

  it('declines: a second reader, a graph-output producer value, a non-fusable producer, a non-constant or inverted Clip', () => {
    const graph = buildGraph({
      inputs: { x: [3], lo: [] },
      outputs: ['y1', 't2', 'y2', 'y3', 'y4', 'y5'],
      inits: { ...c3, six: f32([], [6]), one: f32([], [1]) },
      nodes: [
        node('Add', ['x', 'c'], ['t1']),
        node('Relu', ['t1'], ['r1']),
        node('Mul', ['t1', 'r1'], ['y1']),
        node('Add', ['x', 'x'], ['t2']),
        node('Relu', ['t2'], ['y2']),
        node('Mul', ['x', 'c'], ['t3']),
        node('Relu', ['t3'], ['y3']),
        node('Add', ['c', 'x'], ['t4']),
        node('Clip', ['t4', 'lo', 'six'], ['y4']),
        node('Add', ['c', 'c'], ['t5']),
        node('Clip', ['t5', 'six', 'one'], ['y5']),
      ],
    });
    const { after, changed } = applyPass(fuseActivation, graph, { x: f32([3], [-1, 0.5, 2]), lo: f32([], [0.25]) });
    expect(changed).toBe(false);
    expect(after.nodes.every((n) => n.activation === undefined)).toBe(true);
  });
});

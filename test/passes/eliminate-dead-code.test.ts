import { describe, expect, it } from 'vitest';
import { eliminateDeadCode } from '../../src/passes/eliminate-dead-code.js';
import { applyPass, buildGraph, f32, i64, node, opsOf } from './harness.js';

describe('eliminate-dead-code', () => {
  it('removes a dead chain in one call, with its initializers and types; keeps unused graph inputs', () => {
    const graph = buildGraph({
      inputs: { x: [3], unused: [2] },
      outputs: ['y'],
      inits: { w: f32([3], [1, 2, 3]), deadW: f32([3], [4, 5, 6]), orphan: f32([1], [0]) },
      nodes: [
        node('Mul', ['x', 'deadW'], ['dead1']),
        node('Relu', ['dead1'], ['dead2']),
        node('Add', ['x', 'w'], ['y']),
        node('Neg', ['dead2'], ['dead3']),
      ],
    });
    const { after, changed } = applyPass(eliminateDeadCode, graph);
    expect(changed).toBe(true);
    expect(opsOf(after)).toEqual(['Add']);
    expect([...after.initializers.keys()]).toEqual(['w']);
    expect([...after.types.keys()].sort()).toEqual(['unused', 'w', 'x', 'y']);
    expect(after.inputs.map((i) => i.name)).toEqual(['x', 'unused']);
  });

  it('keeps a node one of whose outputs is used, and finds nothing to do in a live graph', () => {
    const graph = buildGraph({
      inputs: { x: [4] },
      outputs: ['b'],
      inits: { sizes: i64([2, 2]) },
      nodes: [node('Split', ['x', 'sizes'], ['a', 'b'])],
    });
    const { after, changed } = applyPass(eliminateDeadCode, graph);
    expect(changed).toBe(false);
    expect(opsOf(after)).toEqual(['Split']);
  });
});

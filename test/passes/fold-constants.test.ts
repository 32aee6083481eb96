import { describe, expect, it } from 'vitest';
import { eliminateDeadCode } from '../../src/passes/eliminate-dead-code.js';
import { foldConstants } from '../../src/passes/fold-constants.js';
import { applyPass, buildGraph, f32, i64, int, node, opsOf } from './harness.js';

describe('fold-constants', () => {
  it('resolves the Shape -> Gather -> Unsqueeze -> Concat -> Reshape chain of view(x.size(0), -1)', () => {
    const graph = buildGraph({
      inputs: { x: [2, 3, 4, 4] },
      outputs: ['y'],
      inits: { zero: i64([0], []), axes0: i64([0]), minusOne: i64([-1]) },
      nodes: [
        node('Shape', ['x'], ['shape']),
        node('Gather', ['shape', 'zero'], ['batch'], { axis: int(0) }),
        node('Unsqueeze', ['batch', 'axes0'], ['batch1']),
        node('Concat', ['batch1', 'minusOne'], ['target'], { axis: int(0) }),
        node('Reshape', ['x', 'target'], ['flat']),
        node('Relu', ['flat'], ['y']),
      ],
    });
    const { after, changed } = applyPass(foldConstants, graph);
    expect(changed).toBe(true);
    expect(opsOf(after)).toEqual(['Reshape', 'Relu']);
    expect(Array.from(after.initializers.get(after.nodes[0]!.inputs[1]!)!.data)).toEqual([2, -1]);
    expect(after.types.get('flat')!.shape).toEqual([2, 48]);
    // Every folded value is an initializer; dead-code elimination then keeps only the one in use.
    expect([...after.initializers.keys()].sort()).toEqual(['axes0', 'batch', 'batch1', 'minusOne', 'shape', 'target', 'zero']);
    expect(eliminateDeadCode(after)).toBe(true);
    expect([...after.initializers.keys()]).toEqual(['target']);
    expect([...after.types.keys()].sort()).toEqual(['flat', 'target', 'x', 'y']);
  });

  it('turns Constant nodes into initializers and folds arithmetic on constants', () => {
    const graph = buildGraph({
      inputs: { x: [2, 3] },
      outputs: ['y'],
      inits: { w: f32([3], [1, 2, 3]) },
      nodes: [
        node('Constant', [], ['c'], { value: { kind: 'tensor', value: f32([3], [0.5, 0.25, 2]) } }),
        node('Mul', ['w', 'c'], ['wc']),
        node('Add', ['x', 'wc'], ['y']),
      ],
    });
    const { after } = applyPass(foldConstants, graph);
    expect(opsOf(after)).toEqual(['Add']);
    expect(Array.from(after.initializers.get('wc')!.data)).toEqual([0.5, 0.5, 6]);
  });

  it('declines: a node on a graph input, a node writing a graph output', () => {
    const graph = buildGraph({
      inputs: { x: [4] },
      outputs: ['sum', 'y'],
      inits: { a: f32([1], [1]), b: f32([1], [2]) },
      nodes: [node('Add', ['a', 'b'], ['sum']), node('Relu', ['x'], ['y'])],
    });
    const { after, changed } = applyPass(foldConstants, graph);
    expect(changed).toBe(false);
    expect(opsOf(after)).toEqual(['Add', 'Relu']);
  });

  it('keeps a 90,000-element ConstantOfShape (it would bloat the model) but folds a small one', () => {
    const fill = { value: { kind: 'tensor' as const, value: f32([1], [1]) } };
    const graph = buildGraph({
      inputs: { x: [300, 300], s: [2, 2] },
      outputs: ['y', 'z'],
      inits: { bigShape: i64([300, 300]), smallShape: i64([2, 2]) },
      nodes: [
        node('ConstantOfShape', ['bigShape'], ['ones'], fill),
        node('Add', ['x', 'ones'], ['y']),
        node('ConstantOfShape', ['smallShape'], ['fewOnes'], fill),
        node('Add', ['s', 'fewOnes'], ['z']),
      ],
    });
    const { after } = applyPass(foldConstants, graph);
    expect(opsOf(after)).toEqual(['ConstantOfShape', 'Add', 'Add']);
    expect(after.initializers.get('fewOnes')!.shape).toEqual([2, 2]);
  });

  it('treats an initializer that is also a graph input as a value the caller may feed', () => {
    const graph = buildGraph({
      inputs: { x: [3], w: [3] },
      outputs: ['y'],
      inits: { w: f32([3], [1, 2, 3]), k: f32([3], [1, 1, 1]) },
      nodes: [node('Mul', ['w', 'k'], ['wk']), node('Add', ['x', 'wk'], ['y'])],
    });
    const { changed } = applyPass(foldConstants, graph);
    expect(changed).toBe(false);
  });

  it('folds a Shape with start/end (opset 15) and a Size', () => {
    const graph = buildGraph({
      inputs: { x: [2, 5, 3] },
      outputs: ['y'],
      nodes: [
        node('Shape', ['x'], ['tail'], { start: int(-2) }),
        node('Size', ['x'], ['n']),
        node('Unsqueeze', ['n', 'axes'], ['n1']),
        node('Concat', ['n1', 'tail'], ['dims'], { axis: int(0) }),
        node('Cast', ['dims'], ['dimsF'], { to: int(1) }),
        node('Add', ['x', 'dimsF'], ['y']),
      ],
      inits: { axes: i64([0]) },
    });
    const { after } = applyPass(foldConstants, graph);
    expect(opsOf(after)).toEqual(['Add']);
    expect(Array.from(after.initializers.get('dimsF')!.data)).toEqual([30, 5, 3]);
  });
});

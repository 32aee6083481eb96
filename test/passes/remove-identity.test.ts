import { describe, expect, it } from 'vitest';
import { makeTensor } from '../../src/ir/tensor.js';
import { removeIdentity } from '../../src/passes/remove-identity.js';
import { applyPass, buildGraph, f32, int, node, opsOf } from './harness.js';

describe('remove-identity', () => {
  it('routes readers of Identity and inference Dropout outputs to their inputs', () => {
    const graph = buildGraph({
      inputs: { x: [2, 3] },
      outputs: ['y'],
      inits: { ratio: f32([], [0.3]) },
      nodes: [
        node('Relu', ['x'], ['a']),
        node('Identity', ['a'], ['b']),
        node('Dropout', ['b', 'ratio'], ['c', 'unusedMask']),
        node('Mul', ['c', 'b'], ['y']),
      ],
    });
    const { after, changed } = applyPass(removeIdentity, graph);
    expect(changed).toBe(true);
    expect(opsOf(after)).toEqual(['Relu', 'Mul']);
    expect(after.nodes[1]!.inputs).toEqual(['a', 'a']);
    expect(after.types.has('b') || after.types.has('c') || after.types.has('unusedMask')).toBe(false);
  });

  it('keeps the graph output name: the producer of the Identity input writes it instead', () => {
    const graph = buildGraph({
      inputs: { x: [4] },
      outputs: ['out', 'a2'],
      nodes: [node('Relu', ['x'], ['a']), node('Identity', ['a'], ['out']), node('Neg', ['a'], ['a2'])],
    });
    const { after } = applyPass(removeIdentity, graph);
    expect(opsOf(after)).toEqual(['Relu', 'Neg']);
    expect(after.nodes[0]!.outputs).toEqual(['out']);
    expect(after.nodes[1]!.inputs).toEqual(['out']);
    expect(after.outputs.map((o) => o.name)).toEqual(['out', 'a2']);
  });

  it('removes a training-mode Dropout whose ratio is 0 (it passes data through)', () => {
    const graph = buildGraph({
      inputs: { x: [4] },
      outputs: ['y'],
      inits: { ratio: f32([], [0]), training: makeTensor('bool', [], [1]) },
      nodes: [node('Dropout', ['x', 'ratio', 'training'], ['d']), node('Neg', ['d'], ['y'])],
    });
    expect(opsOf(applyPass(removeIdentity, graph).after)).toEqual(['Neg']);
  });

  it('declines: Identity from a graph input to a graph output, a Dropout whose mask is read', () => {
    const graph = buildGraph({
      inputs: { x: [3] },
      outputs: ['y', 'z'],
      nodes: [
        node('Identity', ['x'], ['y']),
        node('Dropout', ['x'], ['d', 'mask']),
        node('Cast', ['mask'], ['maskF'], { to: int(1) }),
        node('Add', ['d', 'maskF'], ['z']),
      ],
    });
    const { after, changed } = applyPass(removeIdentity, graph);
    expect(changed).toBe(false);
    expect(opsOf(after)).toEqual(['Identity', 'Dropout', 'Cast', 'Add']);
  });
});

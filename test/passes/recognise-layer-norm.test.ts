import { describe, expect, it } from 'vitest';
import type { Node } from '../../src/ir/graph.js';
import { recogniseLayerNorm } from '../../src/passes/recognise-layer-norm.js';
import { randomTensor } from '../helpers/random.js';
import { applyPass, buildGraph, expectMatchesOrt, f32, i64, int, node, opsOf, randomFeeds } from './harness.js';

/** The expanded LayerNorm PyTorch exports below opset 17, over `axes`, reading x, writing n. */
function expanded(axes: string, square: 'pow' | 'mul' = 'pow'): Node[] {
  return [
    node('ReduceMean', ['x', axes], ['m']),
    node('Sub', ['x', 'm'], ['d']),
    square === 'pow' ? node('Pow', ['d', 'two'], ['sq']) : node('Mul', ['d', 'd'], ['sq']),
    node('ReduceMean', ['sq', axes], ['v']),
    node('Add', ['v', 'eps'], ['ve']),
    node('Sqrt', ['ve'], ['s']),
    node('Div', ['d', 's'], ['n']),
  ];
}
const constants = { two: f32([], [2]), eps: f32([], [1e-5]), last: i64([-1]), lastTwo: i64([1, 2]) };

describe('recognise-layer-norm', () => {
  it('recognises the full pattern with gamma and beta as LayerNormalization(axis 2, epsilon)', async () => {
    const graph = buildGraph({
      inputs: { x: [2, 4, 8] },
      outputs: ['y'],
      inits: { ...constants, gamma: randomTensor([8], 1, 0.5, 1.5), beta: randomTensor([8], 2) },
      nodes: [...expanded('last'), node('Mul', ['n', 'gamma'], ['g']), node('Add', ['beta', 'g'], ['y'], {}, 'ln_out')],
    });
    const { after, changed } = applyPass(recogniseLayerNorm, graph, randomFeeds(graph, 4, -3, 3));
    expect(changed).toBe(true);
    expect(opsOf(after)).toEqual(['LayerNormalization']);
    const ln = after.nodes[0]!;
    expect([ln.name, ln.outputs, ln.attrs.axis]).toEqual(['ln_out', ['y'], int(2)]);
    expect((ln.attrs.epsilon as { value: number }).value).toBeCloseTo(1e-5, 10);
    expect(Array.from(after.initializers.get(ln.inputs[1]!)!.data)).toEqual(Array.from(graph.initializers.get('gamma')!.data));
    await expectMatchesOrt(graph, after, randomFeeds(graph, 4, -3, 3));
  });

  it('recognises it without gamma/beta, over the last two axes, with Mul(d, d) for the square', async () => {
    const graph = buildGraph({
      inputs: { x: [2, 3, 5] },
      outputs: ['n'],
      inits: constants,
      nodes: expanded('lastTwo', 'mul'),
    });
    const { after } = applyPass(recogniseLayerNorm, graph);
    expect(opsOf(after)).toEqual(['LayerNormalization']);
    expect(after.nodes[0]!.attrs.axis).toEqual(int(1));
    expect(after.nodes[0]!.inputs).toHaveLength(2);
    expect(Array.from(after.initializers.get(after.nodes[0]!.inputs[1]!)!.data)).toEqual(new Array(15).fill(1));
    await expectMatchesOrt(graph, after, randomFeeds(graph));
  });

  it('expands a gamma of shape [1, 8] to the normalized shape and keeps the other layers around it', () => {
    const graph = buildGraph({
      inputs: { x: [3, 8] },
      outputs: ['y'],
      inits: { ...constants, gamma: randomTensor([1, 8], 3) },
      nodes: [...expanded('last'), node('Mul', ['gamma', 'n'], ['g']), node('Relu', ['g'], ['y'])],
    });
    const { after } = applyPass(recogniseLayerNorm, graph);
    expect(opsOf(after)).toEqual(['LayerNormalization', 'Relu']);
    expect(after.initializers.get(after.nodes[0]!.inputs[1]!)!.shape).toEqual([8]);
  });

  it('declines: an intermediate read outside the pattern, different axes in the two means, a non-constant eps', () => {
    const leaky = buildGraph({
      inputs: { x: [2, 6] },
      outputs: ['n', 'dOut'],
      inits: constants,
      nodes: [...expanded('last'), node('Neg', ['d'], ['dOut'])],
    });
    expect(applyPass(recogniseLayerNorm, leaky).changed).toBe(false);
    const mismatched = expanded('last');
    mismatched[3] = node('ReduceMean', ['sq', 'first'], ['v']);
    const axes = buildGraph({ inputs: { x: [6, 6] }, outputs: ['n'], inits: { ...constants, first: i64([0]) }, nodes: mismatched });
    expect(applyPass(recogniseLayerNorm, axes).changed).toBe(false);
    const runtimeEps = expanded('last');
    runtimeEps[4] = node('Add', ['v', 'epsIn'], ['ve']);
    const eps = buildGraph({ inputs: { x: [2, 6], epsIn: [] }, outputs: ['n'], inits: constants, nodes: runtimeEps });
    expect(applyPass(recogniseLayerNorm, eps, { ...randomFeeds(eps), epsIn: f32([], [1e-3]) }).changed).toBe(false);
  });
});


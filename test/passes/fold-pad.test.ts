import { describe, expect, it } from 'vitest';
import { foldPad } from '../../src/passes/fold-pad.js';
import { randomTensor } from '../helpers/random.js';
import { applyPass, buildGraph, expectMatchesOrt, f32, i64, int, ints, node, opsOf, randomFeeds, str } from './harness.js';

const pads = (...p: number[]) => i64(p);

describe('fold-pad', () => {
  it('adds a zero Pad to a Conv\'s pads, per spatial axis and side', async () => {
    const graph = buildGraph({
      inputs: { x: [1, 2, 6, 5] },
      outputs: ['y'],
      inits: { p: pads(0, 0, 1, 2, 0, 0, 3, 1), W: randomTensor([3, 2, 3, 3], 1) },
      nodes: [node('Pad', ['x', 'p'], ['t']), node('Conv', ['t', 'W'], ['y'], { pads: ints(1, 1, 1, 1), strides: ints(2, 1) }, 'conv')],
    });
    const { after, changed } = applyPass(foldPad, graph);
    expect(changed).toBe(true);
    expect(opsOf(after)).toEqual(['Conv']);
    expect(after.nodes[0]!.inputs[0]).toBe('x');
    expect(after.nodes[0]!.attrs.pads).toEqual(ints(2, 3, 4, 2));
    await expectMatchesOrt(graph, after, randomFeeds(graph));
  });

  it('folds into AveragePool with count_include_pad = 1, and into MaxPool after a Relu (pad value 0 never wins)', async () => {
    const graph = buildGraph({
      inputs: { x: [1, 2, 5, 5] },
      outputs: ['y1', 'y2'],
      inits: { p: pads(0, 0, 1, 1, 0, 0, 1, 1), axes: i64([2, 3]), p2: pads(1, 0, 1, 1), zero: f32([], [0]) },
      nodes: [
        node('Pad', ['x', 'p'], ['t1']),
        node('AveragePool', ['t1'], ['y1'], { kernel_shape: ints(3, 3), count_include_pad: int(1) }, 'avg'),
        node('Relu', ['x'], ['r']),
        node('Pad', ['r', 'p2', 'zero', 'axes'], ['t2']),
        node('MaxPool', ['t2'], ['y2'], { kernel_shape: ints(2, 2), strides: ints(2, 2) }, 'max'),
      ],
    });
    const { after } = applyPass(foldPad, graph);
    expect(opsOf(after)).toEqual(['AveragePool', 'Relu', 'MaxPool']);
    expect(after.nodes[0]!.attrs.pads).toEqual(ints(1, 1, 1, 1));
    expect(after.nodes[2]!.attrs.pads).toEqual(ints(1, 0, 1, 1));
    await expectMatchesOrt(graph, after, randomFeeds(graph));
  });

  it('removes an all-zero Pad before an AveragePool without count_include_pad (what PyTorch exports for dscnn)', async () => {
    const graph = buildGraph({
      inputs: { x: [1, 3, 4, 4] },
      outputs: ['y'],
      inits: { p: pads(0, 0, 0, 0, 0, 0, 0, 0) },
      nodes: [node('Pad', ['x', 'p'], ['t'], { mode: str('constant') }), node('AveragePool', ['t'], ['y'], { kernel_shape: ints(4, 4) })],
    });
    const { after } = applyPass(foldPad, graph);
    expect(opsOf(after)).toEqual(['AveragePool']);
    expect(after.nodes[0]!.inputs).toEqual(['x']);
    await expectMatchesOrt(graph, after, randomFeeds(graph));
  });

  it('declines: count_include_pad = 0, MaxPool over possibly negative values, reflect mode, channel padding, pad >= kernel', () => {
    const spatial = pads(0, 0, 1, 1, 0, 0, 1, 1);
    const graph = buildGraph({
      inputs: { x: [1, 2, 5, 5] },
      outputs: ['y1', 'y2', 'y3', 'y4', 'y5'],
      inits: { p: spatial, pc: pads(0, 1, 0, 0, 0, 0, 0, 0), big: pads(0, 0, 2, 2, 0, 0, 2, 2), W: randomTensor([2, 2, 3, 3], 1), W3: randomTensor([2, 3, 3, 3], 2) },
      nodes: [
        node('Pad', ['x', 'p'], ['t1']),
        node('AveragePool', ['t1'], ['y1'], { kernel_shape: ints(3, 3) }),
        node('Pad', ['x', 'p'], ['t2']),
        node('MaxPool', ['t2'], ['y2'], { kernel_shape: ints(3, 3) }),
        node('Pad', ['x', 'p'], ['t3'], { mode: str('reflect') }),
        node('Conv', ['t3', 'W'], ['y3']),
        node('Pad', ['x', 'pc'], ['t4']),
        node('Conv', ['t4', 'W3'], ['y4']),
        node('Pad', ['x', 'big'], ['t5']),
        node('AveragePool', ['t5'], ['y5'], { kernel_shape: ints(2, 2), count_include_pad: int(1) }),
      ],
    });
    const { after, changed } = applyPass(foldPad, graph);
    expect(changed).toBe(false);
    expect(opsOf(after).filter((op) => op === 'Pad')).toHaveLength(5);
  });
});

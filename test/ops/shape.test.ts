/**
 * Shape (start/end) and Size against onnxruntime, and the point of knowing their values at
 * inference time: the `view(x.size(0), -1)` chain PyTorch exports (Shape -> Gather -> Unsqueeze
 * -> Concat -> Reshape) gets a static output shape from inferTypes and runs like onnxruntime.
 */
import { describe, expect, it } from 'vitest';
import { inferTypes } from '../../src/engine/infer-types.js';
import { runGraph } from '../../src/engine/run-graph.js';
import { makeGraph, type Node } from '../../src/ir/graph.js';
import { makeTensor } from '../../src/ir/tensor.js';
import { buildModel } from '../helpers/onnx-builder.js';
import { runOrt } from '../helpers/ort.js';
import { randomTensor } from '../helpers/random.js';
import { expectMatch, runBoth } from './single-node.js';

describe('Shape and Size', () => {
  const slices: [number | undefined, number | undefined][] = [
    [undefined, undefined],
    [1, undefined],
    [-2, undefined],
    [0, -1],
    [-10, 10],
    [3, 1],
  ];
  for (const [start, end] of slices) {
    it(`Shape start ${start} end ${end}`, async () => {
      const attrs = { ...(start !== undefined ? { start } : {}), ...(end !== undefined ? { end } : {}) };
      expectMatch(await runBoth({ op: 'Shape', attrs, inputs: [{ tensor: randomTensor([2, 3, 4, 5], 1) }] }));
    });
  }
  it('Size, including an empty tensor', async () => {
    expectMatch(await runBoth({ op: 'Size', inputs: [{ tensor: randomTensor([2, 3, 4], 1) }] }));
    expectMatch(await runBoth({ op: 'Size', inputs: [{ tensor: makeTensor('int32', [3, 0], []) }] }));
  });
});

describe('the view(x.size(0), -1) chain resolves at inference time', () => {
  it('infers [2, 60] for Reshape and computes what onnxruntime does', async () => {
    const x = randomTensor([2, 3, 4, 5], 3);
    const chain = [
      { op: 'Shape', inputs: ['x'], outputs: ['s'] },
      { op: 'Gather', inputs: ['s', 'zero'], outputs: ['n'], attrs: { axis: 0 } },
      { op: 'Unsqueeze', inputs: ['n', 'axes0'], outputs: ['n1'] },
      { op: 'Concat', inputs: ['n1', 'minus1'], outputs: ['target'], attrs: { axis: 0 } },
      { op: 'Reshape', inputs: ['x', 'target'], outputs: ['y'] },
    ] as { op: string; inputs: string[]; outputs: string[]; attrs?: { axis: number } }[];
    const consts = [
      { name: 'zero', dtype: 'int64' as const, shape: [], data: [0] },
      { name: 'axes0', dtype: 'int64' as const, shape: [1], data: [0] },
      { name: 'minus1', dtype: 'int64' as const, shape: [1], data: [-1] },
    ];
    const graph = makeGraph({
      inputs: [{ name: 'x', dtype: 'float32', shape: [2, 3, 4, 5] }],
      outputs: [{ name: 'y', dtype: 'float32', shape: [] }],
      nodes: chain.map((n, i): Node => ({
        name: `n${i}`,
        op: n.op,
        domain: '',
        inputs: n.inputs,
        outputs: n.outputs,
        attrs: n.attrs ? { axis: { kind: 'int', value: n.attrs.axis } } : {},
      })),
      initializers: new Map(consts.map((c) => [c.name, makeTensor(c.dtype, c.shape, c.data)])),
    });
    const known = inferTypes(graph);
    expect(graph.types.get('y')!.shape).toEqual([2, 60]);
    expect(Array.from(known.get('target')!.data)).toEqual([2, -1]);
    const ours = runGraph(graph, { x }).get('y')!;
    const bytes = buildModel({ nodes: chain, inputs: [{ name: 'x', shape: [2, 3, 4, 5] }], outputs: [{ name: 'y' }], initializers: consts });
    const ref = (await runOrt(bytes, { x })).get('y')!;
    expect(ours.shape).toEqual(ref.shape);
    expect(Array.from(ours.data)).toEqual(Array.from(ref.data));
  });
});

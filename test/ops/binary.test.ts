import { describe, expect, it } from 'vitest';
import { makeGraph } from '../../src/ir/graph.js';
import { runGraph } from '../../src/engine/run-graph.js';
import { inferTypes } from '../../src/engine/infer-types.js';
import { buildModel } from '../helpers/onnx-builder.js';
import { maxAbsDiff, runOrt } from '../helpers/ort.js';
import { randomTensor } from '../helpers/random.js';

// Broadcasting cases checked against onnxruntime (tolerance: exact for float32 single ops, 0).
const cases: [string, number[], number[]][] = [
  ['Add', [2, 3, 4], [4]],
  ['Sub', [2, 1, 4], [3, 1]],
  ['Mul', [1], [2, 3]],
  ['Div', [2, 3], [2, 3]],
  ['Max', [3, 1], [1, 5]],
  ['Min', [4], []],
];

describe('binary elementwise ops match onnxruntime', () => {
  for (const [op, sa, sb] of cases) {
    it(`${op} [${sa}] with [${sb}]`, async () => {
      const a = randomTensor(sa, 1);
      const b = randomTensor(sb, 2, 0.5, 2);
      const graph = makeGraph({
        inputs: [
          { name: 'a', dtype: 'float32', shape: sa },
          { name: 'b', dtype: 'float32', shape: sb },
        ],
        outputs: [{ name: 'y', dtype: 'float32', shape: [] }],
        nodes: [{ name: 'n', op, domain: '', inputs: ['a', 'b'], outputs: ['y'], attrs: {} }],
      });
      inferTypes(graph);
      const ours = runGraph(graph, { a, b }).get('y')!;
      const bytes = buildModel({
        nodes: [{ op, inputs: ['a', 'b'], outputs: ['y'] }],
        inputs: [
          { name: 'a', shape: sa },
          { name: 'b', shape: sb },
        ],
        outputs: [{ name: 'y' }],
        opset: 13,
      });
      const ref = (await runOrt(bytes, { a, b })).get('y')!;
      expect(ours.shape).toEqual(ref.shape);
      expect(graph.types.get('y')!.shape).toEqual(ref.shape);
      expect(maxAbsDiff(ours.data, ref.data)).toBe(0);
    });
  }

  it('rejects shapes that do not broadcast, naming the node', () => {
    const graph = makeGraph({
      inputs: [
        { name: 'a', dtype: 'float32', shape: [2, 3] },
        { name: 'b', dtype: 'float32', shape: [4] },
      ],
      outputs: [{ name: 'y', dtype: 'float32', shape: [] }],
      nodes: [{ name: 'bad_add', op: 'Add', domain: '', inputs: ['a', 'b'], outputs: ['y'], attrs: {} }],
    });
    expect(() => inferTypes(graph)).toThrow(/node "bad_add" \(Add\).*do not broadcast/);
  });
});

/**
 * MatMul against onnxruntime with numpy semantics: 2-D, the 1-D promotions (row vector, column
 * vector, dot product), batched operands and broadcast batch dimensions. Inferred shapes must equal
 * onnxruntime's. Tolerance rtol 1e-4 / atol 1e-5.
 */
import { describe, expect, it } from 'vitest';
import { ModelError } from '../../src/errors.js';
import { randomTensor } from '../helpers/random.js';
import { expectMatch, runBoth, runOurs } from './single-node.js';

const cases: [string, number[], number[]][] = [
  ['2-D', [3, 7], [7, 5]],
  ['1-D @ 2-D (row vector)', [7], [7, 5]],
  ['2-D @ 1-D (column vector)', [3, 7], [7]],
  ['1-D @ 1-D (dot product, scalar result)', [9], [9]],
  ['batched 3-D @ 3-D', [4, 3, 6], [4, 6, 2]],
  ['3-D @ 2-D (shared weight, as in a transformer)', [2, 5, 8], [8, 3]],
  ['2-D @ 3-D', [5, 8], [2, 8, 3]],
  ['broadcast batch [2, 1] with [3]', [2, 1, 3, 4], [3, 4, 5]],
  ['1-D @ 3-D', [4], [3, 4, 2]],
  ['4-D @ 1-D', [2, 3, 2, 4], [4]],
  ['wide enough to cross the 256-column block', [2, 70], [70, 300]],
];

describe('MatMul matches onnxruntime (rtol 1e-4, atol 1e-5)', () => {
  cases.forEach(([name, a, b], i) => {
    it(`${name}: [${a}] @ [${b}]`, async () => {
      const inputs = [{ tensor: randomTensor(a, 1000 + i) }, { tensor: randomTensor(b, 1100 + i) }];
      expectMatch(await runBoth({ op: 'MatMul', inputs }), 1e-4, 1e-5);
    });
  });
});

describe('MatMul rejects bad models with a ModelError naming the node', () => {
  const bad = (a: number[], b: number[]) => () => runOurs({ op: 'MatMul', inputs: [{ tensor: randomTensor(a, 1) }, { tensor: randomTensor(b, 2) }] });
  it('inner dimensions that differ', () => {
    expect(bad([3, 4], [5, 6])).toThrow(ModelError);
    expect(bad([3, 4], [5, 6])).toThrow(/node "node" \(MatMul\): inner dimensions differ: A \[3, 4\], B \[5, 6\]/);
  });
  it('batch dimensions that do not broadcast', () => {
    expect(bad([2, 3, 4], [3, 4, 5])).toThrow(/node "node" \(MatMul\): batch dimensions .* do not broadcast/);
  });
});

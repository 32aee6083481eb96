/**
 * Gemm against onnxruntime: every transA/transB combination, alpha and beta (beta 0 too), and C in
 * every shape that broadcasts unidirectionally to (M, N), or absent. Tolerance rtol 1e-4 / atol 1e-5.
 */
import { describe, expect, it } from 'vitest';
import { ModelError } from '../../src/errors.js';
import { randomTensor } from '../helpers/random.js';
import { expectMatch, runBoth, runOurs, type TestAttr } from './single-node.js';

const M = 3;
const K = 7;
const N = 5;

interface Case {
  name: string;
  transA?: number;
  transB?: number;
  c?: number[];
  attrs?: Record<string, TestAttr>;
}

const cases: Case[] = [
  { name: 'plain, C [N]', c: [N] },
  { name: 'transB (PyTorch Linear), C [N]', transB: 1, c: [N] },
  { name: 'transA', transA: 1, c: [M, N] },
  { name: 'transA and transB, alpha 0.5, beta 2', transA: 1, transB: 1, c: [1, N], attrs: { alpha: { float: 0.5 }, beta: { float: 2 } } },
  { name: 'C scalar', c: [] },
  { name: 'C [1]', c: [1] },
  { name: 'C [M, 1]', c: [M, 1] },
  { name: 'C [1, 1], alpha -1.5', c: [1, 1], attrs: { alpha: { float: -1.5 } } },
  { name: 'beta 0 ignores C', c: [M, N], attrs: { beta: { float: 0 } } },
  { name: 'no C', transB: 1 },
];

describe('Gemm matches onnxruntime (rtol 1e-4, atol 1e-5)', () => {
  cases.forEach((c, i) => {
    it(c.name, async () => {
      const a = randomTensor(c.transA ? [K, M] : [M, K], 700 + i);
      const b = randomTensor(c.transB ? [N, K] : [K, N], 800 + i);
      const attrs: Record<string, TestAttr> = { ...(c.attrs ?? {}), ...(c.transA ? { transA: 1 } : {}), ...(c.transB ? { transB: 1 } : {}) };
      const inputs = [{ tensor: a }, { tensor: b, constant: true }, ...(c.c ? [{ tensor: randomTensor(c.c, 900 + i), constant: true }] : [])];
      expectMatch(await runBoth({ op: 'Gemm', inputs, attrs }), 1e-4, 1e-5);
    });
  });
  it('a 256-wide classifier head (the blocked kernel across blocks)', async () => {
    const inputs = [{ tensor: randomTensor([2, 300], 1) }, { tensor: randomTensor([260, 300], 2), constant: true }, { tensor: randomTensor([260], 3), constant: true }];
    expectMatch(await runBoth({ op: 'Gemm', inputs, attrs: { transB: 1 } }), 1e-4, 1e-5);
  });
});

describe('Gemm rejects bad models with a ModelError naming the node', () => {
  const bad = (a: number[], b: number[], c?: number[], attrs: Record<string, TestAttr> = {}) => () =>
    runOurs({
      op: 'Gemm',
      attrs,
      inputs: [{ tensor: randomTensor(a, 1) }, { tensor: randomTensor(b, 2), constant: true }, ...(c ? [{ tensor: randomTensor(c, 3), constant: true }] : [])],
    });
  it('inner dimensions that differ', () => {
    expect(bad([3, 4], [5, 6])).toThrow(ModelError);
    expect(bad([3, 4], [5, 6])).toThrow(/node "node" \(Gemm\): inner dimensions differ: A is 3x4, B is 5x6/);
    expect(bad([3, 4], [5, 4], undefined, { transB: 0 })).toThrow(/inner dimensions differ/);
  });
  it('C that does not broadcast to (M, N), and operands of rank 3', () => {
    expect(bad([3, 4], [4, 5], [3])).toThrow(/node "node" \(Gemm\): input C of shape \[3\] does not broadcast to \[3, 5\]/);
    expect(bad([2, 3, 4], [4, 5])).toThrow(/node "node" \(Gemm\): input A must have rank 2/);
  });
});

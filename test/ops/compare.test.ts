/** Comparisons, logic and Where against onnxruntime, exact, with broadcasting and integer inputs. */
import { describe, expect, it } from 'vitest';
import { makeTensor, sizeOf, type DType, type Tensor } from '../../src/ir/tensor.js';
import { rng } from '../helpers/random.js';
import { expectMatch, runBoth, runOurs } from './single-node.js';

/** Small integers in the given dtype, so that equal values actually occur. */
function ints(dtype: DType, shape: number[], seed: number, range = 4): Tensor {
  const r = rng(seed);
  return makeTensor(dtype, shape, Array.from({ length: sizeOf(shape) }, () => Math.floor(r() * range) - (dtype === 'bool' ? 0 : 1)));
}

const comparisons = ['Equal', 'Less', 'LessOrEqual', 'Greater', 'GreaterOrEqual'];
const operands: [DType, number[], number[]][] = [
  ['float32', [2, 3, 4], [4]],
  ['int64', [3, 1], [1, 5]],
  ['int32', [2, 3], [2, 3]],
  ['uint8', [4], []],
];

describe('comparisons match onnxruntime', () => {
  for (const op of comparisons) {
    for (const [dtype, sa, sb] of operands) {
      it(`${op} ${dtype} [${sa}] with [${sb}]`, async () => {
        const r = await runBoth({ op, inputs: [{ tensor: ints(dtype, sa, 1) }, { tensor: ints(dtype, sb, 2) }] });
        expectMatch(r);
      });
    }
  }
  it('NaN compares false, even to itself', async () => {
    const a = makeTensor('float32', [3], [NaN, 1, NaN]);
    const b = makeTensor('float32', [3], [NaN, NaN, 1]);
    for (const op of ['Equal', 'Less', 'GreaterOrEqual']) expectMatch(await runBoth({ op, inputs: [{ tensor: a }, { tensor: b }] }));
  });
  it('Equal on bool', async () => {
    expectMatch(await runBoth({ op: 'Equal', inputs: [{ tensor: ints('bool', [2, 3], 3, 2) }, { tensor: ints('bool', [3], 4, 2) }] }));
  });
  for (const op of ['And', 'Or', 'Xor']) {
    it(`${op} with broadcasting`, async () => {
      expectMatch(await runBoth({ op, inputs: [{ tensor: ints('bool', [2, 1, 4], 5, 2) }, { tensor: ints('bool', [3, 1], 6, 2) }] }));
    });
  }
});

describe('Where selects with a three-way broadcast', () => {
  const shapes: number[][][] = [
    [[2, 3], [2, 3], [2, 3]],
    [[3, 1], [1, 4], []],
    [[4], [2, 1, 4], [1]],
  ];
  for (const [sc, sx, sy] of shapes) {
    it(`cond [${sc}] x [${sx}] y [${sy}]`, async () => {
      const inputs = [{ tensor: ints('bool', sc!, 7, 2) }, { tensor: ints('float32', sx!, 8, 100) }, { tensor: ints('float32', sy!, 9, 100) }];
      expectMatch(await runBoth({ op: 'Where', inputs }));
    });
  }
  it('int64 values', async () => {
    const inputs = [{ tensor: ints('bool', [5], 1, 2) }, { tensor: ints('int64', [5], 2, 9) }, { tensor: ints('int64', [1], 3, 9) }];
    expectMatch(await runBoth({ op: 'Where', inputs }));
  });
  it('rejects a condition that is not bool, and shapes that do not broadcast', () => {
    const f = (shape: number[]) => ({ tensor: ints('float32', shape, 1) });
    expect(() => runOurs({ op: 'Where', inputs: [f([2]), f([2]), f([2])] })).toThrow(/\(Where\): condition has dtype float32, the op needs a bool/);
    const cond = { tensor: ints('bool', [3], 1, 2) };
    expect(() => runOurs({ op: 'Where', inputs: [cond, f([2]), f([2])] })).toThrow(/do not broadcast/);
  });
  it('rejects comparing different dtypes', () => {
    expect(() => runOurs({ op: 'Less', inputs: [{ tensor: ints('int32', [2], 1) }, { tensor: ints('int64', [2], 1) }] })).toThrow(
      /node "node" \(Less\): inputs have different dtypes/,
    );
  });
});

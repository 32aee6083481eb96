/**
 * Softmax and LogSoftmax (opset-13 per-axis semantics) against onnxruntime: every axis of a 3-D
 * input, negative axes, large logits (the max subtraction) and a 2-D classifier output. Tolerance
 * rtol 1e-5 / atol 1e-6.
 */
import { describe, expect, it } from 'vitest';
import { randomTensor } from '../helpers/random.js';
import { expectMatch, runBoth, runOurs } from './single-node.js';

describe('Softmax and LogSoftmax match onnxruntime (rtol 1e-5, atol 1e-6)', () => {
  for (const op of ['Softmax', 'LogSoftmax']) {
    for (const axis of [0, 1, 2, -1, -3]) {
      it(`${op} axis ${axis} of [3, 4, 5]`, async () => {
        expectMatch(await runBoth({ op, attrs: { axis }, inputs: [{ tensor: randomTensor([3, 4, 5], 20 + axis, -5, 5) }], opset: 13 }), 1e-5, 1e-6);
      });
    }
    it(`${op} default axis, logits near 80 (exp would overflow without the max shift)`, async () => {
      expectMatch(await runBoth({ op, inputs: [{ tensor: randomTensor([2, 10], 30, 75, 90) }], opset: 13 }), 1e-5, 1e-6);
    });
  }
  it('rejects an axis out of range, naming the node', () => {
    expect(() => runOurs({ op: 'Softmax', attrs: { axis: 3 }, inputs: [{ tensor: randomTensor([2, 3, 4], 1) }] })).toThrow(
      /node "node" \(Softmax\): axis 3 is out of range for rank 3/,
    );
  });
});

/**
 * Softmax and LogSoftmax with the opset-13 semantics (the canonical form; the loader rewrites the
 * older flatten-to-2-D form): each vector along `axis` (default -1) is normalised on its own.
 */
import type { Node } from '../ir/graph.js';
import { makeTensor, sizeOf, type Tensor, type ValueType } from '../ir/tensor.js';
import { softmaxForward } from '../kernels/normalization.js';
import { softmaxBackward } from '../kernels/softmax-backward.js';
import { gradOf } from '../train/op-grads.js';
import { floatData, normalizeAxis, requireFloat } from './nn-checks.js';
import { attr, defineOp, type OpDef } from './op-def.js';
import { softmaxFacet } from '../quant/layout-facets.js';
import { softmaxEmitC } from '../codegen/emit-ops/elementwise.js';

function check(node: Node, x: ValueType, axis: number): number {
  requireFloat(node, x, 'input');
  return normalizeAxis(node, axis, x.shape.length);
}

function run(node: Node, x: Tensor, axisAttr: number, log: boolean): Tensor {
  const axis = check(node, x, axisAttr);
  const y = makeTensor(x.dtype, x.shape);
  // A scalar input is a vector of one along its (only) axis.
  const outer = sizeOf(x.shape.slice(0, axis));
  const length = x.shape[axis] ?? 1;
  const inner = sizeOf(x.shape.slice(axis + 1));
  softmaxForward(y.data as Float32Array, floatData(x), outer, length, inner, log);
  return y;
}

function softmaxOp(type: string, log: boolean): OpDef {
  return defineOp({
    type,
    attrs: { axis: attr.int(-1) },
    inputs: { min: 1, max: 1 },
    outputs: { min: 1, max: 1 },
    inferTypes([x], a, node) {
      check(node, x!, a.axis);
      return [{ dtype: x!.dtype, shape: [...x!.shape] }];
    },
    forward: ([x], a, node) => [run(node, x!, a.axis, log)],
    backward([x], [y], [dy], a, node) {
      const axis = check(node, x!, a.axis);
      const dx = makeTensor(x!.dtype, x!.shape);
      const [outer, length, inner] = [sizeOf(x!.shape.slice(0, axis)), x!.shape[axis] ?? 1, sizeOf(x!.shape.slice(axis + 1))];
      softmaxBackward(dx.data as Float32Array, floatData(gradOf(dy, y!)), floatData(y!), outer, length, inner, log);
      return [dx];
    },
  });
}

// Integer: int8 softmax with an exp lookup table, output 1/256, -128 (quant/layout-facets.ts).
export const Softmax = { ...softmaxOp('Softmax', false), integer: softmaxFacet, emitC: softmaxEmitC };
export const LogSoftmax = softmaxOp('LogSoftmax', true);

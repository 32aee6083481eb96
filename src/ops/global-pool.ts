/**
 * GlobalAveragePool and GlobalMaxPool: X (N, C, D1, ..., Dk) -> (N, C, 1, ..., 1), the mean or max
 * of each channel over all its spatial positions. Any spatial rank; no multiply-accumulates.
 */
import type { Node } from '../ir/graph.js';
import { makeTensor, sizeOf, type ValueType } from '../ir/tensor.js';
import { globalPoolForward } from '../kernels/pool2d.js';
import { floatData, requireFloat } from './nn-checks.js';
import { defineOp, opError, type OpDef } from './op-def.js';

function globalShape(node: Node, x: ValueType): number[] {
  requireFloat(node, x, 'input X');
  if (x.shape.length < 3) throw opError(node, `input X must be (N, C, D1, ...), found shape [${x.shape.join(', ')}]`);
  return [x.shape[0]!, x.shape[1]!, ...x.shape.slice(2).map(() => 1)];
}

function globalPool(type: string, kind: 'average' | 'max'): OpDef {
  return defineOp({
    type,
    attrs: {},
    inputs: { min: 1, max: 1 },
    outputs: { min: 1, max: 1 },
    inferTypes: ([x], _a, node) => [{ dtype: x!.dtype, shape: globalShape(node, x!) }],
    forward([x], _a, node) {
      const shape = globalShape(node, x!);
      const y = makeTensor(x!.dtype, shape);
      const planes = x!.shape[0]! * x!.shape[1]!;
      globalPoolForward(y.data as Float32Array, floatData(x!), planes, sizeOf(x!.shape.slice(2)), kind);
      return [y];
    },
  });
}

export const GlobalAveragePool = globalPool('GlobalAveragePool', 'average');
export const GlobalMaxPool = globalPool('GlobalMaxPool', 'max');

/**
 * The value of an ONNX `Constant` node, which the loader turns into an initializer. Constant has
 * carried its value in several attributes over the opsets: `value` (a tensor, opset 1), then
 * `value_float(s)` / `value_int(s)` (opset 12) and strings and sparse tensors, which edgec refuses.
 */
import { ModelError, describeNode } from '../errors.js';
import type { Node } from '../ir/graph.js';
import { makeTensor, type Tensor } from '../ir/tensor.js';

export function constantNodeValue(node: Node, source: string): Tensor {
  const names = Object.keys(node.attrs);
  const where = `${describeNode(node)} in ${source}`;
  if (names.length !== 1) {
    throw new ModelError(`${where} must have exactly one value attribute, found ${names.length === 0 ? 'none' : names.join(', ')}`);
  }
  const attr = node.attrs[names[0]!]!;
  switch (names[0]) {
    case 'value':
      if (attr.kind === 'tensor') return attr.value;
      break;
    case 'value_float':
      if (attr.kind === 'float' || attr.kind === 'int') return makeTensor('float32', [], [attr.value]);
      break;
    case 'value_floats':
      if (attr.kind === 'floats' || attr.kind === 'ints') return makeTensor('float32', [attr.value.length], attr.value);
      break;
    case 'value_int':
      if (attr.kind === 'int') return makeTensor('int64', [], [attr.value]);
      break;
    case 'value_ints':
      if (attr.kind === 'ints') return makeTensor('int64', [attr.value.length], attr.value);
      break;
    default:
      throw new ModelError(`${where}: constant attribute "${names[0]}" is not supported`);
  }
  throw new ModelError(`${where}: attribute "${names[0]}" has kind ${attr.kind}`);
}

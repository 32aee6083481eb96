/**
 * BatchNormalization, inference form (opset 15 inputs): X (N, C, D1, ...) or (N, C), per-channel
 * scale, B, input_mean, input_var, all of shape [C]:
 *   Y = (X - mean) / sqrt(var + epsilon) * scale + B.
 * training_mode=1 (batch statistics, running-mean outputs) is a training graph, not a model to
 * deploy: it is rejected. One MAC per element (the scale; the shift folds into it).
 */
import type { Node } from '../ir/graph.js';
import { makeTensor, sizeOf, type ValueType } from '../ir/tensor.js';
import { batchNormForward } from '../kernels/normalization.js';
import { batchNormBackward } from '../kernels/normalization-backward.js';
import { gradOf } from '../train/op-grads.js';
import { floatData, requireFloat, requireVector } from './nn-checks.js';
import { attr, defineOp, opError } from './op-def.js';

const names = ['scale', 'B', 'input_mean', 'input_var'];

function check(node: Node, inputs: (ValueType | undefined)[], trainingMode: number): ValueType {
  const x = inputs[0]!;
  if (trainingMode !== 0) throw opError(node, 'training_mode=1 is a training graph; export the model in inference mode');
  if (node.outputs.slice(1).some((o) => o !== '')) {
    throw opError(node, 'running mean/variance outputs are training outputs; export the model in inference mode');
  }
  requireFloat(node, x, 'input X');
  if (x.shape.length < 2) throw opError(node, `input X must be (N, C, ...), found shape [${x.shape.join(', ')}]`);
  const channels = x.shape[1]!;
  names.forEach((name, i) => {
    const v = inputs[i + 1]!;
    requireFloat(node, v, name);
    requireVector(node, v, channels, name);
  });
  return { dtype: x.dtype, shape: [...x.shape] };
}

export const BatchNormalization = defineOp({
  type: 'BatchNormalization',
  attrs: {
    epsilon: attr.float(1e-5),
    momentum: attr.float(0.9),
    training_mode: attr.int(0),
  },
  inputs: { min: 5, max: 5 },
  // Y, and in training mode running_mean and running_var (rejected above when named).
  outputs: { min: 1, max: 3 },
  inferTypes(inputs, a, node) {
    return [check(node, inputs, a.training_mode)];
  },
  forward(inputs, a, node) {
    const type = check(node, inputs, a.training_mode);
    const [x, scale, bias, mean, variance] = inputs.map((t) => floatData(t!)) as [Float32Array, Float32Array, Float32Array, Float32Array, Float32Array];
    const y = makeTensor(type.dtype, type.shape);
    const [batch, channels] = type.shape as [number, number];
    batchNormForward(y.data as Float32Array, x, scale, bias, mean, variance, a.epsilon, batch, channels, sizeOf(type.shape.slice(2)));
    return [y];
  },
  // Every input has a gradient: X, the affine parameters and the statistics.
  backward(inputs, [y], [dy], a, node) {
    const type = check(node, inputs, a.training_mode);
    const [x, scale, , mean, variance] = inputs.map((t) => floatData(t!)) as Float32Array[];
    const grads = inputs.map((t) => makeTensor(t!.dtype, t!.shape));
    const [dx, dscale, dbias, dmean, dvar] = grads.map((g) => g.data as Float32Array);
    const [batch, channels] = type.shape as [number, number];
    const pixels = sizeOf(type.shape.slice(2));
    batchNormBackward({ dx, dscale, dbias, dmean, dvar }, floatData(gradOf(dy, y!)), x!, scale!, mean!, variance!, a.epsilon, batch, channels, pixels);
    return grads;
  },
  macs([x]) {
    return sizeOf(x!.shape);
  },
});

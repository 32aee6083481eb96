/**
 * The models in fixtures/, defined in code. Small enough to compile and test in seconds, shaped
 * like what users bring: a keyword-spotting DS-CNN with BatchNorm kept (as a PyTorch export with
 * training-mode BN preservation gives), and an image CNN with a residual Add, ReLU6 as Clip and the
 * Shape->Gather->Unsqueeze->Concat->Reshape chain of `x.view(x.size(0), -1)`.
 */
import type { Graph } from '../src/ir/graph.js';
import { ModelBuilder } from './lib/model-builder.js';

/** KWS-style DS-CNN on 49x10 MFCC features, 16 channels, 12 classes. */
export function kwsTiny(): Graph {
  const b = new ModelBuilder('kws_tiny', { name: 'mfcc', shape: [1, 1, 49, 10] }, 1);
  let x = b.conv('mfcc', 1, 16, [10, 4], { strides: [2, 2], pads: [4, 1, 5, 2] });
  x = b.node('Relu', [b.batchNorm(x, 16)]);
  for (let i = 0; i < 2; i++) {
    x = b.conv(x, 16, 16, [3, 3], { pads: [1, 1, 1, 1], group: 16 });
    x = b.node('Relu', [b.batchNorm(x, 16)]);
    x = b.conv(x, 16, 16, [1, 1]);
    x = b.node('Relu', [b.batchNorm(x, 16)]);
  }
  x = b.node('AveragePool', [x], { kernel_shape: [25, 5] });
  x = b.node('Flatten', [x], { axis: 1 });
  x = b.gemm(x, 16, 12);
  return b.finish(b.node('Softmax', [x], { axis: 1 }), 'probabilities');
}

/** CIFAR-style CNN on 3x32x32 images, 10 classes. */
export function cnnTiny(): Graph {
  const b = new ModelBuilder('cnn_tiny', { name: 'image', shape: [1, 3, 32, 32] }, 2);
  let x = b.node('Relu', [b.conv('image', 3, 8, [3, 3], { pads: [1, 1, 1, 1] })]);
  x = b.node('MaxPool', [x], { kernel_shape: [2, 2], strides: [2, 2] });
  const zero = b.constant('relu6_min', { dtype: 'float32', shape: [], data: new Float32Array([0]) });
  const six = b.constant('relu6_max', { dtype: 'float32', shape: [], data: new Float32Array([6]) });
  x = b.node('Clip', [b.conv(x, 8, 16, [3, 3], { pads: [1, 1, 1, 1] }), zero, six]);
  const skip = b.node('MaxPool', [x], { kernel_shape: [2, 2], strides: [2, 2] });
  x = b.node('Relu', [b.conv(skip, 16, 16, [3, 3], { pads: [1, 1, 1, 1] })]);
  x = b.node('Relu', [b.node('Add', [b.conv(x, 16, 16, [3, 3], { pads: [1, 1, 1, 1] }), skip])]);
  x = b.node('GlobalAveragePool', [x]);
  // x.view(x.size(0), -1) as PyTorch exports it.
  const shape = b.node('Shape', [x]);
  const batch = b.node('Gather', [shape, b.constant('zero', { dtype: 'int64', shape: [], data: new Float64Array([0]) })], { axis: 0 });
  const batchVec = b.node('Unsqueeze', [batch, b.int64('axes', [0])]);
  const target = b.node('Concat', [batchVec, b.int64('minus_one', [-1])], { axis: 0 });
  x = b.node('Reshape', [x, target]);
  return b.finish(b.gemm(x, 16, 10), 'logits');
}

export const FIXTURES: Record<string, () => Graph> = {
  'kws-tiny.onnx': kwsTiny,
  'cnn-tiny.onnx': cnnTiny,
};

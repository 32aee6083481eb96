/** Small models for the end-to-end tests, built with the independent onnx-proto builder. */
import { buildModel } from '../helpers/onnx-builder.js';
import { randomTensor } from '../helpers/random.js';

const weights = (name: string, shape: number[], seed: number, scale = 0.5) => ({
  name,
  shape,
  data: Array.from(randomTensor(shape, seed, -scale, scale).data),
});

/**
 * A three-conv image model (3x3 + ReLU, 3x3 stride 2 + ReLU, 1x1): three weighted layers, so with
 * w4a8 the middle one is 4-bit and the first and last stay 8-bit. Odd channel counts (5, 7) make
 * int4/int2 packing cross row boundaries.
 */
export function convNet(): Uint8Array {
  return buildModel({
    inputs: [{ name: 'image', shape: ['batch', 3, 8, 8] }],
    outputs: [{ name: 'scores' }],
    initializers: [
      weights('w1', [5, 3, 3, 3], 1),
      weights('b1', [5], 2, 0.1),
      weights('w2', [7, 5, 3, 3], 3, 0.3),
      weights('b2', [7], 4, 0.1),
      weights('w3', [4, 7, 1, 1], 5),
    ],
    nodes: [
      { op: 'Conv', name: 'conv1', inputs: ['image', 'w1', 'b1'], outputs: ['c1'], attrs: { pads: [1, 1, 1, 1] } },
      { op: 'Relu', name: 'relu1', inputs: ['c1'], outputs: ['r1'] },
      { op: 'Conv', name: 'conv2', inputs: ['r1', 'w2', 'b2'], outputs: ['c2'], attrs: { strides: [2, 2], pads: [1, 1, 1, 1] } },
      { op: 'Relu', name: 'relu2', inputs: ['c2'], outputs: ['r2'] },
      { op: 'Conv', name: 'conv3', inputs: ['r2', 'w3'], outputs: ['scores'] },
    ],
    opset: 13,
  });
}

/** The same shape of model with an op edgec does not support at the end. */
export function unsupportedNet(): Uint8Array {
  return buildModel({
    inputs: [{ name: 'x', shape: [1, 4] }],
    outputs: [{ name: 'y' }],
    nodes: [
      { op: 'Relu', inputs: ['x'], outputs: ['h'] },
      { op: 'NonMaxSuppression', name: 'nms_1', inputs: ['h', 'h'], outputs: ['y'] },
    ],
  });
}

/** Two graph inputs added, then a fully connected layer: one pointer per input in the C API. */
export function twoInputNet(): Uint8Array {
  return buildModel({
    inputs: [
      { name: 'left', shape: [1, 6] },
      { name: 'right', shape: [1, 6] },
    ],
    outputs: [{ name: 'y' }],
    initializers: [weights('w', [3, 6], 7), weights('b', [3], 8, 0.1)],
    nodes: [
      { op: 'Add', name: 'sum', inputs: ['left', 'right'], outputs: ['s'] },
      { op: 'Gemm', name: 'fc', inputs: ['s', 'w', 'b'], outputs: ['y'], attrs: { transB: 1 } },
    ],
  });
}

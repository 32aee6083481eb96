/**
 * The `backward` facet of an op (see ops/op-def.ts): gradients of a scalar loss with respect to
 * the op's inputs, given its inputs, its outputs and the gradients of its outputs.
 *
 * Contract, for every op that has one:
 * - `outputs` are the op's own outputs, before the node's fused activation: the driver
 *   (train/backprop.ts) differentiates the activation first and hands on the gradient of the
 *   pre-activation value.
 * - `outputGrads[k]` is undefined when no gradient reaches output k (an unused Split part, an
 *   integer output such as MaxPool's Indices); the op treats it as zeros.
 * - The result has one entry per input: a tensor of that input's shape and dtype, or undefined
 *   for inputs that carry no gradient (integer shapes, axes and indices, bool conditions, the
 *   scales of Resize) and for absent optional inputs.
 * - `wants[i]` false says nobody needs input i's gradient: ops may skip computing it (a conv's
 *   input gradient in the first layer); returning it anyway is allowed.
 * - Pure: inputs, outputs and gradients are never mutated.
 */
import type { Node } from '../ir/graph.js';
import type { Tensor } from '../ir/tensor.js';

export type BackwardFn<A> = (
  inputs: (Tensor | undefined)[],
  outputs: Tensor[],
  outputGrads: (Tensor | undefined)[],
  attrs: A,
  node: Node,
  wants?: readonly boolean[],
) => (Tensor | undefined)[];

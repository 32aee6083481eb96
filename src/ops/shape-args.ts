/**
 * Helpers for ops whose output shape depends on small integer operands (axes, shapes, pads,
 * repeats, indices): axis normalisation as ONNX defines it (negative counts from the end), and
 * reading an input whose contents must be known before running. Not an op module: ops/index.ts
 * does not list it.
 */
import type { Node } from '../ir/graph.js';
import { toIntList, type KnownValue } from '../ir/tensor.js';
import { opError } from './op-def.js';

/** An axis in [-rank, rank) made non-negative; anything else is a model error naming the node. */
export function normalizeAxis(axis: number, rank: number, node: Node, what = 'axis'): number {
  if (!Number.isInteger(axis) || axis < -rank || axis >= rank) {
    throw opError(node, `${what} ${axis} is out of range for a rank-${rank} tensor`);
  }
  return axis < 0 ? axis + rank : axis;
}

/** Several axes, normalised; repeated axes are an error, as in onnxruntime. */
export function normalizeAxes(axes: readonly number[], rank: number, node: Node, what = 'axes'): number[] {
  const out = axes.map((a) => normalizeAxis(a, rank, node, what === 'axes' ? 'axis' : what));
  if (new Set(out).size !== out.length) throw opError(node, `${what} [${axes.join(', ')}] repeat an axis`);
  return out;
}

/**
 * The contents of an integer operand that shape inference needs (Reshape's shape, Slice's starts).
 * Undefined when the optional input is absent; a model error when it is present but only known at
 * run time, since edgec plans memory for static shapes.
 */
export function knownInts(input: KnownValue | undefined, node: Node, what: string): number[] | undefined {
  if (input === undefined) return undefined;
  if (input.value === undefined) {
    throw opError(node, `the ${what} input must be known before running (a constant, or computed from constants)`);
  }
  return toIntList(input.value);
}

/** Like knownInts for a required operand. */
export function requiredInts(input: KnownValue | undefined, node: Node, what: string): number[] {
  const ints = knownInts(input, node, what);
  if (ints === undefined) throw opError(node, `the ${what} input is missing`);
  return ints;
}

/** The single number in a scalar (or one-element) operand. */
export function scalarOf(input: { data: ArrayLike<number>; shape: readonly number[] }, node: Node, what: string): number {
  if (input.data.length !== 1) throw opError(node, `${what} should be a scalar, got shape [${input.shape.join(', ')}]`);
  return input.data[0]!;
}

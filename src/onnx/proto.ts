/**
 * The protobuf boundary: the generated onnx-proto classes and the small conversions every reader
 * of them needs. protobufjs hands 64-bit fields (dims, int64_data, attribute ints, versions) back
 * as Long objects when the `long` package is present and as numbers otherwise; edgec works in
 * plain numbers, so every such field goes through `toInt`, which refuses values beyond 2^53
 * instead of silently rounding them (a mutated or hostile file must not become a wrong shape).
 */
import onnxProto from 'onnx-proto';

export const { onnx } = onnxProto;
export type TensorProto = onnxProto.onnx.ITensorProto;
export type AttributeProto = onnxProto.onnx.IAttributeProto;
export type NodeProto = onnxProto.onnx.INodeProto;
export type GraphProto = onnxProto.onnx.IGraphProto;
export type ModelProto = onnxProto.onnx.IModelProto;
export type ValueInfoProto = onnxProto.onnx.IValueInfoProto;

/** What protobufjs gives for an int64 field: a number, or a Long-like object. */
export type Int64Like = number | { toNumber(): number; toString(): string };

/** An exact integer, or undefined when the value is not representable as a safe JS integer. */
export function toInt(v: Int64Like | null | undefined): number | undefined {
  if (v === null || v === undefined) return undefined;
  const n = typeof v === 'number' ? v : v.toNumber();
  return Number.isSafeInteger(n) ? n : undefined;
}

/** An int64 element value: exact up to 2^53, rounded beyond (Slice's +-2^63-1 sentinels). */
export function int64Value(v: Int64Like): number {
  return typeof v === 'number' ? v : v.toNumber();
}

/** UTF-8 bytes of a string attribute as text. */
export function decodeText(bytes: Uint8Array | null | undefined): string {
  return bytes ? new TextDecoder().decode(bytes) : '';
}

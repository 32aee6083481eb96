/**
 * AttributeProto -> the IR's Attrs. Tensor attributes are read like initializers (read-tensor.ts);
 * subgraph attributes (If, Loop, Scan bodies) become `{ kind: 'graph', value: null }`, kept only so
 * the op can be reported as unsupported. Very old exporters leave `type` unset; the kind is then
 * taken from the field that is present.
 */
import { ModelError, describeNode } from '../errors.js';
import type { AttrValue, Attrs } from '../ir/graph.js';
import { decodeText, int64Value, onnx, type AttributeProto } from './proto.js';
import { readTensor, type TensorContext } from './read-tensor.js';

const T = onnx.AttributeProto.AttributeType;

/** Reads every attribute of a node named `node` (already given its final name). */
export function readAttributes(protos: AttributeProto[], node: { name: string; op: string }, ctx: TensorContext): Attrs {
  const attrs: Attrs = {};
  for (const proto of protos) {
    const name = proto.name ?? '';
    if (name === '') throw new ModelError(`${describeNode(node)} in ${ctx.source} has an attribute without a name`);
    if (name in attrs) throw new ModelError(`${describeNode(node)} in ${ctx.source} has attribute "${name}" twice`);
    attrs[name] = readAttribute(proto, name, node, ctx);
  }
  return attrs;
}

function readAttribute(proto: AttributeProto, name: string, node: { name: string; op: string }, ctx: TensorContext): AttrValue {
  const type = proto.type ? proto.type : inferType(proto);
  switch (type) {
    case T.FLOAT:
      return { kind: 'float', value: proto.f ?? 0 };
    case T.INT:
      return { kind: 'int', value: int64Value(proto.i ?? 0) };
    case T.STRING:
      return { kind: 'string', value: decodeText(proto.s) };
    case T.TENSOR:
      if (!proto.t) break;
      return { kind: 'tensor', value: readTensor(proto.t, ctx, `attribute "${name}" of ${describeNode(node)}`) };
    case T.GRAPH:
    case T.GRAPHS:
      return { kind: 'graph', value: null };
    case T.FLOATS:
      return { kind: 'floats', value: [...(proto.floats ?? [])] };
    case T.INTS:
      return { kind: 'ints', value: (proto.ints ?? []).map(int64Value) };
    case T.STRINGS:
      return { kind: 'strings', value: (proto.strings ?? []).map(decodeText) };
    default: {
      const typeName = T[type as number] ?? `type ${String(type)}`;
      throw new ModelError(`${describeNode(node)} in ${ctx.source}: attribute "${name}" has kind ${typeName}, which edgec does not support`);
    }
  }
  throw new ModelError(`${describeNode(node)} in ${ctx.source}: attribute "${name}" is declared ${T[type as number]} but holds no value`);
}

/** The kind of an attribute whose `type` is unset, from the field the file actually carries. */
function inferType(proto: AttributeProto): number {
  const has = (field: string) => Object.prototype.hasOwnProperty.call(proto, field);
  if (proto.floats && proto.floats.length > 0) return T.FLOATS;
  if (proto.ints && proto.ints.length > 0) return T.INTS;
  if (proto.strings && proto.strings.length > 0) return T.STRINGS;
  if (proto.graphs && proto.graphs.length > 0) return T.GRAPHS;
  if (has('t') && proto.t) return T.TENSOR;
  if (has('g') && proto.g) return T.GRAPH;
  if (has('s')) return T.STRING;
  if (has('i')) return T.INT;
  if (has('f')) return T.FLOAT;
  return T.UNDEFINED;
}

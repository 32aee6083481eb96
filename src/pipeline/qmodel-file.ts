/**
 * The QModel snapshot `edgec compress` leaves in its output directory, so `edgec verify DIR` can
 * rebuild the integer reference without the original model or options. JSON for readability and
 * diffs; typed arrays (weights, biases, multipliers, lookup tables) are stored as base64 of their
 * little-endian bytes, tagged with their type, so they round-trip exactly (float32 scales too).
 * The encoding is generic over objects, Maps and typed arrays, so fields added to the QModel
 * contract later are carried without changes here. Deterministic: same QModel, same bytes.
 */
import { FileError } from '../errors.js';
import type { QModel } from '../quant/qmodel.js';

export const QMODEL_SCHEMA = 'edgec.qmodel/1';

const TYPED = {
  Int8Array,
  Uint8Array,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  Float32Array,
  Float64Array,
} as const;
type TypedName = keyof typeof TYPED;
type Typed = InstanceType<(typeof TYPED)[TypedName]>;

const isLittleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export function encodeQModel(model: QModel): string {
  return `${JSON.stringify({ schema: QMODEL_SCHEMA, model: toJson(model) })}\n`;
}

export function decodeQModel(text: string, source: string): QModel {
  let parsed: { schema?: unknown; model?: unknown };
  try {
    parsed = JSON.parse(text) as typeof parsed;
  } catch (e) {
    throw new FileError(`${source}: not valid JSON (${(e as Error).message})`);
  }
  if (parsed.schema !== QMODEL_SCHEMA) throw new FileError(`${source}: expected schema "${QMODEL_SCHEMA}", found ${JSON.stringify(parsed.schema)}`);
  const model = fromJson(parsed.model, source) as QModel;
  if (!(model.tensors instanceof Map) || !Array.isArray(model.layers)) throw new FileError(`${source}: not a quantized model snapshot`);
  return model;
}

function toJson(value: unknown): unknown {
  if (ArrayBuffer.isView(value)) {
    const name = value.constructor.name as TypedName;
    if (!(name in TYPED)) throw new FileError(`cannot store a ${name} in a model snapshot`);
    return { $typed: name, base64: typedToBase64(value as Typed) };
  }
  if (value instanceof Map) return { $map: [...value].map(([k, v]) => [k, toJson(v)]) };
  if (Array.isArray(value)) return value.map(toJson);
  if (typeof value === 'number' && !Number.isFinite(value)) return { $number: String(value) };
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = toJson(v);
    return out;
  }
  return value;
}

function fromJson(value: unknown, source: string): unknown {
  if (Array.isArray(value)) return value.map((v) => fromJson(v, source));
  if (value === null || typeof value !== 'object') return value;
  const obj = value as Record<string, unknown>;
  if (typeof obj['$typed'] === 'string' && typeof obj['base64'] === 'string') {
    const name = obj['$typed'];
    if (!(name in TYPED)) throw new FileError(`${source}: unknown array type "${name}"`);
    return typedFromBase64(name as TypedName, obj['base64'], source);
  }
  if (Array.isArray(obj['$map'])) {
    return new Map((obj['$map'] as [string, unknown][]).map(([k, v]) => [k, fromJson(v, source)]));
  }
  if (typeof obj['$number'] === 'string') return Number(obj['$number']);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) out[k] = fromJson(v, source);
  return out;
}

function typedToBase64(a: Typed): string {
  const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  if (isLittleEndian || a.BYTES_PER_ELEMENT === 1) return Buffer.from(bytes).toString('base64');
  const copy = Buffer.from(bytes);
  swapBytes(copy, a.BYTES_PER_ELEMENT);
  return copy.toString('base64');
}

function typedFromBase64(name: TypedName, base64: string, source: string): Typed {
  const bytes = Buffer.from(base64, 'base64');
  const Ctor = TYPED[name];
  if (bytes.length % Ctor.BYTES_PER_ELEMENT !== 0) throw new FileError(`${source}: a ${name} has ${bytes.length} bytes`);
  if (!isLittleEndian) swapBytes(bytes, Ctor.BYTES_PER_ELEMENT);
  const aligned = new Uint8Array(bytes.length);
  aligned.set(bytes);
  return new Ctor(aligned.buffer);
}

function swapBytes(bytes: Uint8Array, width: number): void {
  for (let i = 0; i < bytes.length; i += width) bytes.subarray(i, i + width).reverse();
}

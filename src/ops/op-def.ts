/**
 * How an op is defined: once, in one file under src/ops/, with every facet it has. The attribute
 * schema carries ONNX's defaults, so the spec reads off the code. Facets:
 *
 * - `inferTypes`: output dtypes and shapes from input types (and input values where the output
 *   shape depends on them, e.g. Reshape's shape input). Must agree with `forward` (registry test).
 * - `forward`: the fp32 reference (pure; never mutates its inputs).
 * - `macs`: multiply-accumulates of one run, for `inspect` and the cost model.
 * - `backward`: input gradients from output gradients, for training (registry test: finite
 *   differences).
 *
 * Later issues add facets here (backward, integer reference, C emission, cost), each optional, so
 * adding an op stays: one file, one line in ops/index.ts, its tests.
 */
import { ModelError, describeNode } from '../errors.js';
import type { AttrKind, AttrValue, FusedActivation, Node } from '../ir/graph.js';
import type { KnownValue, Tensor, ValueType } from '../ir/tensor.js';
import type { IntegerFacet } from '../quant/integer-facet.js';
import type { CEmitFacet } from '../codegen/c-facet.js';
import type { BackwardFn } from '../train/backward-facet.js';

// ---- attribute schema -------------------------------------------------------------------------

type ValueOfKind = {
  int: number;
  float: number;
  string: string;
  ints: number[];
  floats: number[];
  strings: string[];
  tensor: Tensor;
  graph: null;
};

export interface AttrSpec<K extends AttrKind = AttrKind, T = unknown> {
  kind: K;
  default: T;
}

function spec<K extends AttrKind>(kind: K) {
  function make(): AttrSpec<K, ValueOfKind[K] | undefined>;
  function make(def: ValueOfKind[K]): AttrSpec<K, ValueOfKind[K]>;
  function make(def?: ValueOfKind[K]) {
    return { kind, default: def };
  }
  return make;
}

/** Attribute specs: `attr.int(1)` has default 1; `attr.ints()` is optional (undefined if absent). */
export const attr = {
  int: spec('int'),
  float: spec('float'),
  string: spec('string'),
  ints: spec('ints'),
  floats: spec('floats'),
  strings: spec('strings'),
  tensor: spec('tensor'),
};

export type AttrSchema = Record<string, AttrSpec>;
export type AttrsOf<S extends AttrSchema> = { [K in keyof S]: S[K]['default'] };

// ---- the op definition ------------------------------------------------------------------------

export interface OpDef<S extends AttrSchema = AttrSchema> {
  /** ONNX op type, e.g. 'Conv'. */
  type: string;
  /** '' for the default ONNX domain. */
  domain?: string;
  attrs: S;
  /** How many inputs the op accepts (optional trailing inputs may be absent or ''). */
  inputs: { min: number; max: number };
  /** How many outputs it can have; extra optional outputs (e.g. Dropout's mask) beyond `max` are errors. */
  outputs: { min: number; max: number };
  /**
   * Output types. `inputs[i]` is undefined for an absent optional input; `value` is set on an input
   * whose contents are known before running (initializers, folded constants). An op whose output
   * is known from types and attributes alone (Shape, Constant) may return it as `value`.
   */
  inferTypes(inputs: (KnownValue | undefined)[], attrs: AttrsOf<S>, node: Node): KnownValue[];
  /** The fp32 reference. `inputs[i]` is undefined for an absent optional input. */
  forward(inputs: (Tensor | undefined)[], attrs: AttrsOf<S>, node: Node): Tensor[];
  /** Multiply-accumulates for one run; ops without arithmetic worth counting leave it out. */
  macs?(inputs: ValueType[], outputs: ValueType[], attrs: AttrsOf<S>): number;
  /** Quantization and the bit-exact integer reference (see quant/integer-facet.ts). */
  integer?: IntegerFacet<AttrsOf<S>>;
  /** C code for the quantized layer, bit-exact with `integer.run` (see codegen/c-facet.ts). */
  emitC?: CEmitFacet;
  /** Gradients of the inputs from those of the outputs (see train/backward-facet.ts). */
  backward?(...args: Parameters<BackwardFn<AttrsOf<S>>>): (Tensor | undefined)[];
  /**
   * `forward` applies the node's fused activation itself (in its kernel's pass), so the engines
   * do not apply it again. Its `backward` then reads its first output's shape only, never values.
   */
  appliesActivation?: boolean;
  /**
   * `forward` with a residual Add read off its one output folded in: clamp(y + residual) by the
   * Add's fused activation (undefined: none), bit for bit as the Add node computes it; undefined
   * when it cannot (the engine then runs the Add). See engine/fused-residual.ts.
   */
  forwardWithResidual?(inputs: (Tensor | undefined)[], attrs: AttrsOf<S>, node: Node, residual: Tensor, activation: FusedActivation | undefined): Tensor | undefined;
}

/** Identity function that fixes the schema type, so `attrs` is typed inside the definition. */
export function defineOp<S extends AttrSchema>(def: OpDef<S>): OpDef<S> {
  return def;
}

/** Resolves a node's attributes against a schema: defaults filled in, kinds checked. */
export function resolveAttrs<S extends AttrSchema>(schema: S, node: Node): AttrsOf<S> {
  const out: Record<string, unknown> = {};
  for (const [name, s] of Object.entries(schema)) {
    const given: AttrValue | undefined = node.attrs[name];
    if (given === undefined) {
      out[name] = s.default;
      continue;
    }
    out[name] = coerce(given, s.kind, name, node);
  }
  return out as AttrsOf<S>;
}

function coerce(given: AttrValue, kind: AttrKind, name: string, node: Node): unknown {
  if (given.kind === kind) return given.value;
  // Exporters sometimes write a single value where a list is expected, or an int for a float.
  if (kind === 'ints' && given.kind === 'int') return [given.value];
  if (kind === 'floats' && (given.kind === 'float' || given.kind === 'int')) return [given.value];
  if (kind === 'float' && given.kind === 'int') return given.value;
  if (kind === 'floats' && given.kind === 'ints') return given.value;
  throw new ModelError(`${describeNode(node)}: attribute "${name}" should be ${kind}, found ${given.kind}`);
}

/** A model-level error about one node, for op code: `throw opError(node, 'needs 4-D input')`. */
export function opError(node: Node, message: string): ModelError {
  return new ModelError(`${describeNode(node)}: ${message}`);
}

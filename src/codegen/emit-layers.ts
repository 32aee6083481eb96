/**
 * The body of NAME.c: the constant data of every layer and the function that runs the layers in
 * order over the static arena. Each layer's op prints its own statements (OpDef.emitC); this
 * module gives it typed pointers into the arena, a scratch pointer and `static const` arrays, and
 * keeps every identifier free of model text except through c-identifier.ts.
 */
import { InternalError, ModelError } from '../errors.js';
import { packWeights, type WeightBits } from '../quant/pack.js';
import type { QModel } from '../quant/qmodel.js';
import type { CElementType, CLayerContext } from './c-facet.js';
import { cArrayBody, cActivationType } from './c-format.js';
import { cCommentText, cIdentifier } from './c-identifier.js';
import { opOfLayer, tensorOf, type ArenaPlan } from './plan-arena.js';

export interface EmittedLayers {
  /** `static const` arrays and structs, in layer order. */
  declarations: string;
  /** Statements of the layer sequence (inside a function body). */
  statements: string;
  /** Kernel stems the layers call. */
  kernels: Set<string>;
  /** Bytes of packed weight arrays, and of all constant data. */
  weightBytes: number;
  constBytes: number;
}

const ELEMENT_BYTES: Record<CElementType, number> = { int8_t: 1, uint8_t: 1, int16_t: 2, int32_t: 4 };

/** `arenaMacro` is the C macro of the arena: ARENA(type, offset) gives a typed pointer. */
export function emitLayers(model: QModel, plan: ArenaPlan, arenaMacro: string): EmittedLayers {
  const declarations: string[] = [];
  const statements: string[] = [];
  const kernels = new Set<string>();
  let weightBytes = 0;
  let constBytes = 0;

  model.layers.forEach((layer, index) => {
    const op = opOfLayer(layer);
    const facet = op.emitC;
    if (!facet) throw new ModelError(`layer "${cCommentText(layer.name)}": op ${layer.op} has no C implementation yet`);
    const prefix = `L${index}_${cIdentifier(layer.name, 'layer', 32)}`;
    const inputs = layer.inputs.map((n) => tensorOf(model, n));
    const outputs = layer.outputs.map((n) => tensorOf(model, n));
    const pointer = (name: string, writable: boolean) => {
      const t = tensorOf(model, name);
      const offset = plan.tensorOffset.get(name);
      if (offset === undefined) throw new InternalError(`tensor of layer ${index} has no place in the arena`);
      return `${arenaMacro}(${writable ? '' : 'const '}${cActivationType(t.type)}, ${offset})`;
    };
    const labels = new Set<string>();
    const declare = (label: string, type: CElementType, body: string, count: number) => {
      if (!/^[a-z][a-z0-9_]*$/.test(label) || labels.has(label)) throw new InternalError(`C emitter: bad or repeated array label "${label}"`);
      labels.add(label);
      declarations.push(`static const ${type} ${prefix}_${label}[${Math.max(1, count)}] = {\n${body}\n};`);
      constBytes += Math.max(1, count) * ELEMENT_BYTES[type];
      return `${prefix}_${label}`;
    };
    const ctx: CLayerContext = {
      layer,
      model,
      inputs,
      outputs,
      input: (i) => pointer(layer.inputs[i]!, false),
      output: (i) => pointer(layer.outputs[i]!, true),
      sameBuffer: (i, o) => plan.tensorOffset.get(layer.inputs[i]!) === plan.tensorOffset.get(layer.outputs[o]!),
      scratch: () => {
        const offset = plan.scratchOffset.get(index);
        if (offset === undefined) throw new InternalError(`layer ${index} asked for scratch it did not declare`);
        return `${arenaMacro}(void, ${offset})`;
      },
      constArray: (label, type, values) => declare(label, type, cArrayBody(type, values), values.length),
      packedWeights: (label, values, bits) => {
        const packed = packWeights(values, bits as WeightBits);
        weightBytes += packed.length;
        const signed = Int8Array.from(packed, (b) => (b > 127 ? b - 256 : b));
        return declare(label, 'int8_t', cArrayBody('int8_t', signed), signed.length);
      },
      constStruct: (label, type, init) => {
        if (!/^[a-z][a-z0-9_]*$/.test(label) || labels.has(label)) throw new InternalError(`C emitter: bad or repeated label "${label}"`);
        labels.add(label);
        declarations.push(`static const ${type} ${prefix}_${label} = ${init};`);
        return `${prefix}_${label}`;
      },
      guarded: (condition, emit, counted = true) => {
        const before = [weightBytes, constBytes] as const;
        declarations.push(`#if ${condition}`);
        const body = emit().trim();
        declarations.push(`#endif`);
        if (!counted) [weightBytes, constBytes] = before;
        return `#if ${condition}\n${body}\n#endif`;
      },
    };
    for (const k of facet.kernels) kernels.add(k);
    const comment = `/* layer ${index}: ${cCommentText(layer.op, 24)} ${cCommentText(layer.name)} */`;
    declarations.push(comment);
    const body = facet.emit(ctx).trim().split('\n').map((line) => `    ${line}`).join('\n');
    statements.push(`    ${comment}\n    EDGEC_LAYER_HOOK(${index});\n${body}`);
  });
  // The hook runs before each layer and once after the last (index = layer count): a profiler
  // (src/qemu/) defines it to time layers; by default it compiles to nothing.
  statements.push(`    EDGEC_LAYER_HOOK(${model.layers.length});`);
  declarations.unshift('#ifndef EDGEC_LAYER_HOOK\n#define EDGEC_LAYER_HOOK(layer) ((void)0)\n#endif');
  return { declarations: declarations.join('\n'), statements: statements.join('\n'), kernels, weightBytes, constBytes };
}

/**
 * From a layer sequence to the buffers the memory planner places: which tensors share one buffer
 * (in-place reuse), each buffer's lifetime, and each layer's scratch buffer.
 *
 * In-place rules (what a layer's op allows, declared by its C emission facet):
 * - 'view': the output is the input's bytes under another shape (Reshape, Flatten, Squeeze...):
 *   it joins the input's buffer, whose lifetime grows to cover the output's.
 * - 'overwrite': an elementwise op may write over one of its inputs (the first that qualifies;
 *   Add, Mul, LUT activations) when this layer is the last reader of every tensor in that input's
 *   buffer, the sizes match, the buffer holds no graph output and no other input lives in it. The kernel
 *   reads element i of every input before writing element i, so the result is the same.
 * Graph inputs are copied into the arena before step 0; graph outputs stay live to the end (step
 * = number of layers), where they are copied out. Tensors not in `tensorBytes` (weights) are
 * ignored.
 */
import { InternalError } from '../errors.js';
import type { BufferRequest } from './plan-memory.js';

export type InPlaceRule = 'view' | 'overwrite';

export interface LayerBufferUse {
  name: string;
  inputs: readonly string[];
  outputs: readonly string[];
  inPlace?: InPlaceRule;
  /** Temporary bytes the layer's kernel needs while it runs (0 or absent: none). */
  scratchBytes?: number;
}

export interface ArenaBuffers {
  /** Buffers to plan: tensor buffers first (in order of creation), then scratch buffers. */
  requests: BufferRequest[];
  /** Index into `requests` of each tensor's buffer. */
  bufferOfTensor: Map<string, number>;
  /** Index into `requests` of each layer's scratch buffer (by layer index), if it has one. */
  scratchOfLayer: Map<number, number>;
}

export function collectArenaBuffers(
  layers: readonly LayerBufferUse[],
  tensorBytes: ReadonlyMap<string, number>,
  graphInputs: readonly string[],
  graphOutputs: readonly string[],
): ArenaBuffers {
  const end = layers.length;
  const producedAt = new Map<string, number>(graphInputs.map((t) => [t, 0]));
  const lastReadAt = new Map<string, number>();
  layers.forEach((layer, step) => {
    for (const t of layer.inputs) if (tensorBytes.has(t)) lastReadAt.set(t, step);
    for (const t of layer.outputs) if (tensorBytes.has(t)) producedAt.set(t, step);
  });
  for (const t of graphOutputs) lastReadAt.set(t, end);

  const requests: BufferRequest[] = [];
  const bufferOfTensor = new Map<string, number>();
  const members: string[][] = [];
  const join = (tensor: string, buffer: number, step: number) => {
    bufferOfTensor.set(tensor, buffer);
    members[buffer]!.push(tensor);
    const r = requests[buffer]!;
    r.lastUse = Math.max(r.lastUse, lastReadAt.get(tensor) ?? step);
  };
  const open = (tensor: string, step: number) => {
    const bytes = tensorBytes.get(tensor);
    if (bytes === undefined) throw new InternalError(`memory planner: tensor "${tensor}" has no size`);
    requests.push({ name: tensor, size: bytes, firstUse: step, lastUse: step });
    members.push([]);
    join(tensor, requests.length - 1, step);
  };

  for (const t of graphInputs) if (tensorBytes.has(t) && !bufferOfTensor.has(t)) open(t, 0);
  const scratchOfLayer = new Map<number, number>();
  const scratch: BufferRequest[] = [];
  layers.forEach((layer, step) => {
    const activationInputs = layer.inputs.filter((t) => tensorBytes.has(t));
    for (const out of layer.outputs) {
      if (!tensorBytes.has(out)) continue;
      const target = reusableInput(layer, activationInputs, out, step);
      if (target === undefined) open(out, producedAt.get(out) ?? step);
      else join(out, target, step);
    }
    if ((layer.scratchBytes ?? 0) > 0) {
      scratchOfLayer.set(step, scratch.length);
      scratch.push({ name: `${layer.name} (scratch)`, size: layer.scratchBytes!, firstUse: step, lastUse: step });
    }
  });
  for (const [step, i] of scratchOfLayer) scratchOfLayer.set(step, i + requests.length);
  return { requests: [...requests, ...scratch], bufferOfTensor, scratchOfLayer };

  function reusableInput(layer: LayerBufferUse, inputs: string[], out: string, step: number): number | undefined {
    if (!layer.inPlace || layer.outputs.length !== 1) return undefined;
    const sameSize = (t: string) => tensorBytes.get(t) === tensorBytes.get(out);
    if (layer.inPlace === 'view') return inputs[0] !== undefined && sameSize(inputs[0]) ? bufferOfTensor.get(inputs[0]) : undefined;
    for (const candidate of inputs) {
      const buffer = bufferOfTensor.get(candidate);
      if (buffer === undefined || !sameSize(candidate)) continue;
      const othersShare = inputs.some((t) => t !== candidate && bufferOfTensor.get(t) === buffer);
      const stillRead = members[buffer]!.some((t) => (lastReadAt.get(t) ?? -1) > step || graphOutputs.includes(t));
      if (!othersShare && !stillRead) return buffer;
    }
    return undefined;
  }
}

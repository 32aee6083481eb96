/**
 * The static arena of a quantized model: every activation tensor (graph inputs and outputs
 * included: they are copied in and out at the boundary) and every layer's scratch buffer gets an
 * offset, reusing bytes by lifetime (greedy by size) and in place where the op allows.
 */
import { InternalError } from '../errors.js';
import { findOp } from '../ops/registry.js';
import type { OpDef } from '../ops/op-def.js';
import type { QLayer, QModel, QTensor } from '../quant/qmodel.js';
import { collectArenaBuffers, type LayerBufferUse } from './arena-buffers.js';
import { ARENA_ALIGNMENT, greedyPlanner, type BufferRequest, type MemoryPlan, type MemoryPlanner } from './plan-memory.js';

export interface ArenaPlan {
  arenaSize: number;
  /** Byte offset of every activation tensor. Tensors sharing a buffer share the offset. */
  tensorOffset: Map<string, number>;
  /** Byte offset of the scratch buffer of layer i (absent: the layer needs none). */
  scratchOffset: Map<number, number>;
  requests: BufferRequest[];
  plan: MemoryPlan;
}

export function bytesOfTensor(t: QTensor): number {
  return t.shape.reduce((p, d) => p * d, 1) * (t.type === 'int16' ? 2 : 1);
}

/** The op definition of a quantized layer (default domain first, then edgec's own). */
export function opOfLayer(layer: Pick<QLayer, 'op' | 'name'>): OpDef {
  const op = findOp('', layer.op) ?? findOp('com.edgec', layer.op);
  if (!op) throw new InternalError(`quantized layer has unknown op ${layer.op}`);
  return op;
}

export function tensorOf(model: QModel, name: string): QTensor {
  const t = model.tensors.get(name);
  if (!t) throw new InternalError(`quantized model has no tensor "${name}"`);
  return t;
}

export function planArena(model: QModel, planner: MemoryPlanner = greedyPlanner): ArenaPlan {
  const uses: LayerBufferUse[] = model.layers.map((layer) => {
    const facet = opOfLayer(layer).emitC;
    const inputs = layer.inputs.map((n) => tensorOf(model, n));
    const outputs = layer.outputs.map((n) => tensorOf(model, n));
    return {
      name: layer.name,
      inputs: layer.inputs,
      outputs: layer.outputs,
      inPlace: typeof facet?.inPlace === 'function' ? facet.inPlace(layer, inputs, outputs) : facet?.inPlace,
      scratchBytes: facet?.scratchBytes?.(layer, inputs, outputs) ?? 0,
    };
  });
  const bytes = new Map([...model.tensors].map(([name, t]) => [name, bytesOfTensor(t)]));
  return planBuffers(uses, bytes, model.inputs, model.outputs, planner);
}

/** The same from plain layer uses and tensor sizes (also how tests plan float graphs). */
export function planBuffers(
  uses: readonly LayerBufferUse[],
  tensorBytes: ReadonlyMap<string, number>,
  graphInputs: readonly string[],
  graphOutputs: readonly string[],
  planner: MemoryPlanner = greedyPlanner,
): ArenaPlan {
  const buffers = collectArenaBuffers(uses, tensorBytes, graphInputs, graphOutputs);
  const plan = planner.plan(buffers.requests, ARENA_ALIGNMENT);
  const tensorOffset = new Map<string, number>();
  for (const [tensor, i] of buffers.bufferOfTensor) tensorOffset.set(tensor, plan.offsets[i]!);
  const scratchOffset = new Map<number, number>();
  for (const [layer, i] of buffers.scratchOfLayer) scratchOffset.set(layer, plan.offsets[i]!);
  return { arenaSize: plan.arenaSize, tensorOffset, scratchOffset, requests: buffers.requests, plan };
}

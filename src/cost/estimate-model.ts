/**
 * estimateModelCost: what a quantized model costs on a target, per layer and in total (the
 * ModelCost contract of cost/model-cost.ts). Cycles per layer come from estimate-layer.ts;
 * latency = cycles / clock; energy = active power x latency (mcu-data.md: average power during
 * inference is flat across models for a board and stack); flash = each layer's constants (packed
 * weights, bias, requantization parameters, tables: as report.json counts them) + the code of
 * the kernels the model uses, each once, + one call per layer; RAM = the emitted arena.
 */
import { InternalError } from '../errors.js';
import { findOp } from '../ops/registry.js';
import type { QLayer, QModel, QTensor } from '../quant/qmodel.js';
import { constBytes } from '../report/compress-report.js';
import type { ResolvedTarget, Target } from '../targets/target.js';
import { layerCycles, type LayerBits } from './estimate-layer.js';
import { layerWork } from './layer-work.js';
import type { CostTotals, LayerCost, ModelCost } from './model-cost.js';

export interface MemoryPlan {
  /** The emitted arena (codegen/plan-arena.ts): activations, I/O copies and scratch. */
  arenaBytes: number;
}

const bitsOf = (t: QTensor | undefined) => (t?.type === 'int16' ? 16 : 8);

function tensorsOf(model: QModel, names: string[]): QTensor[] {
  return names.map((n) => model.tensors.get(n)).filter((t): t is QTensor => t !== undefined);
}

/** The bit widths the layer's kernel works at. */
export function layerBits(layer: QLayer, model: QModel): LayerBits {
  const activations = tensorsOf(model, [...layer.inputs, ...layer.outputs]);
  return { w: layer.weights ? layer.weights.bits : null, a: Math.max(8, ...activations.map(bitsOf)) };
}

function scratchBytes(layer: QLayer, model: QModel): number {
  const facet = findOp(layer.domain ?? '', layer.op)?.emitC;
  return facet?.scratchBytes?.(layer, tensorsOf(model, layer.inputs), tensorsOf(model, layer.outputs)) ?? 0;
}

/** Code bytes of the kernel sources the model's layers call, each counted once, and the calls. */
export function codeBytes(model: QModel, target: Target): number {
  const stems = new Set<string>();
  for (const layer of model.layers) for (const stem of findOp(layer.domain ?? '', layer.op)?.emitC?.kernels ?? []) stems.add(stem);
  let bytes = target.code_bytes_per_layer * model.layers.length;
  for (const stem of stems) {
    const size = target.code_bytes[stem];
    if (size === undefined) throw new InternalError(`targets/${target.id}.json: "code_bytes" has no size for kernel "${stem}"`);
    bytes += size;
  }
  return bytes;
}

export function estimateModelCost(model: QModel, target: Target | ResolvedTarget, memory: MemoryPlan): ModelCost {
  const clockKhz = target.clock_mhz * 1e3;
  const layers: LayerCost[] = model.layers.map((layer) => {
    const work = layerWork(layer, model);
    const bits = layerBits(layer, model);
    const cycles = Math.round(layerCycles(work, bits, target));
    const latency = cycles / clockKhz;
    return {
      name: layer.name,
      op: layer.op,
      kind: work.kind,
      macs: work.macs,
      w_bits: bits.w,
      a_bits: bitsOf(model.tensors.get(layer.outputs[0] ?? '')),
      cycles,
      latency_ms: latency,
      energy_uj: target.active_power_mw * latency,
      flash_bytes: constBytes(layer),
      scratch_bytes: scratchBytes(layer, model),
    };
  });
  const sum = (f: (l: LayerCost) => number) => layers.reduce((s, l) => s + f(l), 0);
  const constTotal = sum((l) => l.flash_bytes);
  const code = codeBytes(model, target);
  const totals: CostTotals = {
    cycles: sum((l) => l.cycles),
    latency_ms: sum((l) => l.latency_ms),
    energy_uj: sum((l) => l.energy_uj),
    flash_bytes: constTotal + code,
    const_bytes: constTotal,
    code_bytes: code,
    ram_bytes: memory.arenaBytes,
  };
  return { target: target.id, clock_mhz: target.clock_mhz, vdd: target.vdd, active_power_mw: target.active_power_mw, layers, totals };
}

/**
 * The parts of report.json that describe the model on its target: the target block, each layer's
 * predicted cost (src/cost/model-cost.ts, merged into the layer rows by name), the totals (flash =
 * constants + kernel code; RAM = the arena + the caller's I/O buffers) and the memory plan.
 *
 * RAM counts the caller's buffers because the integer entry point NAME_run_int8 copies from and to
 * arrays the application owns (INPUT_SIZE and OUTPUT_SIZE elements); they live in the device's
 * SRAM beside the arena, so a RAM budget that ignored them would pass a model that does not fit.
 * (NAME_run takes float buffers instead, 4 bytes an element: the report counts the integer entry,
 * the one firmware that cares about RAM uses.)
 */
import type { ArenaPlan } from '../codegen/plan-arena.js';
import type { ModelCost } from '../cost/model-cost.js';
import { InternalError } from '../errors.js';
import type { ResolvedTarget } from '../targets/target.js';
import type { LayerCostReport, LayerReport, SizeTotals, TensorReport } from './compress-report.js';

export interface TargetReport {
  id: string;
  name: string;
  core: string;
  /** The software stack the cost coefficients describe, or null for an accelerator. */
  stack: string | null;
  clock_mhz: number;
  vdd: number;
  regulator: string;
  /** At this clock and supply (scaled from the data file's measurement). */
  active_power_mw: number;
  flash_bytes: number;
  sram_bytes: number;
}

export interface CostTotalsReport extends SizeTotals {
  /** Estimated .text of the kernels the model links (each counted once). */
  code_bytes: number;
  /** const_bytes + code_bytes. */
  flash_bytes: number;
  /** The caller's integer input and output arrays (see the header). */
  io_bytes: number;
  /** arena_bytes + io_bytes. */
  ram_bytes: number;
  cycles: number;
  latency_ms: number;
  energy_uj: number;
}

export interface MemoryBufferReport {
  /** The tensor that opened the buffer (in-place outputs share it), or "<layer> (scratch)". */
  name: string;
  kind: 'tensor' | 'scratch';
  offset: number;
  size: number;
  /** Steps it is live, inclusive: step i runs layer i; step = layers copies the outputs out. */
  first_step: number;
  last_step: number;
}

export interface MemoryReport {
  arena_bytes: number;
  alignment: number;
  buffers: MemoryBufferReport[];
}

export function targetReport(t: ResolvedTarget): TargetReport {
  return {
    id: t.id,
    name: t.name,
    core: t.core,
    stack: t.cost.model === 'cpu' ? t.cost.stack : null,
    clock_mhz: t.clock_mhz,
    vdd: t.vdd,
    regulator: t.regulator,
    active_power_mw: t.active_power_mw,
    flash_bytes: t.flash_bytes,
    sram_bytes: t.sram_bytes,
  };
}

/** Each layer row with its cost; the cost model prices the same layers in the same order. */
export function withCost(layers: LayerReport[], cost: ModelCost): LayerCostReport[] {
  if (cost.layers.length !== layers.length) {
    throw new InternalError(`cost model priced ${cost.layers.length} layers, the model has ${layers.length}`);
  }
  return layers.map((l, i) => {
    const c = cost.layers[i]!;
    if (c.name !== l.name) throw new InternalError(`cost model layer ${i} is "${c.name}", the model's is "${l.name}"`);
    return {
      ...l,
      kind: c.kind,
      cycles: c.cycles,
      latency_ms: c.latency_ms,
      energy_uj: c.energy_uj,
      flash_bytes: c.flash_bytes,
      scratch_bytes: c.scratch_bytes,
    };
  });
}

/** Bytes of the caller's integer buffers for the graph inputs and outputs. */
export function ioBytes(inputs: TensorReport[], outputs: TensorReport[]): number {
  const bytes = (t: TensorReport) => t.shape.reduce((p, d) => p * d, 1) * (t.type === 'int16' ? 2 : 1);
  return [...inputs, ...outputs].reduce((s, t) => s + bytes(t), 0);
}

export function costTotals(base: SizeTotals, cost: ModelCost, io: number): CostTotalsReport {
  if (cost.totals.ram_bytes !== base.arena_bytes) {
    throw new InternalError(`cost model RAM ${cost.totals.ram_bytes} B differs from the emitted arena ${base.arena_bytes} B`);
  }
  return {
    ...base,
    code_bytes: cost.totals.code_bytes,
    flash_bytes: cost.totals.flash_bytes,
    io_bytes: io,
    ram_bytes: base.arena_bytes + io,
    cycles: cost.totals.cycles,
    latency_ms: cost.totals.latency_ms,
    energy_uj: cost.totals.energy_uj,
  };
}

/**
 * The arena plan as report rows. The planner's requests are the tensor buffers first, then one
 * scratch buffer per layer that needs one (codegen/arena-buffers.ts), which gives each its kind.
 */
export function memoryReport(plan: ArenaPlan): MemoryReport {
  const firstScratch = plan.requests.length - plan.scratchOffset.size;
  return {
    arena_bytes: plan.arenaSize,
    alignment: plan.plan.alignment,
    buffers: plan.requests.map((r, i) => ({
      name: r.name,
      kind: i >= firstScratch ? 'scratch' : 'tensor',
      offset: plan.plan.offsets[i]!,
      size: r.size,
      first_step: r.firstUse,
      last_step: r.lastUse,
    })),
  };
}

/**
 * Cycles of one layer on one target at given weight and activation bit widths: the per-layer cost
 * model. Exported on its own so the bit-width search can price a layer at widths it has not
 * quantized yet.
 *
 * CPU (CMSIS-NN-class kernels):
 *   cycles = overhead + MAC kinds: macs x (cycles_per_mac[kind] + few_channels_cycles / K)
 *                                       x weight_bits_factor (int4/int2 unpacking) x int16 factor
 *                     + other kinds: elements x cycles_per_element[kind]
 * where K = input channels per group x kernel taps, the dot product behind each output of a conv
 * or 1x1 conv (no extra for depthwise and fully connected): each output pays its requantization
 * and loop set-up, so a layer with few input channels (the first conv of an image or audio
 * model) pays it over few MACs (mcu-data.md: 2.76 cycles/MAC for a 3-channel 5x5 conv against
 * 1.41-1.49 for 32-channel ones).
 *
 * Bit Fusion (../shared/docs/quantization.md §3, its simulator's formula):
 *   cycles = overhead + B x G x ceil(OC / M) x OH x OW x KH x KW x ceil(IC / (N x perf_factor))
 *   perf_factor = lanes(a) x lanes(w), lanes(b) = floor(8 / max(b, 2)) for b <= 8, 8 / b above
 * (16 bricks fuse into one 8x8 unit or 16 2x2 units; a 16-bit operand takes two 8-bit units),
 * per group G (a depthwise conv runs one channel per group), and elements x cycles_per_element
 * for the layers its pooling/activation units run.
 */
import { InternalError } from '../errors.js';
import type { BitFusionCost, CpuCost, MacKind, Target } from '../targets/target.js';
import type { LayerWork } from './layer-work.js';

export interface LayerBits {
  /** Weight bits, null for a layer without weights. */
  w: number | null;
  /** Activation bits the kernel works at (the wider of its inputs and outputs). */
  a: number;
}

const MAC_KINDS = new Set<string>(['conv', 'conv1x1', 'depthwise', 'fully_connected']);

export function isMacKind(kind: string): kind is MacKind {
  return MAC_KINDS.has(kind);
}

function cpuCycles(work: LayerWork, bits: LayerBits, cost: CpuCost): number {
  const kind = work.kind;
  if (!isMacKind(kind)) return cost.layer_overhead_cycles + work.elements * cost.cycles_per_element[kind];
  const dot = (work.geometry?.inChannels ?? 0) * (work.geometry?.kernelTaps ?? 0);
  const fewChannels = (kind === 'conv' || kind === 'conv1x1') && dot > 0 ? cost.few_channels_cycles / dot : 0;
  const weightFactor = bits.w === 4 ? cost.weight_bits_factor['4'][kind] : bits.w === 2 ? cost.weight_bits_factor['2'][kind] : 1;
  const activationFactor = bits.a > 8 ? cost.activation16_factor : 1;
  return cost.layer_overhead_cycles + work.macs * (cost.cycles_per_mac[kind] + fewChannels) * weightFactor * activationFactor;
}

/** Parallel lanes one 8-bit operand slot gives at `bits` bits (Bit Fusion's fusion). */
export function bitFusionLanes(bits: number): number {
  return bits <= 8 ? Math.floor(8 / Math.max(bits, 2)) : 8 / bits;
}

function bitFusionCycles(work: LayerWork, bits: LayerBits, cost: BitFusionCost): number {
  const kind = work.kind;
  if (!isMacKind(kind)) return cost.layer_overhead_cycles + work.elements * cost.cycles_per_element[kind];
  const g = work.geometry;
  if (!g) throw new InternalError(`a ${kind} layer reached the Bit Fusion model without its geometry`);
  const perf = bitFusionLanes(bits.a) * bitFusionLanes(bits.w ?? 8);
  const passes = Math.ceil(g.outChannels / cost.rows_m) * Math.ceil(g.inChannels / (cost.cols_n * perf));
  return cost.layer_overhead_cycles + g.rows * g.groups * passes * g.outPixels * g.kernelTaps;
}

export function layerCycles(work: LayerWork, bits: LayerBits, target: Target): number {
  return target.cost.model === 'cpu' ? cpuCycles(work, bits, target.cost) : bitFusionCycles(work, bits, target.cost);
}

/**
 * Data-free sensitivity of every weighted layer at every candidate weight width (ZeroQ, Cai et
 * al. 2020, §3.3): the accuracy proxy (probe.ts) on synthetic samples with only that layer
 * quantized and every other layer left in fp32. The search treats the sum over layers as the
 * configuration's proxy (ZeroQ's Pareto frontier makes the same additive assumption) and then
 * measures the real, non-additive proxy of the configurations it is about to pick.
 */
import type { WeightBits } from '../quant/pack.js';
import type { Probe, ProxyMeasure } from './probe.js';

export interface LayerSensitivity {
  layer: string;
  /** Weight bits -> the proxy with only this layer at those bits. */
  byBits: Map<WeightBits, ProxyMeasure>;
}

export interface SensitivityOptions {
  /** Called after each layer (for progress and cancellation). */
  onLayer?: (done: number, total: number) => void;
}

/**
 * Layers the probe cannot fake-quantize keep 8 bits: they are measured at 8 only, so the solver
 * never offers them anything else.
 */
export function measureSensitivity(probe: Probe, layers: readonly string[], widths: ReadonlyMap<string, readonly WeightBits[]>, options: SensitivityOptions = {}): LayerSensitivity[] {
  return layers.map((layer, i) => {
    const byBits = new Map<WeightBits, ProxyMeasure>();
    for (const bits of widths.get(layer) ?? [8]) byBits.set(bits, probe.measure(new Map([[layer, bits]])));
    options.onLayer?.(i + 1, layers.length);
    return { layer, byBits };
  });
}

/** The additive proxy of an assignment: the sum of its layers' sensitivities. */
export function additiveProxy(sensitivities: readonly LayerSensitivity[], assignment: ReadonlyMap<string, WeightBits>): number {
  return sensitivities.reduce((s, l) => s + (l.byBits.get(assignment.get(l.layer) ?? 8)?.drop ?? 0), 0);
}

/**
 * The numbers targets/*.json takes from the published measurements: the CMSIS-NN-class profile
 * fitted on the three calibration boards, the factor of every other CPU target on it, and the
 * active power of the boards whose energy was published (mean energy / latency over the four
 * models: mcu-data.md finds it flat within a few percent per board and stack).
 */
import type { MacKind } from '../../src/targets/target.js';
import { DEPTHWISE_PER_POINTWISE, LAYER_OVERHEAD_CYCLES, fitProfile, fitScale, observations } from './fit-cost-model.js';
import { PUBLISHED, type PublishedRow } from './published-measurements.js';

export interface CalibrationFit {
  profile: { cycles_per_mac: Record<MacKind, number>; few_channels_cycles: number; layer_overhead_cycles: number };
  /** Multiplier on the profile per target (stm32l4r5 = 1). */
  factors: Record<string, number>;
  power: Record<string, number>;
}

const find = (board: string, stack: string): PublishedRow => PUBLISHED.find((r) => r.board === board && r.stack.startsWith(stack))!;
const geometricMean = (xs: number[]) => Math.exp(xs.reduce((s, x) => s + Math.log(x), 0) / xs.length);

/** Cycle ratio of two boards running the same stack, per model. */
function cycleRatios(a: PublishedRow, b: PublishedRow): number[] {
  return (['KWS', 'VWW', 'IC', 'AD'] as const).map((m) => (a.latencyMs[m] * a.clockMhz) / (b.latencyMs[m] * b.clockMhz));
}

export function calibrationFit(): CalibrationFit {
  const calib = PUBLISHED.filter((r) => r.calibration);
  const fit = fitProfile(observations(calib), calib.length);
  const [conv, conv1x1, fullyConnected, few] = fit.theta as [number, number, number, number];
  const overhead = LAYER_OVERHEAD_CYCLES;
  const depthwise = DEPTHWISE_PER_POINTWISE * conv1x1;
  const base = (o: { x: number[]; e: number }) => o.x.reduce((s, v, i) => s + v * fit.theta[i]!, o.e);
  const factorOn = (row: PublishedRow) => {
    const obs = observations([row]);
    return fitScale(obs.map(base), obs.map((o) => o.cycles));
  };
  const factors: Record<string, number> = {};
  calib.forEach((r, i) => (factors[r.target] = fit.scale[i]!));
  // Cortex-M7 vs M4 with the same stack (no CMSIS-NN measurement on an M7 is published).
  const m7 = geometricMean([
    ...cycleRatios(find('NUCLEO-H7A3ZI-Q', 'X-CUBE-AI 9.0'), find('NUCLEO-L4R5ZI', 'X-CUBE-AI 9.0')),
    ...cycleRatios(find('DISCO-F746NG', 'Plumerai'), find('NUCLEO-L4R5ZI', 'Plumerai')),
  ]);
  factors['stm32f746'] = m7;
  factors['stm32h7a3'] = m7;
  factors['ra8d1'] = factorOn(find('EK-RA8D1', 'TFLM'));
  factors['rp2040'] = factorOn(find('NUCLEO-G0B1RE', 'Bosch'));
  const power: Record<string, number> = {};
  for (const r of PUBLISHED.filter((p) => p.energyUj && (p.calibration || !PUBLISHED.some((q) => q.calibration && q.target === p.target)))) {
    power[r.target] ??= (['KWS', 'VWW', 'IC', 'AD'] as const).reduce((s, m) => s + r.energyUj![m] / r.latencyMs[m], 0) / 4;
  }
  return {
    profile: { cycles_per_mac: { conv, conv1x1, depthwise, fully_connected: fullyConnected }, few_channels_cycles: few, layer_overhead_cycles: overhead },
    factors,
    power,
  };
}

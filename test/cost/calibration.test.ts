/**
 * Issue 4's calibration acceptance, from the calibration script's own functions (not by spawning
 * it): the four MLPerf Tiny topologies predicted with targets/*.json against the published
 * latencies of microTVM + CMSIS-NN on NUCLEO-L4R5ZI and nRF5340 and TFLM + CMSIS-NN on EK-RA6M4
 * (12 figures: each within 25%, median within 15%) and energies (L4R5, RA6M4: within 30%); and
 * the data files hold what the fit gives, so they cannot drift from it.
 */
import { describe, expect, it } from 'vitest';
import { acceptance, compare, quantizedBenchmarks } from '../../scripts/lib/calibration.js';
import { calibrationFit } from '../../scripts/lib/calibration-fit.js';
import { REFERENCE_MACS } from '../../scripts/lib/mlperf-tiny.js';
import { estimateModelCost } from '../../src/cost/estimate-model.js';
import { loadTarget } from '../../src/targets/load-targets.js';
import type { CpuCost } from '../../src/targets/target.js';

describe('cost model calibration', () => {
  it('rebuilds the MLPerf Tiny topologies with the reference MACs', () => {
    for (const b of quantizedBenchmarks()) {
      const cost = estimateModelCost(b.model, loadTarget('stm32l4r5'), { arenaBytes: b.arenaBytes });
      expect(cost.layers.reduce((s, l) => s + l.macs, 0), b.name).toBe(REFERENCE_MACS[b.name]);
    }
  });

  it('predicts the 12 calibration latencies within 25% (median 15%) and the energies within 30%', () => {
    const rows = compare().filter((r) => r.calibration);
    expect(rows).toHaveLength(12);
    expect(rows.filter((r) => r.energyError !== undefined)).toHaveLength(8);
    for (const r of rows) expect(Math.abs(r.latencyError), `${r.board} ${r.benchmark}`).toBeLessThanOrEqual(0.25);
    const a = acceptance(rows);
    expect(a.latencyMedian).toBeLessThanOrEqual(0.15);
    expect(a.energyWorst).toBeLessThanOrEqual(0.3);
    expect(a.pass).toBe(true);
  });

  it('the data files hold the fitted coefficients and measured powers (4 significant digits)', () => {
    const fit = calibrationFit();
    for (const [id, factor] of Object.entries(fit.factors)) {
      const c = loadTarget(id).cost as CpuCost;
      for (const [kind, v] of Object.entries(fit.profile.cycles_per_mac)) {
        expect(c.cycles_per_mac[kind as 'conv'] / (v * factor), `${id} ${kind}`).toBeCloseTo(1, 3);
      }
      expect(c.few_channels_cycles / (fit.profile.few_channels_cycles * factor), id).toBeCloseTo(1, 3);
      expect(c.layer_overhead_cycles / (fit.profile.layer_overhead_cycles * factor), id).toBeCloseTo(1, 3);
    }
    for (const [id, mw] of Object.entries(fit.power)) expect(loadTarget(id).active_power_mw / mw, id).toBeCloseTo(1, 3);
  });
});

/**
 * The cost-model calibration (scripts/calibrate-cost-model.ts prints it; test/cost/calibration
 * asserts its acceptance): the four MLPerf Tiny topologies quantized w8a8 through the normal
 * pipeline (seeded, data-free), predicted on the targets/*.json coefficients, against the
 * published measurements; and the fit those coefficients come from.
 */
import { estimateModelCost } from '../../src/cost/estimate-model.js';
import type { ModelCost } from '../../src/cost/model-cost.js';
import { emitSources } from '../../src/pipeline/integer-stages.js';
import type { QModel } from '../../src/quant/qmodel.js';
import { quantizeModel } from '../../src/quant/quantize-model.js';
import { resolveTarget } from '../../src/targets/load-targets.js';
import { BENCHMARKS, benchmarkGraph, type Benchmark } from './mlperf-tiny.js';
import { PUBLISHED, type PublishedRow } from './published-measurements.js';

export interface QuantizedBenchmark {
  name: Benchmark;
  model: QModel;
  arenaBytes: number;
}

let cached: QuantizedBenchmark[] | undefined;

/** The four benchmarks, quantized w8a8 (4 seeded uniform calibration inputs: only shapes matter). */
export function quantizedBenchmarks(): QuantizedBenchmark[] {
  cached ??= BENCHMARKS.map((name) => {
    const model = quantizeModel(benchmarkGraph(name), { weightBits: 8, activation: 'int8', samples: 4, seed: 1 });
    return { name, model, arenaBytes: emitSources(model, undefined).arenaBytes };
  });
  return cached;
}

export function predict(targetId: string, clockMhz: number, b: QuantizedBenchmark): ModelCost {
  return estimateModelCost(b.model, resolveTarget(targetId, { clockMhz }), { arenaBytes: b.arenaBytes });
}

export interface ComparisonRow {
  board: string;
  stack: string;
  target: string;
  benchmark: Benchmark;
  calibration: boolean;
  predictedMs: number;
  measuredMs: number;
  /** (predicted - measured) / measured. */
  latencyError: number;
  predictedUj?: number;
  measuredUj?: number;
  energyError?: number;
}

export function compare(rows: PublishedRow[] = PUBLISHED): ComparisonRow[] {
  const benchmarks = quantizedBenchmarks();
  return rows.flatMap((r) =>
    benchmarks.map((b) => {
      const cost = predict(r.target, r.clockMhz, b);
      const measuredMs = r.latencyMs[b.name];
      const out: ComparisonRow = {
        board: r.board,
        stack: r.stack,
        target: r.target,
        benchmark: b.name,
        calibration: r.calibration,
        predictedMs: cost.totals.latency_ms,
        measuredMs,
        latencyError: cost.totals.latency_ms / measuredMs - 1,
      };
      const measuredUj = r.energyUj?.[b.name];
      if (measuredUj !== undefined) Object.assign(out, { predictedUj: cost.totals.energy_uj, measuredUj, energyError: cost.totals.energy_uj / measuredUj - 1 });
      return out;
    }),
  );
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export interface Acceptance {
  latencyWorst: number;
  latencyMedian: number;
  energyWorst: number;
  pass: boolean;
}

/** Issue 4's acceptance over the calibration rows: |latency error| <= 25%, median <= 15%, energy <= 30%. */
export function acceptance(rows: ComparisonRow[]): Acceptance {
  const calib = rows.filter((r) => r.calibration);
  const latency = calib.map((r) => Math.abs(r.latencyError));
  const energy = calib.flatMap((r) => (r.energyError === undefined ? [] : [Math.abs(r.energyError)]));
  const result = { latencyWorst: Math.max(...latency), latencyMedian: median(latency), energyWorst: Math.max(...energy) };
  return { ...result, pass: result.latencyWorst <= 0.25 && result.latencyMedian <= 0.15 && result.energyWorst <= 0.3 };
}

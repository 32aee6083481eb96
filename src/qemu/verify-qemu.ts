/**
 * The `--qemu CORE` half of `edgec verify`: builds the C of an output directory (the files on
 * disk, as the host path does) into the board's image, runs the verify inputs in QEMU and
 * returns the outputs for the bit-exact comparison together with what the target measured: the
 * model's sections, instructions per inference and per MAC, and per layer the QEMU count beside
 * the cost model's estimate for a representative MCU of that core (boards.ts `costTarget`).
 *
 * Instructions are not cycles: QEMU counts executed instructions, the cost model predicts cycles
 * on a real part (wait states, multi-cycle loads and MACs). The ratio shows where the model and
 * our own kernels disagree, layer by layer.
 */
import { planArena } from '../codegen/plan-arena.js';
import type { IntData } from '../codegen/host-build.js';
import { estimateModelCost } from '../cost/estimate-model.js';
import type { ModelCost } from '../cost/model-cost.js';
import { EdgecError } from '../errors.js';
import type { QModel } from '../quant/qmodel.js';
import { constBytes, packedWeightBytes } from '../report/compress-report.js';
import { emittedFromDir } from '../pipeline/run-compiled.js';
import { loadTarget } from '../targets/load-targets.js';
import { boardOf, type QemuCore } from './boards.js';
import type { SectionSizes } from './parse-map.js';
import { runInQemu, type QemuRunOptions } from './run-image.js';

export interface QemuLayerReport {
  index: number;
  name: string;
  op: string;
  macs: number;
  /** Mean over the inputs of the instructions QEMU executed for the layer. */
  instructions: number;
  instructions_per_mac: number | null;
  /** The cost model's cycles for the layer on `cost_target`; null when no estimate. */
  estimated_cycles: number | null;
}

export interface QemuReport {
  core: QemuCore;
  machine: string;
  compiler: string;
  /** Instructions per SysTick tick: the resolution of each count. */
  resolution: number;
  /** The model's own sections in the image (NAME.c and kernels), and the whole image's. */
  sizes: { model: SectionSizes; image: SectionSizes };
  /** Packed weight bytes and all constant bytes (weights, biases, requantization, tables). */
  weight_bytes: number;
  const_bytes: number;
  macs: number;
  instructions: { mean: number; min: number; max: number; per_mac: number | null };
  /** The whole call minus its layers: copying inputs into and outputs out of the arena. */
  boundary_instructions: number;
  /** targets/<id>.json the estimates are for, and why there are none (else null). */
  cost_target: string;
  cost_error: string | null;
  estimated_cycles: number | null;
  /** Empty when the C has no EDGEC_LAYER_HOOK calls (emitted by an older edgec). */
  layers: QemuLayerReport[];
}

export interface QemuVerifyOptions extends QemuRunOptions {
  /** Extra compiler flags for the model's sources. */
  flags?: string[];
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : 0);

function costOf(model: QModel, target: string): { cost: ModelCost | null; error: string | null } {
  try {
    return { cost: estimateModelCost(model, loadTarget(target), { arenaBytes: planArena(model).arenaSize }), error: null };
  } catch (e) {
    // The measurement stands on its own: an estimate the cost model cannot make is reported as
    // such (the reason in cost_error) rather than failing the verification.
    if (e instanceof EdgecError) return { cost: null, error: e.message };
    throw e;
  }
}

export function verifyInQemu(dir: string, name: string, model: QModel, inputs: IntData[][], core: QemuCore, options: QemuVerifyOptions = {}): { outputs: IntData[][]; report: QemuReport } {
  const board = boardOf(core);
  const run = runInQemu(emittedFromDir(dir, name, model), core, inputs, options);
  const { cost, error } = costOf(model, board.costTarget);
  const macsOf = (i: number) => cost?.layers[i]?.macs ?? 0;
  const perLayer = (i: number) => Math.round(mean(run.counts.map((c) => c.layers[i] ?? 0)));
  // C emitted before EDGEC_LAYER_HOOK existed times only the whole call: no per-layer rows.
  const timed = run.counts.every((c) => c.layers.length === model.layers.length);
  const layers: QemuLayerReport[] = !timed ? [] : model.layers.map((layer, i) => ({
    index: i,
    name: layer.name,
    op: layer.op,
    macs: macsOf(i),
    instructions: perLayer(i),
    instructions_per_mac: macsOf(i) > 0 ? round2(perLayer(i) / macsOf(i)) : null,
    estimated_cycles: cost?.layers[i]?.cycles ?? null,
  }));
  const totals = run.counts.map((c) => c.instructions);
  const macs = model.layers.reduce((s, _, i) => s + macsOf(i), 0);
  const meanTotal = Math.round(mean(totals));
  return {
    outputs: run.outputs,
    report: {
      core,
      machine: run.machine,
      compiler: run.compiler,
      resolution: run.resolution,
      sizes: { model: run.modelSizes, image: run.imageSizes },
      weight_bytes: model.layers.reduce((s, l) => s + packedWeightBytes(l), 0),
      const_bytes: model.layers.reduce((s, l) => s + constBytes(l), 0),
      macs,
      instructions: { mean: meanTotal, min: Math.min(...totals), max: Math.max(...totals), per_mac: macs > 0 ? round2(meanTotal / macs) : null },
      boundary_instructions: Math.round(mean(run.counts.map((c) => c.boundary))),
      cost_target: board.costTarget,
      cost_error: error,
      estimated_cycles: cost?.totals.cycles ?? null,
      layers,
    },
  };
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

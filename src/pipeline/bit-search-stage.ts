/**
 * The bit-width stage of `edgec compress`: which widths each layer gets, and the loop that
 * realizes them. With a preset (`--bits w4a8`...) the policy is bit-policy.ts's, with any
 * `--layer-bits` applied, realized once. With `--bits auto` the search (src/bits/search.ts) gives
 * a ladder of configurations; each is realized in turn (bias correction, quantization,
 * distillation: the caller's `realize`) and checked on the integer reference against fp32 on the
 * synthetic samples held out from the sensitivity measurements (CHECK_SAMPLES of them), until one
 * is within the search's proxy budget (its share of --max-drop: src/bits/search.ts PROXY_MARGIN)
 * (at most MAX_REALIZATIONS, distillation being the expensive part); every attempt is reported.
 */
import { UsageError } from '../errors.js';
import type { Graph } from '../ir/graph.js';
import type { QModel } from '../quant/qmodel.js';
import { dequantizeOutput, quantizeInput, runQModel } from '../quant/run-qmodel.js';
import { equalizeCrossLayer } from '../quant/cross-layer-equalization.js';
import type { ResolvedTarget } from '../targets/target.js';
import { compareOutputs, makeProbe } from '../bits/sensitivity.js';
import { checkLayerBits, type LayerBits } from '../bits/layer-bits.js';
import { DISTILLED_PROXY_SCALE, meetsDrop, searchBits, type Candidate } from '../bits/search.js';
import { synthesizeInputs } from '../distill/synthesize.js';
import { explainSearch, proxyReport, type BitSearchReport, type RealizationReport } from '../bits/explain.js';
import { chooseBits, type BitPolicy } from './bit-policy.js';
import { bitsSpec, type ResolvedCompressOptions } from './options.js';
import type { Samples } from './samples.js';
import { reportProgress } from './progress.js';

export const MAX_REALIZATIONS = 3;
/**
 * Held-out samples the realized model is checked on: the integer reference is exact but slow
 * (about 100x the fp32 engine on ResNet-8), and this check runs after every realization.
 */
export const CHECK_SAMPLES = 8;

export interface BitStageResult<R> {
  policy: BitPolicy;
  realized: R;
  /** report.json `bit_search` (absent for presets). */
  report?: BitSearchReport;
}

/** The preset's policy with --layer-bits applied. */
export function presetPolicy(graph: Graph, options: ResolvedCompressOptions, target: ResolvedTarget): BitPolicy {
  const spec = bitsSpec(options.bits);
  const policy = chooseBits(graph, spec.weightBits, options.uniformBits);
  if (!options.layerBits) return policy;
  const forced = checkLayerBits(options.layerBits, graph, target);
  if (forced !== undefined && forced !== spec.activation) {
    throw new UsageError(`--layer-bits asks a${forced === 'int16' ? 16 : 8} activations but --bits ${options.bits} has ${spec.activation}: activation widths are one per model`);
  }
  return withOverrides(policy, options.layerBits);
}

function withOverrides(policy: BitPolicy, overrides: LayerBits): BitPolicy {
  const perLayer = new Map(policy.perLayer);
  for (const [name, o] of overrides) if (o.weightBits !== undefined) perLayer.set(name, o.weightBits);
  return { ...policy, perLayer, overridden: [...overrides.keys()].filter((n) => overrides.get(n)!.weightBits !== undefined) };
}

function autoPolicy(c: Candidate): BitPolicy {
  return { rule: 'auto', weightBits: Math.min(8, ...c.assignment.values()) as 8 | 4 | 2, perLayer: new Map(c.assignment), eightBitLayers: [], activation: c.activation };
}

/** Seed offset of the check samples from --seed (the calibration samples use --seed itself). */
export const CHECK_SEED_OFFSET = 0x5eed;

/**
 * The samples a realized model is checked on. Distillation trains on every calibration sample, so
 * a check on them would flatter it: with synthetic calibration data (no --calib) the check gets
 * CHECK_SAMPLES of its own, synthesized with another seed; with --calib, held-out ones are not to
 * be had (the check then sees samples distillation used, and says so in the report).
 */
function checkSamples(graph: Graph, samples: Samples, options: ResolvedCompressOptions): Samples {
  if (options.calib !== undefined || !options.distill) return samples.filter((_, i) => i % 2 === 1).slice(0, CHECK_SAMPLES);
  return synthesizeInputs(graph, { count: CHECK_SAMPLES, seed: options.seed + CHECK_SEED_OFFSET, inputRange: options.inputRange, ...(options.signal ? { signal: options.signal } : {}) }).samples;
}

/** The integer reference's outputs on each sample, concatenated. */
export function integerOutputs(model: QModel, samples: Samples): Float32Array {
  const rows = samples.map((s) => dequantizeOutput(model, runQModel(model, [quantizeInput(model, s)])[0]!));
  const out = new Float32Array(rows.reduce((n, r) => n + r.length, 0));
  let at = 0;
  for (const r of rows) (out.set(r, at), (at += r.length));
  return out;
}

export async function chooseAndRealize<R extends { model: QModel }>(
  graph: Graph,
  samples: Samples | undefined,
  options: ResolvedCompressOptions,
  target: ResolvedTarget,
  stage: (what: string) => Promise<void>,
  realize: (policy: BitPolicy) => Promise<R>,
): Promise<BitStageResult<R>> {
  if (options.bits !== 'auto' || !samples || samples.length < 2 || graph.inputs.length !== 1) {
    // Without samples (multi-input models) there is nothing to measure: the w8a8 preset.
    const policy = presetPolicy(graph, options.bits === 'auto' ? { ...options, bits: 'w8a8' } : options, target);
    return { policy, realized: await realize(policy) };
  }
  const equalized = equalizeCrossLayer(graph).graph;
  const search = searchBits(equalized, samples, {
    target,
    objective: options.optimize,
    maxDrop: options.maxDrop,
    budgets: options.budgets,
    ...(options.layerBits ? { layerBits: options.layerBits } : {}),
    searchEnds: options.uniformBits,
    // Distillation recovers most of what the proxy measures before it (DISTILLED_PROXY_SCALE);
    // the check below holds the distilled model to --max-drop itself.
    proxyScale: options.distill ? DISTILLED_PROXY_SCALE : 1,
    onProgress: (what, step, total) => reportProgress(options, { stage: what, ...(step !== undefined && total !== undefined ? { step, total } : {}) }),
  });
  const holdout = checkSamples(graph, samples, options);
  const reference = holdout.length > 0 ? makeProbe(equalized, holdout) : undefined;
  const realizations: RealizationReport[] = [];
  let last: { policy: BitPolicy; realized: R; candidate: Candidate } | undefined;
  for (const candidate of search.ladder.slice(0, MAX_REALIZATIONS)) {
    await stage(`bit search: realizing ${candidate.label}`);
    const policy = autoPolicy(candidate);
    const realized = await realize(policy);
    last = { policy, realized, candidate };
    if (!reference) break;
    const proxy = compareOutputs(reference.reference, integerOutputs(realized.model, holdout), reference.classes);
    const met = meetsDrop(proxy, options.maxDrop);
    realizations.push({ label: candidate.label, proxy: proxyReport(proxy), meets_drop: met });
    if (met) break;
  }
  const { policy, realized, candidate } = last!;
  return { policy, realized, report: explainSearch(search, candidate, options.optimize, options.maxDrop, realizations) };
}

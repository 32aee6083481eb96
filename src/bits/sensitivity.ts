/**
 * The fast accuracy proxy of the bit-width search: the fp32 graph run on a batch of synthetic
 * samples with some layers' weights fake-quantized (per output channel, symmetric, exactly the
 * grid quant/weights.ts uses: train/fake-quant.ts), compared with the unquantized outputs. The
 * integer reference gives the same answer bit for bit but is far slower; a fake-quant fp32 run is
 * how ZeroQ and HAWQ measure sensitivity.
 *
 * The proxy, in points (so `--max-drop 1` reads as "one point of top-1"):
 * - classifiers (one output [N, C], C > 1): 100 x the mean total-variation distance between the
 *   fp32 and the quantized softmax. For any event, such as "the top class is right", the change
 *   of its probability is at most the TV distance, so the proxy bounds the change in the expected
 *   accuracy of the model's own predictive distribution; top-1 agreement and KL are reported too;
 * - other models: 100 x the output's normalised squared error (error energy / signal energy).
 *
 * Sensitivity of every weighted layer at every candidate width (ZeroQ, Cai et al. 2020, §3.3):
 * the proxy with only that layer quantized and every other layer left in fp32. The search treats
 * the sum over layers as a configuration's proxy (ZeroQ's Pareto frontier makes the same additive
 * assumption), then measures the real, non-additive proxy of the configurations it may pick.
 */
import { runGraph } from '../engine/run-graph.js';
import type { Graph } from '../ir/graph.js';
import { makeTensor, sizeOf, type Tensor } from '../ir/tensor.js';
import type { WeightBits } from '../quant/pack.js';
import { weightOf } from '../distill/qat/student.js';
import { fakeQuantizeWeights } from '../train/fake-quant.js';
import { withBatch } from '../train/batch.js';
import type { Samples } from '../pipeline/samples.js';

export interface ProxyMeasure {
  /** The proxy, points (see the header). */
  drop: number;
  /** Mean KL(fp32 || quantized) of the softmax outputs, nats (null: not a classifier). */
  kl: number | null;
  /** Fraction of samples whose top class is fp32's (null: not a classifier). */
  agreement: number | null;
}

export interface Probe {
  samples: number;
  /** Classes of a classifier's output, 0 for other models. */
  classes: number;
  /** The fp32 outputs, N rows. */
  reference: Float32Array;
  /** The proxy with these layers' weights fake-quantized (the rest stay fp32). */
  measure(assignment: ReadonlyMap<string, WeightBits>): ProxyMeasure;
}

/** Weighted nodes whose weights the probe can fake-quantize (Conv, Gemm, MatMul). */
export function probeableLayers(graph: Graph): Set<string> {
  return new Set(graph.nodes.filter((n) => weightOf(graph, n) !== undefined).map((n) => n.name));
}

export function makeProbe(graph: Graph, samples: Samples): Probe {
  const batched = withBatch(graph, samples.length);
  const input = batched.inputs[0]!;
  const data = new Float32Array(sizeOf(input.shape));
  const per = data.length / samples.length;
  samples.forEach((s, k) => data.set(s, k * per));
  const feeds = { [input.name]: makeTensor('float32', input.shape, data) };
  const outName = batched.outputs[0]!.name;
  const run = (g: Graph): Tensor => runGraph(g, feeds).get(outName)!;
  const reference = run(batched);
  const shape = reference.shape;
  const classifier = shape.length === 2 && (shape[1] ?? 1) > 1;
  const classes = classifier ? shape[1]! : 0;
  const cache = new Map<string, Tensor>();
  const nodes = new Map(batched.nodes.map((n) => [n.name, n]));

  const quantizedWeight = (layer: string, bits: WeightBits): Tensor | undefined => {
    const node = nodes.get(layer);
    const w = node && weightOf(batched, node);
    if (!w) return undefined;
    const key = `${w.name}@${bits}`;
    let t = cache.get(key);
    if (!t) {
      const original = batched.initializers.get(w.name)!;
      t = makeTensor('float32', original.shape, fakeQuantizeWeights(original, w.axis, bits).values);
      cache.set(key, t);
    }
    return t;
  };

  return {
    samples: samples.length,
    classes,
    reference: Float32Array.from(reference.data),
    measure(assignment) {
      const initializers = new Map(batched.initializers);
      for (const [layer, bits] of assignment) {
        const node = nodes.get(layer);
        const w = node && weightOf(batched, node);
        const q = quantizedWeight(layer, bits);
        if (w && q) initializers.set(w.name, q);
      }
      return compareOutputs(reference.data, run({ ...batched, initializers }).data, classes);
    },
  };
}

/** The proxy of `outputs` against `reference` (N rows of `classes` logits; classes 0: not a classifier). */
export function compareOutputs(reference: ArrayLike<number>, outputs: ArrayLike<number>, classes: number): ProxyMeasure {
  return classes > 1 ? compareClassifier(softmaxRows(reference, classes), softmaxRows(outputs, classes), classes) : compareRegression(reference, outputs);
}

function softmaxRows(x: ArrayLike<number>, classes: number): Float64Array {
  const p = new Float64Array(x.length);
  for (let r = 0; r < x.length; r += classes) {
    let max = -Infinity;
    for (let c = 0; c < classes; c++) max = Math.max(max, x[r + c]!);
    let sum = 0;
    for (let c = 0; c < classes; c++) sum += p[r + c] = Math.exp(x[r + c]! - max);
    for (let c = 0; c < classes; c++) p[r + c] = p[r + c]! / sum;
  }
  return p;
}

function argmax(p: Float64Array, start: number, n: number): number {
  let best = 0;
  for (let i = 1; i < n; i++) if (p[start + i]! > p[start + best]!) best = i;
  return best;
}

function compareClassifier(ref: Float64Array, q: Float64Array, classes: number): ProxyMeasure {
  const rows = ref.length / classes;
  let tv = 0;
  let kl = 0;
  let agree = 0;
  for (let r = 0; r < rows; r++) {
    const at = r * classes;
    for (let c = 0; c < classes; c++) {
      const a = ref[at + c]!;
      const b = q[at + c]!;
      tv += Math.abs(a - b) / 2;
      if (a > 0) kl += a * Math.log(a / Math.max(b, 1e-30));
    }
    if (argmax(ref, at, classes) === argmax(q, at, classes)) agree++;
  }
  return { drop: (100 * tv) / rows, kl: kl / rows, agreement: agree / rows };
}

function compareRegression(ref: ArrayLike<number>, q: ArrayLike<number>): ProxyMeasure {
  let signal = 0;
  let noise = 0;
  for (let i = 0; i < ref.length; i++) {
    signal += ref[i]! * ref[i]!;
    noise += (ref[i]! - q[i]!) ** 2;
  }
  return { drop: signal > 0 ? (100 * noise) / signal : 0, kl: null, agreement: null };
}

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
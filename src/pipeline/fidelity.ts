/**
 * How close the integer model is to the fp32 one, tensor by tensor: for each evaluation input the
 * fp32 engine computes every value (runGraph keepAll) and the integer reference every quantized
 * tensor; each tensor's dequantized integers are compared with the fp32 value of the same name.
 * The per-layer SQNR in report.json and the output fidelity come from here; both use only the
 * evaluation inputs the pipeline draws (never test data).
 */
import { runGraph } from '../engine/run-graph.js';
import type { Graph } from '../ir/graph.js';
import { makeTensor, type Tensor } from '../ir/tensor.js';
import type { IntTensorData } from '../quant/integer-facet.js';
import type { QModel, QTensor } from '../quant/qmodel.js';
import { sqnrDb } from '../report/compress-report.js';
import type { Feed } from './samples.js';

/** Runs the integer reference on one sample (float, quantized inside) and returns every tensor. */
export type IntegerRunner = (inputs: Map<string, Float32Array>) => Map<string, IntTensorData>;

export interface Fidelity {
  /** Tensor name -> SQNR in dB (null: exact). */
  sqnrDb: Map<string, number | null>;
  /** Over the graph outputs. */
  outputSqnrDb: number | null;
  maxAbsError: number;
}

export function dequantize(q: ArrayLike<number>, t: Pick<QTensor, 'scale' | 'zeroPoint'>): Float32Array {
  const out = new Float32Array(q.length);
  for (let i = 0; i < q.length; i++) out[i] = t.scale * (q[i]! - t.zeroPoint);
  return out;
}

/** Accumulated signal and noise energy of one tensor over several samples. */
class Energy {
  signal = 0;
  noise = 0;
  maxAbs = 0;

  add(reference: ArrayLike<number>, approx: ArrayLike<number>): void {
    for (let i = 0; i < reference.length; i++) {
      const d = reference[i]! - approx[i]!;
      this.signal += reference[i]! * reference[i]!;
      this.noise += d * d;
      this.maxAbs = Math.max(this.maxAbs, Math.abs(d));
    }
  }
}

export function measureFidelity(graph: Graph, model: QModel, feeds: Feed[], runInteger: IntegerRunner): Fidelity {
  const energies = new Map<string, Energy>();
  const outputs = new Energy();
  const outputNames = new Set(model.outputs);
  for (const feed of feeds) {
    const fp32 = runGraph(graph, floatFeeds(graph, feed), { keepAll: true });
    const ints = runInteger(feed);
    for (const [name, q] of ints) {
      const t = model.tensors.get(name);
      const reference = fp32.get(name);
      if (!t || !reference || reference.data.length !== q.length) continue;
      const approx = dequantize(q, t);
      let e = energies.get(name);
      if (!e) energies.set(name, (e = new Energy()));
      e.add(reference.data, approx);
      if (outputNames.has(name)) outputs.add(reference.data, approx);
    }
  }
  const sqnr = new Map<string, number | null>();
  for (const [name, e] of energies) sqnr.set(name, sqnrDb(e.signal, e.noise));
  return { sqnrDb: sqnr, outputSqnrDb: sqnrDb(outputs.signal, outputs.noise), maxAbsError: outputs.maxAbs };
}

/** A feed as the fp32 engine takes it. */
export function floatFeeds(graph: Graph, feed: Feed): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  for (const input of graph.inputs) out[input.name] = makeTensor('float32', input.shape, feed.get(input.name)!);
  return out;
}

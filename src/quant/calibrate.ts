/**
 * Activation calibration: runs the fp32 graph (engine/run-graph.ts, keepAll) on calibration
 * inputs and records each value's range with an observer (quant/observers.ts). Inputs are drawn
 * from a seeded uniform distribution on `inputRange` (default [0, 1]), or taken from user data
 * (a .npy whose first axis indexes samples, for a model with one input). The data-free path never
 * reads files: data comes only from the caller.
 */
import { runGraph } from '../engine/run-graph.js';
import { UsageError } from '../errors.js';
import type { Graph } from '../ir/graph.js';
import { makeTensor, sizeOf, type Tensor } from '../ir/tensor.js';
import { rng } from '../util/random.js';
import { RangeObserver, type ObserverKind } from './observers.js';

export interface CalibrationOptions {
  observer: ObserverKind;
  inputRange: [number, number];
  /** Random samples drawn when no data is given. */
  samples: number;
  seed: number;
  /** User data: shape [S, ...input shape without batch] or exactly the input's shape. */
  data?: Tensor;
  /** Names the data's origin in messages and the description ("calib.npy"). */
  dataName?: string;
}

export interface Calibration {
  ranges: Map<string, [number, number]>;
  /** For QModel.calibration and the report. */
  description: string;
}

/** The calibration inputs: one feed per sample. */
function calibrationFeeds(graph: Graph, o: CalibrationOptions): Record<string, Tensor>[] {
  if (o.data) {
    const input = graph.inputs[0]!;
    if (graph.inputs.length !== 1) throw new UsageError(`calibration data ${o.dataName ?? ''}: the model has ${graph.inputs.length} inputs; data is supported for one`);
    const size = sizeOf(input.shape);
    if (o.data.data.length % size !== 0 || o.data.data.length === 0) {
      throw new UsageError(`calibration data ${o.dataName ?? ''} of shape [${o.data.shape.join(', ')}] does not hold whole inputs of shape [${input.shape.join(', ')}]`);
    }
    const feeds: Record<string, Tensor>[] = [];
    for (let s = 0; s * size < o.data.data.length; s++) {
      feeds.push({ [input.name]: makeTensor('float32', input.shape, o.data.data.subarray(s * size, (s + 1) * size)) });
    }
    return feeds;
  }
  const random = rng(o.seed);
  const [lo, hi] = o.inputRange;
  return Array.from({ length: o.samples }, () => {
    const feed: Record<string, Tensor> = {};
    for (const input of graph.inputs) {
      const data = new Float32Array(sizeOf(input.shape));
      for (let i = 0; i < data.length; i++) data[i] = lo + (hi - lo) * random();
      feed[input.name] = makeTensor('float32', input.shape, data);
    }
    return feed;
  });
}

export function calibrate(graph: Graph, o: CalibrationOptions): Calibration {
  const observers = new Map<string, RangeObserver>();
  const feeds = calibrationFeeds(graph, o);
  for (const feed of feeds) {
    const values = runGraph(graph, feed, { keepAll: true });
    for (const [name, t] of values) {
      if (graph.initializers.has(name)) continue;
      let obs = observers.get(name);
      if (!obs) observers.set(name, (obs = new RangeObserver(o.observer)));
      obs.observe(t.data);
    }
  }
  const ranges = new Map<string, [number, number]>();
  for (const [name, obs] of observers) ranges.set(name, obs.range());
  const source = o.data ? `${feeds.length} samples from ${o.dataName ?? 'user data'}` : `${feeds.length} samples uniform on [${o.inputRange[0]}, ${o.inputRange[1]}], seed ${o.seed}`;
  return { ranges, description: `${source}, ${o.observer} observer` };
}

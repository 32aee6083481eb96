/**
 * Model inputs for calibration, evaluation and `verify`: split from a user's .npy file, or drawn
 * from a seeded uniform distribution (src/util/random.ts, so every run draws the same numbers).
 *
 * A .npy holds N samples of the model's (single) input, either as (N, ...input shape without its
 * batch dimension), as the shared test sets are stored, or as (N, ...full input shape), or as one
 * sample of exactly the input shape. Anything else is refused naming the flag and the shapes.
 */
import { UsageError } from '../errors.js';
import { readNpy } from '../data/npy.js';
import { sizeOf } from '../ir/tensor.js';
import type { ValueInfo } from '../ir/graph.js';
import { rng } from '../util/random.js';

/** One float32 array per sample, each of the input's element count, in ONNX layout. */
export type Samples = Float32Array[];

/** One sample of every graph input, by input name. */
export type Feed = Map<string, Float32Array>;

export function samplesFromNpy(path: string, input: ValueInfo, flag: string): Samples {
  const t = readNpy(path);
  const want = input.shape;
  const per = sizeOf(want);
  const s = t.shape;
  const sameTail = (tail: readonly number[]) => tail.length === want.length - 1 && tail.every((d, i) => d === want[i + 1]);
  const sameFull = (tail: readonly number[]) => tail.length === want.length && tail.every((d, i) => d === want[i]);
  let count: number;
  if (sameFull(s)) count = 1;
  else if (s.length >= 1 && want[0] === 1 && (sameTail(s.slice(1)) || sameFull(s.slice(1)))) count = s[0]!;
  else {
    throw new UsageError(
      `${flag} ${path}: shape (${s.join(', ')}) does not hold samples of input "${input.name}" [${want.join('x')}] ` +
        `(expected (N, ${want.slice(1).join(', ')}))`,
    );
  }
  if (count === 0) throw new UsageError(`${flag} ${path}: holds no samples`);
  const out: Samples = [];
  for (let k = 0; k < count; k++) out.push(Float32Array.from(t.data.subarray(k * per, (k + 1) * per)));
  if (out.some((x) => x.some((v) => !Number.isFinite(v)))) throw new UsageError(`${flag} ${path}: holds NaN or infinite values`);
  return out;
}

/** `count` feeds of every input, drawn in input order from one seeded stream. */
export function uniformFeeds(inputs: readonly ValueInfo[], count: number, range: readonly [number, number], seed: number): Feed[] {
  const random = rng(seed);
  const [lo, hi] = range;
  return Array.from({ length: count }, () => {
    const feed: Feed = new Map();
    for (const input of inputs) {
      const x = new Float32Array(sizeOf(input.shape));
      for (let i = 0; i < x.length; i++) x[i] = lo + (hi - lo) * random();
      feed.set(input.name, x);
    }
    return feed;
  });
}

/** Feeds of a single-input model from its samples. */
export function feedsOf(input: ValueInfo, samples: Samples): Feed[] {
  return samples.map((s) => new Map([[input.name, s]]));
}

/** The single graph input a .npy file can feed (multi-input models use generated inputs). */
export function singleInput(inputs: readonly ValueInfo[], flag: string, source: string): ValueInfo {
  if (inputs.length !== 1) throw new UsageError(`${flag}: ${source} has ${inputs.length} inputs; a .npy file can feed only a single-input model`);
  return inputs[0]!;
}

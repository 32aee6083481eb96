/**
 * Reference sliding-window kernels over any number of spatial axes (3-D Conv, ConvTranspose,
 * MaxPool, AveragePool; also integer and float64 MaxPool of any rank). Plain loops over flattened
 * spatial indices: every output position lists the kernel taps that land inside the input once,
 * then each channel and image reuses that list. The fast 1-D/2-D kernels (conv2d.ts, pool2d.ts,
 * conv-transpose2d.ts) stay the path MCU-sized models take; these exist for correctness, not speed.
 */

/** A resolved window over `inSize`: one entry per spatial axis in every list. */
export interface WindowNd {
  inSize: readonly number[];
  outSize: readonly number[];
  kernel: readonly number[];
  strides: readonly number[];
  dilations: readonly number[];
  padBegin: readonly number[];
  padEnd: readonly number[];
}

/** Row-major strides of a shape, and its element count. */
function stridesOf(shape: readonly number[]): { strides: number[]; count: number } {
  const strides = new Array<number>(shape.length);
  let count = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = count;
    count *= shape[i]!;
  }
  return { strides, count };
}

/** Per-axis coordinates of flat row-major index `flat` of `shape`, written into `coords`. */
function unflatten(flat: number, shape: readonly number[], coords: number[]): void {
  for (let i = shape.length - 1; i >= 0; i--) {
    coords[i] = flat % shape[i]!;
    flat = Math.floor(flat / shape[i]!);
  }
}

/**
 * The taps of the window at output position `outFlat` (or, for ConvTranspose, input position) that
 * fall in [lo, hi) on every axis: tap indices into the flattened kernel and the matching flat
 * offsets (from `lo`) into the row-major `target` grid the taps land in.
 */
function tapsAt(
  w: WindowNd,
  position: readonly number[],
  lo: readonly number[],
  hi: readonly number[],
  target: readonly number[],
): { taps: number[]; offsets: number[] } {
  const rank = w.kernel.length;
  const { strides: targetStrides } = stridesOf(target);
  const { count: kernelCount } = stridesOf(w.kernel);
  const k = new Array<number>(rank);
  const taps: number[] = [];
  const offsets: number[] = [];
  for (let t = 0; t < kernelCount; t++) {
    unflatten(t, w.kernel, k);
    let offset = 0;
    let inside = true;
    for (let i = 0; i < rank && inside; i++) {
      const at = position[i]! * w.strides[i]! - w.padBegin[i]! + k[i]! * w.dilations[i]!;
      inside = at >= lo[i]! && at < hi[i]!;
      offset += (at - lo[i]!) * targetStrides[i]!;
    }
    if (inside) {
      taps.push(t);
      offsets.push(offset);
    }
  }
  return { taps, offsets };
}

/** Calls `visit` with the in-input taps of every output position of the window. */
function forEachWindow(w: WindowNd, visit: (outFlat: number, taps: number[], offsets: number[], position: number[]) => void): void {
  const zeros = w.inSize.map(() => 0);
  const position = new Array<number>(w.outSize.length);
  const { count } = stridesOf(w.outSize);
  for (let o = 0; o < count; o++) {
    unflatten(o, w.outSize, position);
    const { taps, offsets } = tapsAt(w, position, zeros, w.inSize, w.inSize);
    visit(o, taps, offsets, position);
  }
}

/** out (N, M, out...) = conv(input (N, C, in...), weight (M, C/groups, k...)) + bias (M). */
export function convNdReference(
  out: Float32Array,
  input: Float32Array,
  weight: Float32Array,
  bias: Float32Array | undefined,
  dims: { batch: number; inChannels: number; outChannels: number; groups: number },
  w: WindowNd,
): void {
  const groupIn = dims.inChannels / dims.groups;
  const groupOut = dims.outChannels / dims.groups;
  const inCount = stridesOf(w.inSize).count;
  const outCount = stridesOf(w.outSize).count;
  const kernelCount = stridesOf(w.kernel).count;
  forEachWindow(w, (o, taps, offsets) => {
    for (let n = 0; n < dims.batch; n++) {
      for (let m = 0; m < dims.outChannels; m++) {
        const g = Math.floor(m / groupOut);
        let sum = bias ? bias[m]! : 0;
        for (let c = 0; c < groupIn; c++) {
          const plane = (n * dims.inChannels + g * groupIn + c) * inCount;
          const filter = (m * groupIn + c) * kernelCount;
          for (let j = 0; j < taps.length; j++) sum += input[plane + offsets[j]!]! * weight[filter + taps[j]!]!;
        }
        out[(n * dims.outChannels + m) * outCount + o] = sum;
      }
    }
  });
}

/**
 * out (N, M, out...) = convTranspose(input (N, C, in...), weight (C, M/groups, k...)) + bias (M):
 * each input position scatters through the kernel; `w.inSize` is the ConvTranspose input and
 * `w.outSize` its output. Accumulated in double and rounded once.
 */
export function convTransposeNdReference(
  out: Float32Array,
  input: Float32Array,
  weight: Float32Array,
  bias: Float32Array | undefined,
  dims: { batch: number; inChannels: number; outChannels: number; groups: number },
  w: WindowNd,
): void {
  const groupIn = dims.inChannels / dims.groups;
  const groupOut = dims.outChannels / dims.groups;
  const inCount = stridesOf(w.inSize).count;
  const outCount = stridesOf(w.outSize).count;
  const kernelCount = stridesOf(w.kernel).count;
  const acc = new Float64Array(out.length);
  const zeros = w.outSize.map(() => 0);
  const position = new Array<number>(w.inSize.length);
  for (let p = 0; p < inCount; p++) {
    unflatten(p, w.inSize, position);
    const { taps, offsets } = tapsAt(w, position, zeros, w.outSize, w.outSize);
    for (let n = 0; n < dims.batch; n++) {
      for (let c = 0; c < dims.inChannels; c++) {
        const x = input[(n * dims.inChannels + c) * inCount + p]!;
        const g = Math.floor(c / groupIn);
        for (let mg = 0; mg < groupOut; mg++) {
          const plane = (n * dims.outChannels + g * groupOut + mg) * outCount;
          const filter = (c * groupOut + mg) * kernelCount;
          for (let j = 0; j < taps.length; j++) acc[plane + offsets[j]!]! += x * weight[filter + taps[j]!]!;
        }
      }
    }
  }
  for (let i = 0; i < out.length; i++) out[i] = acc[i]! + (bias ? bias[Math.floor(i / outCount) % dims.outChannels]! : 0);
}

/**
 * out (planes, out...) = max over each window of input (planes, in...), for any element type (max
 * is exact). Strictly greater wins, so the first maximum is kept and NaN never wins, as in
 * onnxruntime; a window meeting no input gives `lowest`. `indices`, when given, receive the flat
 * index of the maximum in the whole input, spatial axes row-major, or with `columnMajor` reversed.
 */
export function maxPoolNdReference(
  out: Float32Array | Float64Array,
  indices: Float64Array | undefined,
  input: Float32Array | Float64Array,
  planes: number,
  w: WindowNd,
  lowest: number,
  columnMajor = false,
): void {
  const inCount = stridesOf(w.inSize).count;
  const outCount = stridesOf(w.outSize).count;
  const reversed = stridesOf([...w.inSize].reverse()).strides.reverse();
  const coords = new Array<number>(w.inSize.length);
  forEachWindow(w, (o, _taps, offsets) => {
    for (let p = 0; p < planes; p++) {
      const plane = p * inCount;
      let best = lowest;
      let bestAt = -1;
      for (const offset of offsets) {
        const v = input[plane + offset]!;
        if (v > best) {
          best = v;
          bestAt = offset;
        }
      }
      out[p * outCount + o] = best;
      if (!indices) continue;
      let index = bestAt;
      if (columnMajor && bestAt >= 0) {
        unflatten(bestAt, w.inSize, coords);
        index = coords.reduce((sum, c, i) => sum + c * reversed[i]!, 0);
      }
      indices[p * outCount + o] = bestAt < 0 ? -1 : plane + index;
    }
  });
}

/**
 * out (planes, out...) = mean over each window of input (planes, in...). The divisor counts the
 * taps inside the input, or with `countIncludePad` also those in the explicit padding (never those
 * past it, which ceil_mode can add).
 */
export function averagePoolNdReference(out: Float32Array, input: Float32Array, planes: number, w: WindowNd, countIncludePad: boolean): void {
  const inCount = stridesOf(w.inSize).count;
  const outCount = stridesOf(w.outSize).count;
  const padLo = w.padBegin.map((p) => -p);
  const padHi = w.inSize.map((n, i) => n + w.padEnd[i]!);
  forEachWindow(w, (o, _taps, offsets, position) => {
    const count = countIncludePad ? tapsAt(w, position, padLo, padHi, w.inSize).taps.length : offsets.length;
    for (let p = 0; p < planes; p++) {
      const plane = p * inCount;
      let sum = 0;
      for (const offset of offsets) sum += input[plane + offset]!;
      out[p * outCount + o] = count > 0 ? sum / count : NaN;
    }
  });
}

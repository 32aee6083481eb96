/**
 * 2-D pooling (1-D is the same with height 1) over flat (planes, H, W) Float32Arrays, where a plane
 * is one channel of one image (N*C planes). Windows may be dilated and padded; padding never
 * contributes a value (max ignores it, average counts it only with count_include_pad).
 */
import { wasmAveragePool2dForward, wasmMaxPool2dForward } from './wasm/pool2d-wasm.js';

export interface Pool2dShape {
  /** batch * channels */
  planes: number;
  inHeight: number;
  inWidth: number;
  outHeight: number;
  outWidth: number;
  kernelHeight: number;
  kernelWidth: number;
  strideHeight: number;
  strideWidth: number;
  dilationHeight: number;
  dilationWidth: number;
  padTop: number;
  padLeft: number;
  padBottom: number;
  padRight: number;
}

/** The lowest float32, which onnxruntime gives a window that meets no input. */
const LOWEST_FLOAT32 = -3.4028234663852886e38;

/** Taps [lo, hi) of a window starting at `start` whose positions fall inside [from, to). */
function tapRange(start: number, from: number, to: number, kernel: number, dilation: number): [number, number] {
  const lo = Math.min(kernel, Math.max(0, Math.ceil((from - start) / dilation)));
  const hi = Math.max(lo, Math.min(kernel, Math.floor((to - 1 - start) / dilation) + 1));
  return [lo, hi];
}

/** Per output index along one axis, the in-bounds tap range, as two Int32Arrays. */
function tapRanges(outLen: number, stride: number, pad: number, from: number, to: number, kernel: number, dilation: number): [Int32Array, Int32Array] {
  const lo = new Int32Array(outLen);
  const hi = new Int32Array(outLen);
  for (let o = 0; o < outLen; o++) [lo[o], hi[o]] = tapRange(o * stride - pad, from, to, kernel, dilation);
  return [lo, hi];
}

/**
 * out (planes, oH, oW) = max over each window of input (planes, H, W). When `indices` is given it
 * receives, per output, the flat index of the (first) maximum in the whole input tensor:
 * plane * H * W + h * W + w, or plane * H * W + w * H + h when `columnMajor` (storage_order 1).
 */
export function maxPool2dForward(
  out: Float32Array,
  indices: Float64Array | undefined,
  input: Float32Array,
  s: Pool2dShape,
  columnMajor: boolean,
): void {
  // The WebAssembly kernel on worker threads when built (wasm/); it does not produce indices.
  if (!indices && wasmMaxPool2dForward(out, input, s)) return;
  const { inHeight: H, inWidth: W, outHeight: oH, outWidth: oW } = s;
  const [khLo, khHi] = tapRanges(oH, s.strideHeight, s.padTop, 0, H, s.kernelHeight, s.dilationHeight);
  const [kwLo, kwHi] = tapRanges(oW, s.strideWidth, s.padLeft, 0, W, s.kernelWidth, s.dilationWidth);
  for (let p = 0; p < s.planes; p++) {
    const plane = p * H * W;
    for (let oh = 0; oh < oH; oh++) {
      const ih0 = oh * s.strideHeight - s.padTop;
      for (let ow = 0; ow < oW; ow++) {
        const iw0 = ow * s.strideWidth - s.padLeft;
        let best = LOWEST_FLOAT32;
        let bestH = -1;
        let bestW = -1;
        for (let kh = khLo[oh]!; kh < khHi[oh]!; kh++) {
          const ih = ih0 + kh * s.dilationHeight;
          for (let kw = kwLo[ow]!; kw < kwHi[ow]!; kw++) {
            const iw = iw0 + kw * s.dilationWidth;
            const v = input[plane + ih * W + iw]!;
            // Strictly greater: the first maximum wins and NaN never does, as in onnxruntime.
            if (v > best) {
              best = v;
              bestH = ih;
              bestW = iw;
            }
          }
        }
        const o = (p * oH + oh) * oW + ow;
        out[o] = best;
        if (indices) indices[o] = plane + (columnMajor ? bestW * H + bestH : bestH * W + bestW);
      }
    }
  }
}

/**
 * out (planes, oH, oW) = mean over each window of input (planes, H, W). The divisor counts the taps
 * inside the input, or with `countIncludePad` also those in the explicit padding (never those past
 * it, which ceil_mode can add).
 */
export function averagePool2dForward(out: Float32Array, input: Float32Array, s: Pool2dShape, countIncludePad: boolean): void {
  if (wasmAveragePool2dForward(out, input, s, countIncludePad)) return;
  const { inHeight: H, inWidth: W, outHeight: oH, outWidth: oW } = s;
  const [khLo, khHi] = tapRanges(oH, s.strideHeight, s.padTop, 0, H, s.kernelHeight, s.dilationHeight);
  const [kwLo, kwHi] = tapRanges(oW, s.strideWidth, s.padLeft, 0, W, s.kernelWidth, s.dilationWidth);
  const [phLo, phHi] = tapRanges(oH, s.strideHeight, s.padTop, -s.padTop, H + s.padBottom, s.kernelHeight, s.dilationHeight);
  const [pwLo, pwHi] = tapRanges(oW, s.strideWidth, s.padLeft, -s.padLeft, W + s.padRight, s.kernelWidth, s.dilationWidth);
  for (let p = 0; p < s.planes; p++) {
    const plane = p * H * W;
    for (let oh = 0; oh < oH; oh++) {
      const ih0 = oh * s.strideHeight - s.padTop;
      for (let ow = 0; ow < oW; ow++) {
        const iw0 = ow * s.strideWidth - s.padLeft;
        let sum = 0;
        for (let kh = khLo[oh]!; kh < khHi[oh]!; kh++) {
          const row = plane + (ih0 + kh * s.dilationHeight) * W + iw0;
          for (let kw = kwLo[ow]!; kw < kwHi[ow]!; kw++) sum += input[row + kw * s.dilationWidth]!;
        }
        const count = countIncludePad
          ? (phHi[oh]! - phLo[oh]!) * (pwHi[ow]! - pwLo[ow]!)
          : (khHi[oh]! - khLo[oh]!) * (kwHi[ow]! - kwLo[ow]!);
        out[(p * oH + oh) * oW + ow] = count > 0 ? sum / count : NaN;
      }
    }
  }
}

/** Planes x pixels below which the JavaScript loop is as quick as a kernel call. */
const WASM_GLOBAL_POOL_MIN = 16_384;

/** out (planes) = mean or max of each plane of input (planes, pixels). */
export function globalPoolForward(out: Float32Array, input: Float32Array, planes: number, pixels: number, kind: 'average' | 'max'): void {
  // The mean as an average pool whose one window is the whole plane (a row of `pixels`): on the
  // kernels' threads, summed in float32 as onnxruntime does (the loop below sums in double).
  if (kind === 'average' && planes * pixels >= WASM_GLOBAL_POOL_MIN) {
    const row: Pool2dShape = {
      planes, inHeight: 1, inWidth: pixels, outHeight: 1, outWidth: 1, kernelHeight: 1, kernelWidth: pixels,
      strideHeight: 1, strideWidth: 1, dilationHeight: 1, dilationWidth: 1, padTop: 0, padLeft: 0, padBottom: 0, padRight: 0,
    };
    if (wasmAveragePool2dForward(out, input, row, false)) return;
  }
  for (let p = 0; p < planes; p++) {
    const start = p * pixels;
    if (kind === 'average') {
      let sum = 0;
      for (let i = start; i < start + pixels; i++) sum += input[i]!;
      out[p] = sum / pixels;
    } else {
      let best = -Infinity;
      for (let i = start; i < start + pixels; i++) {
        const v = input[i]!;
        if (v > best || Number.isNaN(v)) best = v;
        if (Number.isNaN(best)) break;
      }
      out[p] = best;
    }
  }
}

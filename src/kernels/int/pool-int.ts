/**
 * Integer pooling, NCHW (planes = N*C, each H x W). The output has the input's scale and zero
 * point (the quantizer arranges it), so there is no requantization:
 * - max: the largest input of the window; padded taps are ignored (as -inf).
 * - average: sum / count, the integer division rounding half away from zero, as TFLite's int8
 *   AveragePool ((sum +- count/2) / count, C's truncating division); count is the number of real
 *   taps, or the full window with countIncludePad (padded taps then add the zero point).
 * Global average pool is the average over the whole plane (count = H * W).
 */
import type { Pool2dShape } from '../pool2d.js';
import type { IntData } from './conv-int.js';

/** The same window geometry as the fp32 pools (planes = batch * channels). */
export type PoolIntGeometry = Pool2dShape;

/** C's (sum + sign(sum) * (count / 2)) / count, truncating: rounds half away from zero. */
export function roundedDivide(sum: number, count: number): number {
  const half = Math.trunc(count / 2);
  return Math.trunc((sum >= 0 ? sum + half : sum - half) / count);
}

export function maxPoolInt(out: IntData, x: IntData, g: PoolIntGeometry): void {
  poolWindows(g, (p, o, taps) => {
    let best = -Infinity;
    for (const i of taps) if (x[p + i]! > best) best = x[p + i]!;
    out[o] = best;
  });
}

export function averagePoolInt(out: IntData, x: IntData, g: PoolIntGeometry, countIncludePad: boolean, zeroPoint: number): void {
  poolWindows(g, (p, o, taps, windowSize) => {
    let sum = 0;
    for (const i of taps) sum += x[p + i]!;
    const count = countIncludePad ? windowSize : taps.length;
    // Padded taps are real zeros, i.e. the zero point in the quantized domain.
    if (countIncludePad) sum += (windowSize - taps.length) * zeroPoint;
    out[o] = count > 0 ? roundedDivide(sum, count) : zeroPoint;
  });
}

export function globalAveragePoolInt(out: IntData, x: IntData, planes: number, pixels: number): void {
  for (let p = 0; p < planes; p++) {
    let sum = 0;
    for (let i = p * pixels; i < (p + 1) * pixels; i++) sum += x[i]!;
    out[p] = roundedDivide(sum, pixels);
  }
}

/**
 * Calls visit(planeBase, outIndex, tapOffsets, windowSize) per output element. Windows that
 * reach past the bottom/right edge (ceil_mode, trailing pads) keep only their in-range taps;
 * windowSize counts taps inside the explicitly padded input, never past it (ONNX's
 * count_include_pad divisor, as the fp32 kernel).
 */
function poolWindows(g: PoolIntGeometry, visit: (planeBase: number, outIndex: number, taps: number[], windowSize: number) => void): void {
  const planeSize = g.inHeight * g.inWidth;
  for (let p = 0; p < g.planes; p++) {
    for (let oy = 0; oy < g.outHeight; oy++) {
      for (let ox = 0; ox < g.outWidth; ox++) {
        const taps: number[] = [];
        let windowSize = 0;
        for (let ky = 0; ky < g.kernelHeight; ky++) {
          const iy = oy * g.strideHeight - g.padTop + ky * g.dilationHeight;
          for (let kx = 0; kx < g.kernelWidth; kx++) {
            const ix = ox * g.strideWidth - g.padLeft + kx * g.dilationWidth;
            const inPadded = iy >= -g.padTop && iy < g.inHeight + g.padBottom && ix >= -g.padLeft && ix < g.inWidth + g.padRight;
            if (inPadded) windowSize++;
            if (iy >= 0 && iy < g.inHeight && ix >= 0 && ix < g.inWidth) taps.push(iy * g.inWidth + ix);
          }
        }
        visit(p * planeSize, (p * g.outHeight + oy) * g.outWidth + ox, taps, windowSize);
      }
    }
  }
}

/**
 * Gradients of the pools of pool2d.ts over flat (planes, H, W) Float32Arrays. Max pooling routes
 * each output's gradient to the input its forward chose (the first maximum of the window, found
 * again the same way); average pooling spreads it evenly over the window's counted taps; the
 * global pools likewise over the whole plane. Plain loops, which are their own reference.
 */
import type { Pool2dShape } from './pool2d.js';
import { wasmAveragePool2dBackward, wasmMaxPool2dBackward } from './wasm/pool2d-wasm.js';

/** Taps [lo, hi) of a window starting at `start` that fall inside [from, to) (as pool2d.ts). */
function tapRange(start: number, from: number, to: number, kernel: number, dilation: number): [number, number] {
  const lo = Math.min(kernel, Math.max(0, Math.ceil((from - start) / dilation)));
  const hi = Math.max(lo, Math.min(kernel, Math.floor((to - 1 - start) / dilation) + 1));
  return [lo, hi];
}

/** dx (planes, H, W) from dy (planes, oH, oW): each gradient goes to its window's first maximum. */
export function maxPool2dBackward(dx: Float32Array, dy: Float32Array, input: Float32Array, s: Pool2dShape): void {
  // The WebAssembly kernels on worker threads when built (wasm/), else the TypeScript here.
  if (wasmMaxPool2dBackward(dx, dy, input, s)) return;
  const { inHeight: H, inWidth: W, outHeight: oH, outWidth: oW } = s;
  const acc = new Float64Array(dx.length);
  for (let p = 0; p < s.planes; p++) {
    const plane = p * H * W;
    for (let oh = 0; oh < oH; oh++) {
      const ih0 = oh * s.strideHeight - s.padTop;
      const [khLo, khHi] = tapRange(ih0, 0, H, s.kernelHeight, s.dilationHeight);
      for (let ow = 0; ow < oW; ow++) {
        const iw0 = ow * s.strideWidth - s.padLeft;
        const [kwLo, kwHi] = tapRange(iw0, 0, W, s.kernelWidth, s.dilationWidth);
        let best = -Infinity;
        let at = -1;
        for (let kh = khLo; kh < khHi; kh++) {
          const row = plane + (ih0 + kh * s.dilationHeight) * W + iw0;
          for (let kw = kwLo; kw < kwHi; kw++) {
            const i = row + kw * s.dilationWidth;
            // Strictly greater, as the forward: the first maximum wins.
            if (input[i]! > best) {
              best = input[i]!;
              at = i;
            }
          }
        }
        if (at >= 0) acc[at]! += dy[(p * oH + oh) * oW + ow]!;
      }
    }
  }
  dx.set(acc);
}

/** dx (planes, H, W) from dy (planes, oH, oW): dy / count to every tap the forward averaged. */
export function averagePool2dBackward(dx: Float32Array, dy: Float32Array, s: Pool2dShape, countIncludePad: boolean): void {
  if (wasmAveragePool2dBackward(dx, dy, s, countIncludePad)) return;
  const { inHeight: H, inWidth: W, outHeight: oH, outWidth: oW } = s;
  const acc = new Float64Array(dx.length);
  for (let p = 0; p < s.planes; p++) {
    const plane = p * H * W;
    for (let oh = 0; oh < oH; oh++) {
      const ih0 = oh * s.strideHeight - s.padTop;
      const [khLo, khHi] = tapRange(ih0, 0, H, s.kernelHeight, s.dilationHeight);
      const [phLo, phHi] = tapRange(ih0, -s.padTop, H + s.padBottom, s.kernelHeight, s.dilationHeight);
      for (let ow = 0; ow < oW; ow++) {
        const iw0 = ow * s.strideWidth - s.padLeft;
        const [kwLo, kwHi] = tapRange(iw0, 0, W, s.kernelWidth, s.dilationWidth);
        const [pwLo, pwHi] = tapRange(iw0, -s.padLeft, W + s.padRight, s.kernelWidth, s.dilationWidth);
        const count = countIncludePad ? (phHi - phLo) * (pwHi - pwLo) : (khHi - khLo) * (kwHi - kwLo);
        if (count <= 0) continue;
        const share = dy[(p * oH + oh) * oW + ow]! / count;
        for (let kh = khLo; kh < khHi; kh++) {
          const row = plane + (ih0 + kh * s.dilationHeight) * W + iw0;
          for (let kw = kwLo; kw < kwHi; kw++) acc[row + kw * s.dilationWidth]! += share;
        }
      }
    }
  }
  dx.set(acc);
}

/** dx (planes, pixels) from dy (planes): the mean's gradient spread evenly, the max's to its first maximum. */
export function globalPoolBackward(dx: Float32Array, dy: Float32Array, input: Float32Array, planes: number, pixels: number, kind: 'average' | 'max'): void {
  dx.fill(0);
  for (let p = 0; p < planes; p++) {
    const start = p * pixels;
    if (kind === 'average') {
      const share = dy[p]! / pixels;
      dx.fill(share, start, start + pixels);
      continue;
    }
    let at = start;
    for (let i = start + 1; i < start + pixels; i++) if (input[i]! > input[at]!) at = i;
    dx[at] = dy[p]!;
  }
}

/**
 * Shared pieces of the WebAssembly kernel tests: seeded arrays, random conv geometries, the
 * agreement check, double-precision inner products (for adjoint identities) and a way to run a
 * function under given EDGEC_* environment variables.
 */
import { expect } from 'vitest';
import type { Conv2dShape } from '../../src/kernels/conv2d.js';
import { rng } from '../helpers/random.js';

export function randomArray(n: number, seed: number): Float32Array {
  const r = rng(seed);
  return Float32Array.from({ length: n }, () => r() * 2 - 1);
}

/** max |got - want| <= relative x max(1, max |want|), and no NaN. */
export function expectAgree(got: Float32Array, want: Float32Array, relative = 1e-5): void {
  expect(got.length).toBe(want.length);
  let magnitude = 1;
  let worst = 0;
  for (let i = 0; i < want.length; i++) {
    magnitude = Math.max(magnitude, Math.abs(want[i]!));
    worst = Math.max(worst, Math.abs(got[i]! - want[i]!));
  }
  expect(Number.isNaN(worst)).toBe(false);
  expect(worst).toBeLessThanOrEqual(relative * magnitude);
}

/** sum a[i] * b[i] in double. */
export function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

export type GeometryKind = 'general' | 'depthwise' | 'pointwise';

/** A random valid conv geometry; `kind` forces one of the kernel's paths. */
export function randomConvGeometry(seed: number, kind: GeometryKind): Conv2dShape {
  const r = rng(seed);
  const pick = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const pointwise = kind === 'pointwise';
  const groups = kind === 'depthwise' ? pick(2, 6) : pick(1, 3);
  const inChannels = kind === 'depthwise' ? groups : groups * pick(1, 5);
  const s = {
    batch: pick(1, 9),
    inChannels,
    inHeight: pick(1, 14),
    inWidth: pick(1, 14),
    outChannels: groups * pick(1, 6),
    kernelHeight: pointwise ? 1 : pick(1, 4),
    kernelWidth: pointwise ? 1 : pick(1, 4),
    strideHeight: pointwise ? 1 : pick(1, 3),
    strideWidth: pointwise ? 1 : pick(1, 3),
    dilationHeight: pointwise ? 1 : pick(1, 2),
    dilationWidth: pointwise ? 1 : pick(1, 2),
    padTop: pointwise ? 0 : pick(0, 2),
    padLeft: pointwise ? 0 : pick(0, 2),
    groups,
  };
  const padBottom = pointwise ? 0 : pick(0, 2);
  const padRight = pointwise ? 0 : pick(0, 2);
  const out = (len: number, k: number, st: number, d: number, p: number) => Math.floor((len + p - (k - 1) * d - 1) / st) + 1;
  return {
    ...s,
    outHeight: Math.max(1, out(s.inHeight, s.kernelHeight, s.strideHeight, s.dilationHeight, s.padTop + padBottom)),
    outWidth: Math.max(1, out(s.inWidth, s.kernelWidth, s.strideWidth, s.dilationWidth, s.padLeft + padRight)),
  };
}

/** A group-1, 3x3, stride-1 conv shape, the class the Winograd kernels take; pad = [top, left, bottom, right]. */
export function winograd3x3Shape(batch: number, c: number, h: number, w: number, m: number, pad: [number, number, number, number]): Conv2dShape {
  const [top, left, bottom, right] = pad;
  return {
    batch, inChannels: c, inHeight: h, inWidth: w, outChannels: m,
    outHeight: h + top + bottom - 2, outWidth: w + left + right - 2,
    kernelHeight: 3, kernelWidth: 3, strideHeight: 1, strideWidth: 1, dilationHeight: 1, dilationWidth: 1,
    padTop: top, padLeft: left, groups: 1,
  };
}

/** Runs `fn` with the given environment variables set, restoring them afterwards. */
export function withEnv<T>(vars: Record<string, string>, fn: () => T): T {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  Object.assign(process.env, vars);
  try {
    return fn();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

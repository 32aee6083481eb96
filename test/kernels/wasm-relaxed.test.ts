/**
 * The relaxed-SIMD build of the WebAssembly kernels (wasm/build.mjs rewrites clang 14's f32x4.fma
 * to the standard f32x4.relaxed_madd; src/kernels/wasm/module.ts loads it when V8 accepts it):
 * - it is what the engine loads here (Node 20 + the flag module.ts sets), on the worker threads too
 *   (the conv tests' thread-count checks then run it);
 * - gemm_packed computes a * b + c with one rounding where the CPU has FMA, against exact BigInt
 *   arithmetic: (1 + 2^-12)^2 - 1 = 2^-11 + 2^-24 exactly, which mul-then-add rounds to 2^-11
 *   (the plain build must give that, so the test tells the two builds apart and checks the rewritten
 *   opcode's operand order);
 * - on a conv layer both builds agree to 1e-5 relative, the tolerance the kernel tests use.
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RELAXED_WASM_PATH, WASM_PATH, relaxedSimdSupported, wasmKernels } from '../../src/kernels/wasm/module.js';
import { expectAgree, randomArray } from './wasm-helpers.js';

const HAVE_FMA = readFileSync('/proc/cpuinfo', 'utf8').includes(' fma');
const built = existsSync(RELAXED_WASM_PATH);

type Exports = Record<string, (...args: number[]) => number>;

function instantiate(path: string): { exports: Exports; memory: WebAssembly.Memory; base: number } {
  const memory = new WebAssembly.Memory({ initial: 64, maximum: 32768, shared: true });
  const instance = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(path)), { env: { memory } });
  const base = (((instance.exports['__heap_base'] as WebAssembly.Global).value as number) + 15) & ~15;
  return { exports: instance.exports as unknown as Exports, memory, base };
}

/** C (m x n) = A (m x k) @ B (k x n) through pack_rows + gemm_packed of the module at `path`. */
function gemm(path: string, a: Float32Array, b: Float32Array, m: number, n: number, k: number): Float32Array {
  const { exports, memory, base } = instantiate(path);
  const panels = Math.ceil(n / 8) * 8 * k;
  const [pa, pb, pp, pc] = [base, base + 4 * a.length, base + 4 * (a.length + b.length), base + 4 * (a.length + b.length + panels)];
  new Float32Array(memory.buffer, pa, a.length).set(a);
  new Float32Array(memory.buffer, pb, b.length).set(b);
  exports['pack_rows']!(pp, pb, n, k, n);
  exports['gemm_packed']!(pc, n, pa, k, pp, m, n, k, 0);
  return new Float32Array(memory.buffer, pc, m * n).slice();
}

describe.skipIf(!built)('relaxed-SIMD WebAssembly kernels', () => {
  it('are supported by this Node (with the flag module.ts sets) and loaded by the engine', () => {
    expect(relaxedSimdSupported()).toBe(true);
    expect(wasmKernels()?.relaxed).toBe(process.env['EDGEC_RELAXED_SIMD'] !== '0');
  });

  it.skipIf(!HAVE_FMA)('fuse the multiply-add (one rounding), the plain build does not; exact values from BigInt', () => {
    // Row [-1, 1 + 2^-12] times columns [1; 1 + 2^-12]: -1 + (1 + 2^-12)^2, summed in ascending depth.
    const t = 2 ** -12;
    const a = Float32Array.from([-1, 1 + t, 1, 1]);
    const b = Float32Array.from({ length: 16 }, (_, i) => (i < 8 ? 1 : 1 + t));
    // Exact: (2^12 + 1)^2 - 2^24 over 2^24 = 2^13 + 1 over 2^24.
    const exact = Number((2n ** 12n + 1n) ** 2n - 2n ** 24n) / 2 ** 24;
    expect(exact).toBe(2 ** -11 + 2 ** -24);
    const fused = gemm(RELAXED_WASM_PATH, a, b, 2, 8, 2);
    const plain = gemm(WASM_PATH, a, b, 2, 8, 2);
    for (let j = 0; j < 8; j++) {
      expect(fused[j]).toBe(exact); // representable in float32: one rounding keeps it
      expect(plain[j]).toBe(2 ** -11); // the product rounded to 1 + 2^-11 first (ties to even)
      expect(fused[8 + j]).toBe(2 + t); // second row: 1 + (1 + 2^-12), the same in both
      expect(plain[8 + j]).toBe(2 + t);
    }
  });

  it('agree with the plain build to 1e-5 relative on a 3x3 conv-sized GEMM (64 x 1024 x 144)', () => {
    const [m, n, k] = [64, 1024, 144];
    const a = randomArray(m * k, 1);
    const b = randomArray(k * n, 2);
    expectAgree(gemm(RELAXED_WASM_PATH, a, b, m, n, k), gemm(WASM_PATH, a, b, m, n, k), 1e-5);
  });
});

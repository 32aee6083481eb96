/**
 * Loads edgec's WebAssembly SIMD kernels (C in wasm/src/, built into wasm/build/edgec-kernels.wasm
 * by `npm run build:wasm`, which `npm ci` runs through `prepare`) over one shared linear memory.
 * The main thread and every worker of ../parallel.ts instantiate the same compiled module over
 * that memory, so a batch is split across threads without copying it.
 *
 * The kernels are optional: without the built file, or with EDGEC_KERNELS=js, `wasmKernels()` is
 * undefined and every dispatcher falls back to the TypeScript kernel beside it. Loading is
 * synchronous (the engine's kernels are synchronous functions) and happens once, on first use.
 *
 * Two builds of the same C exist: edgec-kernels-relaxed.wasm uses relaxed SIMD's fused multiply-add
 * (f32x4.relaxed_madd, see madd in wasm/src/kernels.h) and is loaded when this Node's V8 accepts it
 * (Node 20 needs --experimental-wasm-relaxed-simd, set here through v8.setFlagsFromString before the
 * module is compiled; V8 flags are per process, so the workers' instances run it too). Its sums
 * may differ from the plain build's in the last bits. EDGEC_RELAXED_SIMD=0 keeps the plain build.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { useFloat32Heap } from '../../ir/buffer-pool.js';
import { residentHeapFor, type ResidentHeap } from './resident-heap.js';

/** 64 KiB pages the memory may grow to: 2 GiB, the --max-memory the module is linked with. */
export const MAX_PAGES = 32768;
const PAGE_BYTES = 65536;

/** The built module, at the same depth from src/kernels/wasm/ and dist/kernels/wasm/. */
export const WASM_PATH = fileURLToPath(new URL('../../../wasm/build/edgec-kernels.wasm', import.meta.url));
/** The relaxed-SIMD build beside it (absent when wasm/build.mjs found no clang >= 16). */
export const RELAXED_WASM_PATH = fileURLToPath(new URL('../../../wasm/build/edgec-kernels-relaxed.wasm', import.meta.url));

/** The exported kernels: pointers and sizes are i32; see wasm/src/kernels.h. */
export type KernelExports = Record<string, (...args: number[]) => void>;

export interface WasmKernels {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  /** The main thread's instance. */
  exports: KernelExports;
  /** First byte free for tensors (above the module's static data and stack). */
  heapBase: number;
  /** Whether this is the relaxed-SIMD (fused multiply-add) build. */
  relaxed: boolean;
  /** Where large tensors live in this memory (undefined with EDGEC_RESIDENT=0). */
  heap?: ResidentHeap | undefined;
}

let loaded: WasmKernels | undefined;
let tried = false;

/** Whether EDGEC_KERNELS asks for the TypeScript kernels only. */
export function wasmDisabled(): boolean {
  return process.env['EDGEC_KERNELS'] === 'js';
}

/**
 * A function (v128, v128, v128) -> v128 doing f32x4.relaxed_madd: validate() accepts it exactly
 * when the engine runs relaxed SIMD.
 */
const RELAXED_PROBE = Uint8Array.from([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  0x01, 0x08, 0x01, 0x60, 0x03, 0x7b, 0x7b, 0x7b, 0x01, 0x7b, // type: (v128 v128 v128) -> v128
  0x03, 0x02, 0x01, 0x00, // one function of that type
  0x0a, 0x0d, 0x01, 0x0b, 0x00, 0x20, 0x00, 0x20, 0x01, 0x20, 0x02, 0xfd, 0x85, 0x02, 0x0b, // local.get 0..2, relaxed_madd
]);

/** Whether relaxed SIMD can be used, turning on V8's flag for it first (Node 20 has it off). */
export function relaxedSimdSupported(): boolean {
  if (WebAssembly.validate(RELAXED_PROBE)) return true;
  setFlagsFromString('--experimental-wasm-relaxed-simd');
  return WebAssembly.validate(RELAXED_PROBE);
}

/** The build to load: the relaxed one when it is built, allowed and supported. */
function chooseBuild(): { path: string; relaxed: boolean } | undefined {
  if (process.env['EDGEC_RELAXED_SIMD'] !== '0' && existsSync(RELAXED_WASM_PATH) && relaxedSimdSupported()) {
    return { path: RELAXED_WASM_PATH, relaxed: true };
  }
  return existsSync(WASM_PATH) ? { path: WASM_PATH, relaxed: false } : undefined;
}

/** Instantiates `module` over `memory` (used by the worker threads too, in their own words). */
function instantiate(module: WebAssembly.Module, memory: WebAssembly.Memory): WebAssembly.Instance {
  return new WebAssembly.Instance(module, { env: { memory } });
}

/** The kernels, or undefined when they are disabled or not built. */
export function wasmKernels(): WasmKernels | undefined {
  if (wasmDisabled()) return undefined;
  if (tried) return loaded;
  tried = true;
  const build = chooseBuild();
  if (!build) return undefined;
  const module = new WebAssembly.Module(readFileSync(build.path));
  const memory = new WebAssembly.Memory({ initial: 64, maximum: MAX_PAGES, shared: true });
  const instance = instantiate(module, memory);
  const heapBase = (instance.exports['__heap_base'] as WebAssembly.Global).value as number;
  loaded = { module, memory, exports: instance.exports as unknown as KernelExports, heapBase: (heapBase + 15) & ~15, relaxed: build.relaxed };
  // From now on large float32 tensors live in this memory, where the kernels use them in place.
  loaded.heap = residentHeapFor(loaded);
  useFloat32Heap(loaded.heap);
  return loaded;
}

/**
 * Grows the memory to hold `bytes` from address 0; false when that is past MAX_PAGES, in which case
 * the caller falls back to TypeScript rather than fail.
 */
export function ensureMemory(kernels: WasmKernels, bytes: number): boolean {
  const pages = Math.ceil(bytes / PAGE_BYTES);
  if (pages > MAX_PAGES) return false;
  const have = kernels.memory.buffer.byteLength / PAGE_BYTES;
  if (pages > have) kernels.memory.grow(pages - have);
  return true;
}

/**
 * Loads edgec's WebAssembly SIMD kernels (C in wasm/src/, built into wasm/build/edgec-kernels.wasm
 * by `npm run build:wasm`, which `npm ci` runs through `prepare`) over one shared linear memory.
 * The main thread and every worker of ../parallel.ts instantiate the same compiled module over
 * that memory, so a batch is split across threads without copying it.
 *
 * The kernels are optional: without the built file, or with EDGEC_KERNELS=js, `wasmKernels()` is
 * undefined and every dispatcher falls back to the TypeScript kernel beside it. Loading is
 * synchronous (the engine's kernels are synchronous functions) and happens once, on first use.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** 64 KiB pages the memory may grow to: 2 GiB, the --max-memory the module is linked with. */
export const MAX_PAGES = 32768;
const PAGE_BYTES = 65536;

/** The built module, at the same depth from src/kernels/wasm/ and dist/kernels/wasm/. */
export const WASM_PATH = fileURLToPath(new URL('../../../wasm/build/edgec-kernels.wasm', import.meta.url));

/** The exported kernels: pointers and sizes are i32; see wasm/src/kernels.h. */
export type KernelExports = Record<string, (...args: number[]) => void>;

export interface WasmKernels {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  /** The main thread's instance. */
  exports: KernelExports;
  /** First byte free for tensors (above the module's static data and stack). */
  heapBase: number;
}

let loaded: WasmKernels | undefined;
let tried = false;

/** Whether EDGEC_KERNELS asks for the TypeScript kernels only. */
export function wasmDisabled(): boolean {
  return process.env['EDGEC_KERNELS'] === 'js';
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
  if (!existsSync(WASM_PATH)) return undefined;
  const module = new WebAssembly.Module(readFileSync(WASM_PATH));
  const memory = new WebAssembly.Memory({ initial: 64, maximum: MAX_PAGES, shared: true });
  const instance = instantiate(module, memory);
  const heapBase = (instance.exports['__heap_base'] as WebAssembly.Global).value as number;
  loaded = { module, memory, exports: instance.exports as unknown as KernelExports, heapBase: (heapBase + 15) & ~15 };
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

/**
 * Lays out one kernel call in the shared WebAssembly memory: a bump allocator that starts over on
 * every call (calls are synchronous and never nest). Reserve every region first, then `commit()`
 * grows the memory once and returns false when the call would not fit (the caller then falls back
 * to TypeScript); views are taken after the commit, since growing replaces the buffer.
 */
import { ensureMemory, type WasmKernels } from './module.js';

/** Byte alignment of every region: one 128-bit vector. */
const ALIGN = 16;

export class Arena {
  private next: number;

  constructor(private readonly kernels: WasmKernels) {
    this.next = kernels.heapBase;
  }

  /** Reserves room for `count` float32 (or int32) values; returns its byte address. */
  reserve(count: number): number {
    const at = this.next;
    this.next = at + Math.ceil((count * 4) / ALIGN) * ALIGN;
    return at;
  }

  /** Grows the memory to hold every reservation; false if that passes the module's maximum. */
  commit(): boolean {
    return ensureMemory(this.kernels, this.next);
  }

  /** A float32 view of `count` values at `address` (valid until the memory next grows). */
  floats(address: number, count: number): Float32Array {
    return new Float32Array(this.kernels.memory.buffer, address, count);
  }

  /** Copies `values` to `address`. */
  write(address: number, values: Float32Array | Int32Array): void {
    const view = values instanceof Float32Array
      ? new Float32Array(this.kernels.memory.buffer, address, values.length)
      : new Int32Array(this.kernels.memory.buffer, address, values.length);
    view.set(values);
  }

  /** Copies `count` floats at `address` into `out`. */
  read(out: Float32Array, address: number, count = out.length): void {
    out.set(new Float32Array(this.kernels.memory.buffer, address, count));
  }
}

/**
 * Lays out one kernel call in the shared WebAssembly memory: a bump allocator over the scratch
 * region (below resident-heap.ts's SCRATCH_END) that starts over on every call (calls are
 * synchronous and never nest). Reserve every region first, then `commit()` grows the memory once,
 * copies the inputs that are not resident in, and returns false when the call would not fit (the
 * caller then falls back to TypeScript); `finish()` copies the outputs that are not resident out.
 * Views are taken after the commit, since growing replaces the buffer.
 *
 * Tensors resident in the memory (resident-heap.ts) are used where they are: `input` and `output`
 * return their addresses and copy nothing.
 */
import { ensureMemory, type WasmKernels } from './module.js';
import { SCRATCH_END } from './resident-heap.js';

/** Byte alignment of every region: one 128-bit vector. */
const ALIGN = 16;

type Floats = Float32Array | Int32Array;

export class Arena {
  private next: number;
  private readonly copiesIn: { address: number; values: Floats }[] = [];
  private readonly copiesOut: { address: number; out: Float32Array }[] = [];
  /** [start, end) byte ranges of the resident inputs, which a resident output must not overlap. */
  private readonly inputRanges: [number, number][] = [];

  constructor(private readonly kernels: WasmKernels) {
    this.next = kernels.heapBase;
  }

  /** Reserves room for `count` float32 (or int32) values; returns its byte address. */
  reserve(count: number): number {
    const at = this.next;
    this.next = at + Math.ceil((count * 4) / ALIGN) * ALIGN;
    return at;
  }

  /** The address of `values` for a kernel to read: where it is if resident, else a region it is copied to at commit. */
  input(values: Floats): number {
    const at = this.kernels.heap?.addressOf(values);
    if (at !== undefined) {
      this.inputRanges.push([at, at + values.byteLength]);
      return at;
    }
    const address = this.reserve(values.length);
    this.copiesIn.push({ address, values });
    return address;
  }

  /**
   * The address a kernel writes `out` at: in place if resident, else a region copied out by
   * `finish()`. Unless the kernel allows it (`mayAlias`: elementwise kernels), an output
   * overlapping a resident input of the call gets a region of its own.
   */
  output(out: Float32Array, mayAlias = false): number {
    const at = this.kernels.heap?.addressOf(out);
    if (at !== undefined && (mayAlias || !this.inputRanges.some(([a, b]) => at < b && a < at + out.byteLength))) return at;
    const address = this.reserve(out.length);
    this.copiesOut.push({ address, out });
    return address;
  }

  /** Grows the memory to hold every reservation and copies the inputs in; false if it does not fit. */
  commit(): boolean {
    // With resident tensors above it, scratch stops at SCRATCH_END; without, it may take the whole memory.
    if ((this.kernels.heap && this.next > SCRATCH_END) || !ensureMemory(this.kernels, this.next)) return false;
    for (const { address, values } of this.copiesIn) this.write(address, values);
    return true;
  }

  /** Copies the outputs that are not resident out of the memory. */
  finish(): void {
    for (const { address, out } of this.copiesOut) this.read(out, address);
  }

  /** A float32 view of `count` values at `address` (valid until the memory next grows). */
  floats(address: number, count: number): Float32Array {
    return new Float32Array(this.kernels.memory.buffer, address, count);
  }

  /** Copies `values` to `address`. */
  write(address: number, values: Floats): void {
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

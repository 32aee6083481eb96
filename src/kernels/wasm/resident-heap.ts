/**
 * Large float32 tensors kept inside the WebAssembly kernels' shared memory, so a kernel reads its
 * inputs and writes its outputs where they are instead of copying them in and out: on ResNet-8 at
 * batch 32 those copies were ~2 ms of a ~12 ms forward, all of it on the calling thread while the
 * workers waited (bench/profile-nodes.ts). Once the kernels load, ir/buffer-pool.ts takes every
 * float32 buffer of at least its MIN_LENGTH made inside a resident region from here; a kernel
 * finds a tensor's address with `addressOf` (arena.ts) and copies only what is not resident.
 *
 * Layout of the memory: [0, heapBase) the module's data and stack; [heapBase, SCRATCH_END) each
 * kernel call's scratch arena (arena.ts, starting over on every call); [SCRATCH_END, HEAP_END)
 * these blocks. Pages are committed as the memory grows but cost nothing until touched.
 *
 * Blocks are handed out only inside resident regions (ir/buffer-pool.ts inResidentRegion: runGraph
 * is one), which hand every block back when they end; a block has one canonical Float32Array
 * view, the one `take` returned, and comes back to a free list (by exact length, as the
 * JavaScript pool) through it alone. Why regions and not the garbage collector: blocks dropped
 * without being handed back (as most code drops tensors) could only come back through finalizers,
 * which never run inside a long synchronous loop such as distillation's, so the heap filled up.
 * When the heap is full, the pool falls back to ordinary JavaScript arrays (copied as before).
 * EDGEC_RESIDENT=0 keeps tensors out of the heap (before/after measurements).
 */
import type { Float32Heap } from '../../ir/buffer-pool.js';
import { ensureMemory, type WasmKernels } from './module.js';

const MIB = 1024 * 1024;
/** End of the scratch arena, start of the blocks. */
export const SCRATCH_END = 256 * MIB;
/** End of the blocks: 768 MiB of tensors; past that, JavaScript arrays. */
const HEAP_END = SCRATCH_END + 768 * MIB;
/** The memory grows by at least this much at a time (growing is a system call). */
const GROW_STEP = 16 * MIB;
const ALIGN = 16;

export class ResidentHeap implements Float32Heap {
  private top = SCRATCH_END;
  /** Block addresses in ascending order (blocks are only ever appended) and each one's length. */
  private readonly starts: number[] = [];
  private readonly lengths = new Map<number, number>();
  /** Each block's canonical view. */
  private readonly canonical = new Map<number, Float32Array>();
  private readonly free = new Map<number, Float32Array[]>();
  private readonly isFree = new WeakSet<Float32Array>();
  /** The memory's SharedArrayBuffer objects (one more after every growth): what "ours" means. */
  private readonly buffers = new WeakSet<ArrayBufferLike>();

  constructor(private readonly kernels: WasmKernels) {}

  /** The byte address of `data` if it lies in a block of this heap, else undefined. */
  addressOf(data: ArrayBufferView): number | undefined {
    if (!this.buffers.has(data.buffer) || data.byteOffset < SCRATCH_END) return undefined;
    return data.byteOffset;
  }

  /** A block of `length` floats (zeroed if asked): a free one of that length, else a new one; undefined when full. */
  take(length: number, zeroed: boolean): Float32Array | undefined {
    const spare = this.free.get(length)?.pop();
    if (spare) {
      this.isFree.delete(spare);
      // Not spare.fill(0): V8 fills a SharedArrayBuffer's view ~8x slower than memory.fill does.
      if (zeroed) this.kernels.exports['zero_floats']!(spare.byteOffset, length);
      return spare;
    }
    const bytes = Math.ceil((length * 4) / ALIGN) * ALIGN;
    if (this.top + bytes > HEAP_END) return undefined;
    const at = this.top;
    // One vector more than the block: some kernels load a vector reaching past their input's end.
    if (!ensureMemory(this.kernels, Math.ceil((at + bytes + ALIGN) / GROW_STEP) * GROW_STEP)) return undefined;
    this.top += bytes;
    this.starts.push(at);
    this.lengths.set(at, length);
    return this.viewOf(at); // never used before: zero since the memory grew
  }

  /**
   * Takes `data` back (the caller guarantees nothing reads or writes it any more): true when it is
   * a block's canonical view, false for other views of the heap, undefined when not the heap's.
   */
  give(data: Float32Array): boolean | undefined {
    const at = this.addressOf(data);
    if (at === undefined) return undefined;
    if (this.canonical.get(at) !== data || this.isFree.has(data)) return false;
    this.pushFree(data);
    return true;
  }

  /** Which block `data` lies in (its address), so views of one block compare equal; undefined when not the heap's. */
  storageOf(data: ArrayBufferView): number | undefined {
    const at = this.addressOf(data);
    if (at === undefined) return undefined;
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= at) lo = mid;
      else hi = mid - 1;
    }
    return this.starts[lo];
  }

  /** Whether `data` is a block's canonical view (a whole allocation, as a JavaScript array with its own buffer). */
  isWhole(data: Float32Array): boolean | undefined {
    const at = this.addressOf(data);
    if (at === undefined) return undefined;
    return this.canonical.get(at) === data;
  }

  /** Bytes handed out so far (blocks in use or free): for tests and benchmarks. */
  get usedBytes(): number {
    return this.top - SCRATCH_END;
  }

  private viewOf(at: number): Float32Array {
    const buffer = this.kernels.memory.buffer;
    this.buffers.add(buffer);
    const view = new Float32Array(buffer, at, this.lengths.get(at)!);
    this.canonical.set(at, view);
    return view;
  }

  private pushFree(view: Float32Array): void {
    const list = this.free.get(view.length) ?? [];
    list.push(view);
    this.free.set(view.length, list);
    this.isFree.add(view);
  }
}

/** The heap for these kernels, unless EDGEC_RESIDENT=0. */
export function residentHeapFor(kernels: WasmKernels): ResidentHeap | undefined {
  return process.env['EDGEC_RESIDENT'] === '0' ? undefined : new ResidentHeap(kernels);
}

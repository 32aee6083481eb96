/**
 * Float32 buffers handed back for reuse by code that knows they are dead (the training engine's
 * recycleTape, src/train/backprop.ts), taken again by allocData (./tensor.ts) for a tensor of the
 * same length, zeroed as a fresh one would be.
 *
 * Why: a training step allocates tens of megabytes of activations and gradients; fresh
 * multi-megabyte Float32Arrays cost page faults on first touch and garbage collections (V8 counts
 * their external memory), and which runs pay for them varies, so run times spread (bench/spread.ts
 * shows the slow runs of a ResNet-8 step taking ~1300 more page faults and more CPU time). Zeroing a
 * warm buffer costs a fraction of that. Only whole buffers of at least MIN_LENGTH floats are kept
 * (small ones are cheap to allocate), up to MAX_POOLED_BYTES in all; a buffer is pooled once.
 */

const MIN_LENGTH = 1 << 14;
const MAX_POOLED_BYTES = 256 * 1024 * 1024;

const free = new Map<number, Float32Array[]>();
const pooled = new WeakSet<Float32Array>();
let pooledBytes = 0;

/**
 * Memory large buffers come from inside a resident region (below): the WebAssembly kernels'
 * resident heap (kernels/wasm/resident-heap.ts), which registers itself when the kernels load, so
 * that the kernels read and write tensors in place. Each method answers undefined for a buffer not
 * its own.
 */
export interface Float32Heap {
  /** A buffer of `length` floats (zeroed if asked), or undefined when the heap is full. */
  take(length: number, zeroed: boolean): Float32Array | undefined;
  give(data: Float32Array): boolean | undefined;
  /** An identity shared by every view of the same allocation. */
  storageOf(data: ArrayBufferView): unknown;
  isWhole(data: Float32Array): boolean | undefined;
}

let heap: Float32Heap | undefined;
/** The open resident regions, innermost last: each one's heap buffers not yet handed back. */
const regions: Set<Float32Array>[] = [];

/** Makes `next` the source of large buffers inside resident regions (undefined: JavaScript arrays only). */
export function useFloat32Heap(next: Float32Heap | undefined): void {
  heap = next;
}

/**
 * Runs `fn` with large buffers taken from the heap, and hands every one of them back when it
 * returns or throws: a region allocator, so no block outlives the code that knew its lifetime.
 * `fn` must therefore return nothing that lives in the heap (runGraph copies its outputs out).
 * Outside regions, buffers are ordinary JavaScript arrays, which the garbage collector frees:
 * code that drops tensors without handing them back (most code) stays correct and bounded.
 */
export function inResidentRegion<T>(fn: () => T): T {
  if (!heap) return fn();
  const taken = new Set<Float32Array>();
  regions.push(taken);
  try {
    return fn();
  } finally {
    regions.pop();
    for (const data of taken) heap.give(data);
  }
}

/** Whether `data` lives in the heap (and so must not escape the region it was made in). */
export function isResident(data: ArrayBufferView): boolean {
  return heap?.storageOf(data) !== undefined;
}

/**
 * What identifies the allocation `data` lives in, so that two views compare equal exactly when
 * they may share memory: its ArrayBuffer, or for a heap's buffer the heap's block (all of the
 * heap's views share one SharedArrayBuffer).
 */
export function storageOf(data: ArrayBufferView): unknown {
  return heap?.storageOf(data) ?? data.buffer;
}

/** Whether `data` spans its whole allocation (not a view into a larger one). */
export function isWholeAllocation(data: Float32Array): boolean {
  return heap?.isWhole(data) ?? (data.byteOffset === 0 && data.byteLength === data.buffer.byteLength);
}

/**
 * A pooled buffer of `length` floats, if one is free (or the heap has room): zeroed, unless
 * `zeroed` is false (for a kernel that writes every element; saves a pass over the memory).
 */
export function takeFloat32(length: number, zeroed = true): Float32Array | undefined {
  if (length < MIN_LENGTH) return undefined;
  const region = regions.at(-1);
  const resident = region && heap?.take(length, zeroed);
  if (resident) {
    region.add(resident);
    return resident;
  }
  const data = free.get(length)?.pop();
  if (!data) return undefined;
  pooled.delete(data);
  pooledBytes -= data.byteLength;
  return zeroed ? data.fill(0) : data;
}

/**
 * Hands `data` back for reuse: the caller guarantees nothing reads or writes it any more. Views
 * into a larger buffer, shared memory, short arrays and arrays already pooled are ignored (false).
 */
export function giveFloat32(data: Float32Array): boolean {
  const resident = heap?.give(data);
  if (resident !== undefined) {
    if (resident) for (const region of regions) region.delete(data);
    return resident;
  }
  if (data.length < MIN_LENGTH || pooled.has(data)) return false;
  if (data.byteOffset !== 0 || !(data.buffer instanceof ArrayBuffer) || data.buffer.byteLength !== data.byteLength) return false;
  if (pooledBytes + data.byteLength > MAX_POOLED_BYTES) return false;
  const list = free.get(data.length) ?? [];
  list.push(data);
  free.set(data.length, list);
  pooled.add(data);
  pooledBytes += data.byteLength;
  return true;
}

/** Drops every pooled buffer (tests; a long-lived process changing models). */
export function clearFloat32Pool(): void {
  free.clear();
  pooledBytes = 0;
}

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

/** A zeroed pooled buffer of `length` floats, if one is free. */
export function takeFloat32(length: number): Float32Array | undefined {
  if (length < MIN_LENGTH) return undefined;
  const data = free.get(length)?.pop();
  if (!data) return undefined;
  pooled.delete(data);
  pooledBytes -= data.byteLength;
  return data.fill(0);
}

/**
 * Hands `data` back for reuse: the caller guarantees nothing reads or writes it any more. Views
 * into a larger buffer, shared memory, short arrays and arrays already pooled are ignored (false).
 */
export function giveFloat32(data: Float32Array): boolean {
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

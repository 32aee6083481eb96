/**
 * Memory planners: where each buffer lives in the one static arena, given its size and lifetime.
 * The shape follows tflite-micro's greedy_memory_planner: one interface, a trivial baseline and
 * the real algorithm, plus an overlap checker and an ASCII timeline for tests.
 *
 * Lifetimes are inclusive step ranges [firstUse, lastUse] over the layer sequence: a layer reads
 * its inputs and writes its outputs at the same step, so its inputs and outputs always overlap in
 * time and never share bytes (in-place reuse is decided before planning, by merging tensors into
 * one buffer; see arena-buffers.ts).
 *
 * Greedy by size, step by step (not guaranteed optimal; the problem is NP-hard in general):
 * 1. Sort buffers by size, largest first (ties by first use, then by input order, so the plan is
 *    deterministic).
 * 2. For each buffer, collect the already placed buffers whose lifetimes intersect its own,
 *    sorted by offset.
 * 3. Walk those from offset 0 and take the first gap big enough for the buffer; if there is none,
 *    place it after the highest of them.
 * The arena is the highest end of any buffer. Large buffers placed first leave the small ones to
 * fill the gaps between them, which is where naive first-fit in time order wastes space.
 */
import { InternalError } from '../errors.js';

export interface BufferRequest {
  /** For messages and the timeline only. */
  name: string;
  /** Bytes; rounded up to the planner's alignment. */
  size: number;
  firstUse: number;
  lastUse: number;
}

export interface MemoryPlan {
  /** Byte offset of each request, in request order; every offset is a multiple of `alignment`. */
  offsets: number[];
  /** Bytes the arena needs. */
  arenaSize: number;
  alignment: number;
}

export interface MemoryPlanner {
  readonly name: string;
  plan(buffers: readonly BufferRequest[], alignment: number): MemoryPlan;
}

/** 16 keeps every buffer aligned for word and SIMD loads; activations sizes are mostly multiples anyway. */
export const ARENA_ALIGNMENT = 16;

export function alignUp(bytes: number, alignment: number): number {
  return Math.ceil(bytes / alignment) * alignment;
}

function checkRequests(buffers: readonly BufferRequest[]): void {
  for (const b of buffers) {
    if (!Number.isInteger(b.size) || b.size < 0 || b.firstUse > b.lastUse) {
      throw new InternalError(`memory planner: bad buffer request "${b.name}" (size ${b.size}, steps ${b.firstUse}..${b.lastUse})`);
    }
  }
}

/** The baseline: every buffer gets bytes of its own, one after another. Never overlaps. */
export const linearPlanner: MemoryPlanner = {
  name: 'linear',
  plan(buffers, alignment) {
    checkRequests(buffers);
    const offsets: number[] = [];
    let end = 0;
    for (const b of buffers) {
      offsets.push(end);
      end += alignUp(b.size, alignment);
    }
    return { offsets, arenaSize: end, alignment };
  },
};

function livesOverlap(a: BufferRequest, b: BufferRequest): boolean {
  return a.firstUse <= b.lastUse && b.firstUse <= a.lastUse;
}

/** Greedy by size, as tflite-micro's GreedyMemoryPlanner (see the header for the steps). */
export const greedyPlanner: MemoryPlanner = {
  name: 'greedy-by-size',
  plan(buffers, alignment) {
    checkRequests(buffers);
    const order = buffers
      .map((_, i) => i)
      .sort((i, j) => buffers[j]!.size - buffers[i]!.size || buffers[i]!.firstUse - buffers[j]!.firstUse || i - j);
    const offsets = new Array<number>(buffers.length).fill(-1);
    const placed: number[] = [];
    let arenaSize = 0;
    for (const i of order) {
      const me = buffers[i]!;
      const size = alignUp(me.size, alignment);
      const neighbours = placed
        .filter((j) => livesOverlap(me, buffers[j]!) && buffers[j]!.size > 0)
        .sort((a, b) => offsets[a]! - offsets[b]!);
      let candidate = 0;
      for (const j of neighbours) {
        const start = offsets[j]!;
        if (start >= candidate + size) break; // the gap before this neighbour fits
        candidate = Math.max(candidate, start + alignUp(buffers[j]!.size, alignment));
      }
      offsets[i] = candidate;
      placed.push(i);
      arenaSize = Math.max(arenaSize, candidate + size);
    }
    return { offsets, arenaSize, alignment };
  },
};

/**
 * The largest total size of buffers live at one step: no plan can use less (a lower bound the
 * tests compare the greedy plan with).
 */
export function peakLiveBytes(buffers: readonly BufferRequest[], alignment: number): number {
  let peak = 0;
  const steps = new Set(buffers.map((b) => b.firstUse));
  for (const s of steps) {
    let live = 0;
    for (const b of buffers) if (b.firstUse <= s && s <= b.lastUse) live += alignUp(b.size, alignment);
    peak = Math.max(peak, live);
  }
  return peak;
}

/** Pairs of buffers that are live at the same time and share bytes: must be empty. */
export function findOverlaps(buffers: readonly BufferRequest[], plan: MemoryPlan): [string, string][] {
  const found: [string, string][] = [];
  for (let i = 0; i < buffers.length; i++) {
    for (let j = i + 1; j < buffers.length; j++) {
      const a = buffers[i]!;
      const b = buffers[j]!;
      if (a.size === 0 || b.size === 0 || !livesOverlap(a, b)) continue;
      const aStart = plan.offsets[i]!;
      const bStart = plan.offsets[j]!;
      if (aStart < bStart + b.size && bStart < aStart + a.size) found.push([a.name, b.name]);
    }
  }
  for (let i = 0; i < buffers.length; i++) {
    const off = plan.offsets[i]!;
    if (off < 0 || off % plan.alignment !== 0 || off + buffers[i]!.size > plan.arenaSize) {
      found.push([buffers[i]!.name, '<arena bounds or alignment>']);
    }
  }
  return found;
}

/**
 * An ASCII picture of the plan: one row per step, `width` columns over the arena, each live
 * buffer drawn with its own letter (A-Z then a-z, cycling), '.' for free bytes, '!' where two live
 * buffers fall in one cell (a collision, or two small neighbours; findOverlaps tells which). For test failure messages and debugging.
 */
export function planTimeline(buffers: readonly BufferRequest[], plan: MemoryPlan, width = 64): string {
  const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
  const lastStep = Math.max(0, ...buffers.map((b) => b.lastUse));
  const firstStep = Math.min(0, ...buffers.map((b) => b.firstUse));
  const bytesPerCell = Math.max(1, plan.arenaSize / width);
  const rows: string[] = [];
  for (let s = firstStep; s <= lastStep; s++) {
    const cells = new Array<string>(width).fill('.');
    buffers.forEach((b, i) => {
      if (b.size === 0 || s < b.firstUse || s > b.lastUse) return;
      const from = Math.floor(plan.offsets[i]! / bytesPerCell);
      const to = Math.max(from + 1, Math.ceil((plan.offsets[i]! + b.size) / bytesPerCell));
      for (let c = from; c < Math.min(to, width); c++) cells[c] = cells[c] === '.' ? letters[i % letters.length]! : '!';
    });
    rows.push(`${String(s).padStart(4)} |${cells.join('')}|`);
  }
  const legend = buffers.map((b, i) => `${letters[i % letters.length]}=${b.name}(${b.size}@${plan.offsets[i]})`);
  return [...rows, `arena ${plan.arenaSize} B; ${legend.join(' ')}`].join('\n');
}

/**
 * Memory planner: hand-checkable plans, a randomised check that no two live buffers overlap and
 * that the greedy plan never beats the live-bytes lower bound (nor loses to the baseline), and the
 * shared models' arenas against the issue's budgets (int8 activations: one byte per element).
 */
import { describe, expect, it } from 'vitest';
import { loadModel } from '../../src/onnx/load-model.js';
import { canonicalize } from '../../src/passes/index.js';
import { quantizeModel } from '../../src/quant/quantize-model.js';
import { inferTypes } from '../../src/engine/infer-types.js';
import type { LayerBufferUse } from '../../src/codegen/arena-buffers.js';
import { planArena, planBuffers } from '../../src/codegen/plan-arena.js';
import {
  findOverlaps, greedyPlanner, linearPlanner, peakLiveBytes, planTimeline, type BufferRequest,
} from '../../src/codegen/plan-memory.js';
import { rng } from '../helpers/random.js';
import { HAVE_SHARED, SHARED_MODELS, SKIP_NO_SHARED } from '../helpers/shared.js';

const buf = (name: string, size: number, firstUse: number, lastUse: number): BufferRequest => ({ name, size, firstUse, lastUse });

describe('greedy memory planner', () => {
  it('reuses the bytes of a dead buffer and keeps live ones apart (a chain a -> b -> c)', () => {
    const buffers = [buf('a', 100, 0, 1), buf('b', 64, 1, 2), buf('c', 48, 2, 3)];
    const plan = greedyPlanner.plan(buffers, 16);
    // a (112 aligned) at 0; b overlaps a in time -> 112; c overlaps only b -> 0.
    expect(plan.offsets).toEqual([0, 112, 0]);
    expect(plan.arenaSize).toBe(176);
    expect(findOverlaps(buffers, plan)).toEqual([]);
    expect(linearPlanner.plan(buffers, 16).arenaSize).toBe(112 + 64 + 48);
  });

  it('fills a gap between two larger buffers', () => {
    const buffers = [buf('big1', 64, 0, 4), buf('small', 32, 2, 3), buf('big2', 64, 0, 1), buf('big3', 64, 3, 4)];
    const plan = greedyPlanner.plan(buffers, 16);
    expect(plan.arenaSize).toBe(128 + 32); // big1 | big2/big3 share | small after them
    expect(findOverlaps(buffers, plan)).toEqual([]);
  });

  it('finds overlaps in a broken plan (the checker can fail)', () => {
    const buffers = [buf('a', 32, 0, 2), buf('b', 32, 1, 3)];
    expect(findOverlaps(buffers, { offsets: [0, 16], arenaSize: 48, alignment: 16 })).toEqual([['a', 'b']]);
    expect(findOverlaps(buffers, { offsets: [0, 8], arenaSize: 48, alignment: 16 }).length).toBe(2);
    expect(planTimeline(buffers, { offsets: [0, 16], arenaSize: 48, alignment: 16 }, 12)).toContain('!');
  });

  it('random lifetimes: no live overlap, at least the peak live bytes, at most the baseline', () => {
    const random = rng(7);
    for (let trial = 0; trial < 200; trial++) {
      const n = 1 + Math.floor(random() * 20);
      const buffers = Array.from({ length: n }, (_, i) => {
        const first = Math.floor(random() * 12);
        return buf(`t${i}`, 1 + Math.floor(random() * 500), first, first + Math.floor(random() * 5));
      });
      const plan = greedyPlanner.plan(buffers, 16);
      const overlaps = findOverlaps(buffers, plan);
      expect(overlaps, planTimeline(buffers, plan)).toEqual([]);
      expect(plan.arenaSize).toBeGreaterThanOrEqual(peakLiveBytes(buffers, 16));
      expect(plan.arenaSize).toBeLessThanOrEqual(linearPlanner.plan(buffers, 16).arenaSize);
    }
  });
});

describe('in-place reuse', () => {
  const bytes = new Map([['x', 64], ['a', 64], ['v', 64], ['s', 64], ['y', 64]]);
  it('a view shares its input; an Add overwrites an input it reads last, not one read later', () => {
    const uses: LayerBufferUse[] = [
      { name: 'conv', inputs: ['x'], outputs: ['a'] },
      { name: 'flatten', inputs: ['a'], outputs: ['v'], inPlace: 'view' },
      { name: 'add1', inputs: ['v', 'x'], outputs: ['s'], inPlace: 'overwrite' },
      { name: 'add2', inputs: ['x', 's'], outputs: ['y'], inPlace: 'overwrite', scratchBytes: 10 },
    ];
    const p = planBuffers(uses, bytes, ['x'], ['y']);
    expect(p.tensorOffset.get('v')).toBe(p.tensorOffset.get('a'));
    expect(p.tensorOffset.get('s')).toBe(p.tensorOffset.get('a')); // v's last reader is add1
    expect(p.tensorOffset.get('y')).toBe(p.tensorOffset.get('x')); // x's last reader is add2
    expect(p.scratchOffset.get(3)).toBeDefined();
    expect(findOverlaps(p.requests, p.plan)).toEqual([]);
    expect(p.arenaSize).toBe(64 + 64 + 16);
  });
  it('never overwrites a graph output or an input read again', () => {
    const uses: LayerBufferUse[] = [
      { name: 'add1', inputs: ['x', 'a'], outputs: ['s'], inPlace: 'overwrite' },
      { name: 'add2', inputs: ['x', 's'], outputs: ['y'], inPlace: 'overwrite' },
    ];
    const p = planBuffers(uses, bytes, ['x', 'a'], ['s', 'y']);
    expect(p.tensorOffset.get('s')).toBe(p.tensorOffset.get('a'));
    expect(p.tensorOffset.get('y')).toBe(p.tensorOffset.get('x'));
    const q = planBuffers(uses, bytes, ['x', 'a'], ['y', 'a']);
    expect(q.tensorOffset.get('s')).not.toBe(q.tensorOffset.get('a'));
  });
});

/** The quantized model's arena as the C uses it (int8 activations, the ops' in-place rules). */
function planSharedModel(name: string) {
  const raw = loadModel(`${SHARED_MODELS}/${name}.onnx`);
  inferTypes(raw);
  return planArena(quantizeModel(canonicalize(raw), { samples: 2 }));
}

describe.skipIf(!HAVE_SHARED)(`shared models' arenas${SKIP_NO_SHARED}`, () => {
  it.each([['dscnn', 16_000], ['resnet8', 49_152]])('%s within 1.10 x its layer-wise bound %i B', (name, bound) => {
    const p = planSharedModel(name);
    expect(findOverlaps(p.requests, p.plan), planTimeline(p.requests, p.plan)).toEqual([]);
    expect(p.arenaSize).toBeLessThanOrEqual(1.1 * bound);
    expect(p.arenaSize).toBeGreaterThanOrEqual(bound);
  });
});

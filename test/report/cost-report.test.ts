/**
 * The cost parts of report.json: the memory plan as rows (kinds, offsets and lifetimes exactly as
 * the planner placed them, scratch told apart), the caller's I/O bytes, and the cross-checks that
 * turn a cost model out of step with the emitted C into an InternalError rather than a wrong report.
 */
import { describe, expect, it } from 'vitest';
import type { LayerBufferUse } from '../../src/codegen/arena-buffers.js';
import { planBuffers } from '../../src/codegen/plan-arena.js';
import type { ModelCost } from '../../src/cost/model-cost.js';
import { InternalError } from '../../src/errors.js';
import { costTotals, ioBytes, memoryReport, withCost } from '../../src/report/cost-report.js';
import { sampleReport } from './sample-report.js';

describe('memoryReport', () => {
  it('gives every buffer its planned offset and lifetime, scratch buffers marked', () => {
    // x -> conv (scratch 40) -> a -> reshape (view) -> b -> fc (scratch 8) -> y
    const uses: LayerBufferUse[] = [
      { name: 'conv', inputs: ['x'], outputs: ['a'], scratchBytes: 40 },
      { name: 'reshape', inputs: ['a'], outputs: ['b'], inPlace: 'view' },
      { name: 'fc', inputs: ['b'], outputs: ['y'], scratchBytes: 8 },
    ];
    const bytes = new Map([['x', 100], ['a', 64], ['b', 64], ['y', 10]]);
    const plan = planBuffers(uses, bytes, ['x'], ['y']);
    const m = memoryReport(plan);
    expect(m.arena_bytes).toBe(plan.arenaSize);
    expect(m.alignment).toBe(16);
    expect(m.buffers.map((b) => [b.name, b.kind, b.size, b.first_step, b.last_step])).toEqual([
      ['x', 'tensor', 100, 0, 0],
      ['a', 'tensor', 64, 0, 2], // b is a view of a: one buffer, read by fc at step 2
      ['y', 'tensor', 10, 2, 3], // a graph output lives to the copy-out step
      ['conv (scratch)', 'scratch', 40, 0, 0],
      ['fc (scratch)', 'scratch', 8, 2, 2],
    ]);
    expect(m.buffers.map((b) => b.offset)).toEqual(plan.plan.offsets);
    // the scratch rows sit where the C puts each layer's scratch
    expect(m.buffers[3]!.offset).toBe(plan.scratchOffset.get(0));
    expect(m.buffers[4]!.offset).toBe(plan.scratchOffset.get(2));
  });
});

describe('totals and cross-checks', () => {
  const r = sampleReport();
  const cost = (over: Partial<ModelCost['totals']> = {}, names = r.layers.map((l) => l.name)): ModelCost => ({
    target: 'stm32l4r5', clock_mhz: 120, vdd: 1.8, active_power_mw: 50,
    layers: r.layers.map((l, i) => ({ ...l, name: names[i]! })),
    totals: { cycles: 1, latency_ms: 1, energy_uj: 1, flash_bytes: 1340, const_bytes: 340, code_bytes: 1000, ram_bytes: 576, ...over },
  });

  it('I/O bytes are the integer boundary tensors (int16 two bytes an element)', () => {
    expect(ioBytes(r.inputs, r.outputs)).toBe(192 + 4);
    expect(ioBytes([{ ...r.inputs[0]!, type: 'int16' }], [])).toBe(384);
  });

  it('RAM = arena + I/O; a cost model whose RAM is not the emitted arena is a bug', () => {
    const base = { layers: 4, params: 400, weights_bytes: 168, const_bytes: 340, arena_bytes: 576, macs: 54_000 };
    expect(costTotals(base, cost(), 196)).toMatchObject({ ram_bytes: 772, io_bytes: 196, flash_bytes: 1340, code_bytes: 1000 });
    expect(() => costTotals(base, cost({ ram_bytes: 512 }), 196)).toThrow(InternalError);
  });

  it('layers are matched by position and name; a mismatch is a bug', () => {
    const plainLayers = r.layers.map(({ kind: _k, cycles: _c, latency_ms: _l, energy_uj: _e, flash_bytes: _f, scratch_bytes: _s, ...rest }) => rest);
    expect(withCost(plainLayers, cost())).toEqual(r.layers);
    expect(() => withCost(plainLayers, cost({}, ['a', 'b', 'c', 'd']))).toThrow(/cost model layer 0 is "a"/);
    expect(() => withCost(plainLayers.slice(1), cost())).toThrow(InternalError);
  });
});

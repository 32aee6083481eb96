/**
 * 1,000 seeded random byte mutations (bit flips, overwritten bytes, truncation, inserted bytes) of a
 * small conv model. Each must either load, and then type-check and run on a zero input throwing
 * nothing but EdgecError subclasses, or be refused with an EdgecError: never another exception,
 * a crash or a hang. Guards against giant allocations live in the loader (sizes are checked before
 * allocating), not here. The seed is fixed, so a failure names a reproducible mutation.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { EdgecError } from '../../src/errors.js';
import { inferTypes } from '../../src/engine/infer-types.js';
import { runGraph } from '../../src/engine/run-graph.js';
import { makeTensor } from '../../src/ir/tensor.js';
import { decodeModel } from '../../src/onnx/load-model.js';
import { rng, type Random } from '../../src/util/random.js';
import { buildModel } from '../helpers/onnx-builder.js';
import { randomTensor } from '../helpers/random.js';

const MUTATIONS = 1000;
const FIXTURE = fileURLToPath(new URL('../../fixtures/cnn-tiny.onnx', import.meta.url));

/** fixtures/cnn-tiny.onnx, or a small conv model of the same kind if fixtures are not generated. */
function seedModel(): Uint8Array {
  if (existsSync(FIXTURE)) return new Uint8Array(readFileSync(FIXTURE));
  return buildModel({
    nodes: [
      { op: 'Conv', inputs: ['x', 'w', 'b'], outputs: ['c'], attrs: { kernel_shape: [3, 3], pads: [1, 1, 1, 1] } },
      { op: 'Relu', inputs: ['c'], outputs: ['r'] },
      { op: 'MaxPool', inputs: ['r'], outputs: ['p'], attrs: { kernel_shape: [2, 2], strides: [2, 2] } },
      { op: 'Flatten', inputs: ['p'], outputs: ['f'] },
      { op: 'Gemm', inputs: ['f', 'fw', 'fb'], outputs: ['y'], attrs: { transB: 1 } },
    ],
    inputs: [{ name: 'x', shape: ['N', 3, 8, 8] }],
    outputs: [{ name: 'y', shape: ['N', 10] }],
    initializers: [
      { name: 'w', shape: [4, 3, 3, 3], data: randomTensor([4, 3, 3, 3], 1).data },
      { name: 'b', shape: [4], data: randomTensor([4], 2).data },
      { name: 'fw', shape: [10, 64], data: randomTensor([10, 64], 3).data },
      { name: 'fb', shape: [10], data: randomTensor([10], 4).data },
    ],
  });
}

function mutate(original: Uint8Array, random: Random): { bytes: Uint8Array; what: string } {
  const at = (n: number) => Math.floor(random() * n);
  const bytes = new Uint8Array(original);
  switch (at(4)) {
    case 0: {
      const flips = 1 + at(4);
      for (let i = 0; i < flips; i++) bytes[at(bytes.length)]! ^= 1 << at(8);
      return { bytes, what: `flip ${flips} bits` };
    }
    case 1: {
      const start = at(bytes.length);
      const count = 1 + at(8);
      for (let i = start; i < Math.min(bytes.length, start + count); i++) bytes[i] = at(256);
      return { bytes, what: `overwrite ${count} bytes at ${start}` };
    }
    case 2: {
      const length = at(bytes.length);
      return { bytes: bytes.subarray(0, length), what: `truncate to ${length}` };
    }
    default: {
      const pos = at(bytes.length + 1);
      const inserted = Array.from({ length: 1 + at(8) }, () => at(256));
      const out = new Uint8Array(bytes.length + inserted.length);
      out.set(bytes.subarray(0, pos));
      out.set(inserted, pos);
      out.set(bytes.subarray(pos), pos + inserted.length);
      return { bytes: out, what: `insert ${inserted.length} bytes at ${pos}` };
    }
  }
}

/** An EdgecError with a one-line message is expected; anything else escapes to the test. */
function isCleanError(e: unknown): boolean {
  return e instanceof EdgecError && !e.message.includes('\n');
}

/** How one model fared: refused by the loader, rejected by inference/engine, or ran. */
function exercise(bytes: Uint8Array, source: string): 'refused' | 'rejected-graph' | 'ran' {
  let graph;
  try {
    graph = decodeModel(bytes, { source });
  } catch (e) {
    if (isCleanError(e)) return 'refused';
    throw e;
  }
  try {
    inferTypes(graph);
    runGraph(graph, Object.fromEntries(graph.inputs.map((v) => [v.name, makeTensor(v.dtype, v.shape)])));
    return 'ran';
  } catch (e) {
    if (isCleanError(e)) return 'rejected-graph';
    throw e;
  }
}

describe('fuzzed models', () => {
  it(`${MUTATIONS} seeded mutations load cleanly or fail with an EdgecError`, () => {
    const original = seedModel();
    expect(exercise(original, 'original.onnx')).toBe('ran');
    const random = rng(20240611);
    const outcomes = { refused: 0, 'rejected-graph': 0, ran: 0 };
    const escaped: string[] = [];
    for (let i = 0; i < MUTATIONS; i++) {
      const { bytes, what } = mutate(original, random);
      try {
        outcomes[exercise(bytes, `mutant-${i}.onnx`)]++;
      } catch (e) {
        escaped.push(`#${i} (${what}): ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
      }
    }
    expect(escaped).toEqual([]);
    // The mutations must exercise both paths, or the test proves nothing.
    expect(outcomes.refused).toBeGreaterThan(MUTATIONS / 10);
    expect(outcomes.ran).toBeGreaterThan(MUTATIONS / 10);
  }, 30_000);
});

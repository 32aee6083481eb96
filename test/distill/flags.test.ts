/**
 * The distillation and evaluation flags of `edgec compress`: parsing (each bad value a UsageError
 * naming the flag), defaults, the cross-flag checks, and the real CLI's exit code 2 with a
 * one-line message for a few of them (nothing is written: the checks run before any work).
 */
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { DEFAULT_SEED, parseDistillSteps, parseSeed, resolveDistillFlags } from '../../src/pipeline/distill-options.js';
import { distillSteps, DEFAULT_STEPS } from '../../src/pipeline/distill-stage.js';
import { chooseBits } from '../../src/pipeline/bit-policy.js';
import { loadCanonical } from '../../src/pipeline/compress-model.js';
import { isOneLineError, ROOT, runEdgec } from '../helpers/cli.js';
import { join } from 'node:path';

function usageError(f: () => unknown, flag: string): void {
  let error: unknown;
  try {
    f();
  } catch (e) {
    error = e;
  }
  expect(error, `expected a UsageError naming ${flag}`).toBeInstanceOf(UsageError);
  expect((error as Error).message).toContain(flag);
}

describe('distillation flags', () => {
  it('parses --distill-steps and --seed, refusing anything but whole numbers in range', () => {
    expect(parseDistillSteps('250')).toBe(250);
    expect(parseSeed('0')).toBe(0);
    expect(parseSeed('4294967295')).toBe(4294967295);
    for (const bad of ['0', '-3', '1.5', 'ten', '', '100001', '1e3']) usageError(() => parseDistillSteps(bad), '--distill-steps');
    for (const bad of ['-1', '2.5', 'x', '', '4294967296']) usageError(() => parseSeed(bad), '--seed');
  });

  it('fills defaults and refuses contradictions', () => {
    expect(resolveDistillFlags({})).toEqual({ distill: true, seed: DEFAULT_SEED });
    usageError(() => resolveDistillFlags({ distill: false, distillSteps: 10 }), '--no-distill');
    usageError(() => resolveDistillFlags({ labels: 'y.npy' }), '--eval');
    usageError(() => resolveDistillFlags({ distillSteps: 0 }), '--distill-steps');
  });

  it('defaults the steps by the lowest weight width of the bit policy', () => {
    const graph = loadCanonical(join(ROOT, 'fixtures/cnn-tiny.onnx'), []);
    const steps = (bits: 8 | 4 | 2, o: { distill: boolean; distillSteps?: number }) => distillSteps(o, chooseBits(graph, bits, false));
    expect(steps(8, { distill: true })).toBe(0);
    expect(steps(4, { distill: true })).toBe(DEFAULT_STEPS[4]);
    expect(steps(2, { distill: true })).toBe(DEFAULT_STEPS[2]);
    expect(steps(8, { distill: true, distillSteps: 7 })).toBe(7);
    expect(steps(2, { distill: false })).toBe(0);
  });

  it('the CLI exits 2 with one line naming the flag', () => {
    const cases: [string[], string][] = [
      [['--distill-steps', 'many'], '--distill-steps'],
      [['--seed', '-4'], '--seed'],
      [['--no-distill', '--distill-steps', '5'], '--no-distill'],
      [['--labels', 'y.npy'], '--eval'],
    ];
    for (const [flags, name] of cases) {
      const r = runEdgec(['compress', 'fixtures/cnn-tiny.onnx', '-o', '/nonexistent/never', ...flags]);
      expect(r.code, r.stderr).toBe(2);
      expect(isOneLineError(r.stderr), r.stderr).toBe(true);
      expect(r.stderr).toContain(name);
    }
  });
});

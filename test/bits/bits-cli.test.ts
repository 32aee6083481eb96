/**
 * `--bits auto` through the CLI on a fixture (random calibration and evaluation data, so no
 * synthesis runs and each case takes seconds):
 * - a --max-flash that all-w8a8 misses (exit 5) but a mixed configuration meets: found, exit 0,
 *   the written model's flash within it;
 * - an impossible --max-flash: exit 5, one line saying the smallest achievable flash, which equals
 *   the flash of the model compiled with every layer at 2-bit weights (the narrowest), and that
 *   closest configuration written, as every budget miss writes its directory;
 * - --layer-bits: an unknown layer is a usage error naming it; a known one is obeyed, with auto
 *   and with a preset; the terminal view of the search.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeNpy } from '../../src/data/npy.js';
import { makeTensor } from '../../src/ir/tensor.js';
import type { CompressReport } from '../../src/report/compress-report.js';
import { runEdgec } from '../helpers/cli.js';
import { randomTensor, rng } from '../helpers/random.js';

const tmp = mkdtempSync(join(tmpdir(), 'edgec-bits-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const calib = join(tmp, 'x.npy');
const labels = join(tmp, 'y.npy');
writeNpy(calib, randomTensor([16, 3, 32, 32], 11, 0, 1));
const r = rng(5);
writeNpy(labels, makeTensor('int64', [16], Float64Array.from({ length: 16 }, () => Math.floor(r() * 10))));
const DATA = ['--calib', calib, '--eval', calib, '--labels', labels, '--distill-steps', '3'];

function compress(name: string, args: string[]) {
  const out = join(tmp, name);
  const result = runEdgec(['compress', 'fixtures/cnn-tiny.onnx', '-o', out, '--json', ...DATA, ...args]);
  const report = result.stdout.trim().startsWith('{') ? (JSON.parse(result.stdout) as CompressReport) : undefined;
  return { ...result, report, out };
}

describe('--bits auto on cnn-tiny', () => {
  const w8 = compress('w8', ['--bits', 'w8a8']);
  const w2 = compress('w2', ['--bits', 'w2a8', '--uniform-bits']);

  it('finds a mixed configuration for a --max-flash that all-w8a8 misses', () => {
    expect(w8.code).toBe(0);
    const w8Flash = w8.report!.totals.flash_bytes;
    const budget = Math.floor((w8Flash + w2.report!.totals.flash_bytes) / 2);
    expect(compress('w8-budget', ['--bits', 'w8a8', '--max-flash', String(budget)]).code).toBe(5);
    const auto = compress('auto-budget', ['--bits', 'auto', '--max-flash', String(budget)]);
    expect(auto.stderr).toBe('');
    expect(auto.code).toBe(0);
    expect(auto.report!.totals.flash_bytes).toBeLessThanOrEqual(budget);
    expect(auto.report!.bit_policy.rule).toBe('auto');
    const widths = auto.report!.layers.flatMap((l) => (l.w_bits === null ? [] : [l.w_bits]));
    expect(widths.some((b) => b < 8)).toBe(true);
    // What report.json says was chosen is what was compiled.
    expect(auto.report!.bit_search!.chosen.flash_bytes).toBe(auto.report!.totals.flash_bytes);
    expect(readFileSync(join(auto.out, 'report.html'), 'utf8')).toContain('<svg xmlns="http://www.w3.org/2000/svg" class="chart pareto"');
  });

  it('exits 5 on an impossible budget and names the smallest achievable flash', () => {
    const least = w2.report!.totals.flash_bytes;
    const result = compress('impossible', ['--bits', 'auto', '--max-flash', String(least - 1)]);
    expect(result.code).toBe(5);
    expect(result.stderr).toContain(`the smallest achievable flash is ${least} B`);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    // The closest configuration was still written, as any budget miss writes its directory.
    expect(result.report!.totals.flash_bytes).toBe(least);
    expect(result.report!.bit_search!.impossible).toContain(`smallest achievable flash is ${least} B`);
    expect(compress('exact', ['--bits', 'auto', '--max-flash', String(least)]).code).toBe(0);
  });

  it('--layer-bits: unknown layer names are usage errors; known ones are obeyed', () => {
    const bad = compress('bad', ['--bits', 'auto', '--layer-bits', 'conv_0=w4a8,nope=w2']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('"nope"');
    const ok = compress('layer-bits', ['--bits', 'auto', '--layer-bits', 'conv_0=w2a8,gemm_17=w8']);
    expect(ok.code).toBe(0);
    const bits = Object.fromEntries(ok.report!.layers.map((l) => [l.name, l.w_bits]));
    expect([bits.conv_0, bits.gemm_17]).toEqual([2, 8]);
    expect(ok.report!.bit_search!.layers.find((l) => l.name === 'conv_0')!.why).toBe('fixed by --layer-bits');
  });

  it('--layer-bits applies to the presets too; the terminal view explains the auto choice', () => {
    const preset = compress('preset', ['--bits', 'w4a8', '--layer-bits', 'conv_3=w2']);
    expect(preset.code).toBe(0);
    expect(preset.report!.layers.filter((l) => l.w_bits !== null).map((l) => l.w_bits)).toEqual([8, 2, 4, 4, 8]);
    expect(preset.report!.bit_policy.layer_bits_overrides).toEqual(['conv_3']);
    const text = runEdgec(['compress', 'fixtures/cnn-tiny.onnx', '-o', join(tmp, 'text'), ...DATA, '--bits', 'auto']);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('bit widths (--bits auto): minimising flash under --max-drop 1');
    expect(text.stdout).toMatch(/Pareto front \(\d+ points kept of the exact front\)/);
    expect(text.stdout).toMatch(/checked after quantization and distillation:\n\s+(ok|missed)/);
  });
});

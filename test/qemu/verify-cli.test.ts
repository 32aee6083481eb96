/**
 * `edgec verify DIR --qemu CORE` through the real binary on a fixture model (always runs where
 * the Arm tools are installed): bit-exact in QEMU, the JSON's figures consistent with each other
 * and with report.json (MACs, constant bytes), the text view's sections; and the one-line errors
 * with their exit codes: unknown core (2), missing tools (4, naming the packages), bad timeout (2).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VerifyResult } from '../../src/api/verify.js';
import { isOneLineError } from '../helpers/cli.js';
import { runEdgecIn } from '../e2e/helpers.js';
import { convNet } from '../e2e/models.js';
import { HAVE_QEMU_TOOLS, SKIP_NO_QEMU } from './tools-available.js';

const tmp = mkdtempSync(join(tmpdir(), 'edgec-qemu-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const edgec = (args: string[], env: Record<string, string> = {}) => runEdgecIn(tmp, args, env);
const dir = join(tmp, 'out');

beforeAll(() => {
  writeFileSync(join(tmp, 'conv-net.onnx'), convNet());
  const r = edgec(['compress', 'conv-net.onnx', '-o', dir]);
  expect(r.code, r.stderr).toBe(0);
}, 120_000);

describe.skipIf(!HAVE_QEMU_TOOLS)(`edgec verify --qemu${SKIP_NO_QEMU}`, () => {
  it('--json: bit-exact on cortex-m33, sizes, instructions per inference and per layer beside the cost model', () => {
    const r = edgec(['verify', dir, '--qemu', 'cortex-m33', '--count', '3', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout) as VerifyResult;
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as { totals: { macs: number; const_bytes: number } };
    expect(result.bit_exact).toBe(true);
    expect(result.samples).toBe(3);
    expect(result.compiler).toMatch(/arm-none-eabi-gcc \(cortex-m33, run in QEMU mps2-an505\)/);
    const q = result.qemu!;
    expect(q.machine).toBe('mps2-an505');
    expect(q.resolution).toBe(50);
    expect(q.macs).toBe(report.totals.macs);
    expect(q.const_bytes).toBe(report.totals.const_bytes);
    expect(q.sizes.model.rodata).toBeGreaterThanOrEqual(q.const_bytes);
    expect(q.sizes.model.text).toBeGreaterThan(0);
    expect(q.sizes.image.text).toBeGreaterThan(q.sizes.model.text);
    expect(q.cost_target).toBe('stm32u575');
    expect(q.cost_error).toBeNull();
    expect(q.layers.map((l) => l.name)).toEqual(['conv1', 'conv2', 'conv3']);
    for (const l of q.layers) {
      expect(l.estimated_cycles).toBeGreaterThan(0);
      expect(l.instructions_per_mac).toBeCloseTo(l.instructions / l.macs, 2);
    }
    // Means of per-layer counts (each a whole number of ticks) add up to the mean inference.
    const sum = q.layers.reduce((s, l) => s + l.instructions, 0) + q.boundary_instructions;
    expect(Math.abs(sum - q.instructions.mean)).toBeLessThanOrEqual(q.layers.length + 2);
    expect(q.instructions.min).toBeLessThanOrEqual(q.instructions.mean);
    expect(q.instructions.per_mac).toBeCloseTo(q.instructions.mean / q.macs, 2);
  }, 60_000);

  it('text view: sections, instructions per MAC, the per-layer table', () => {
    const r = edgec(['verify', dir, '--qemu', 'cortex-m4', '--count', '2']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/bit-exact: the C built with arm-none-eabi-gcc \(cortex-m4, run in QEMU mps2-an386\)/);
    expect(r.stdout).toMatch(/model sections on cortex-m4: \.text [\d.]+ (B|KiB), \.rodata/);
    expect(r.stdout).toMatch(/instructions per inference, [\d.]+ per MAC/);
    expect(r.stdout).toMatch(/est\. cycles stm32l4r5/);
    expect(r.stdout).toMatch(/conv2\s+Conv/);
  }, 60_000);

  it('missing tools: one line naming the Debian packages, exit 4', () => {
    const r = edgec(['verify', dir, '--qemu', 'cortex-m4', '--count', '1'], { EDGEC_ARM_GCC: 'arm-none-eabi-gcc-not-installed' });
    expect(r.code).toBe(4);
    expect(isOneLineError(r.stderr), r.stderr).toBe(true);
    expect(r.stderr).toMatch(/apt-get install gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-system-arm/);
  });
});

describe('edgec verify --qemu: flag errors', () => {
  it.each([
    [['--qemu', 'cortex-m3'], /--qemu "cortex-m3": expected one of cortex-m4, cortex-m7, cortex-m33, cortex-m55/],
    [['--qemu', 'cortex-m4', '--qemu-timeout', 'soon'], /--qemu-timeout "soon": expected a number of seconds/],
  ])('%j exits 2 with one line', (flags, message) => {
    const r = edgec(['verify', dir, ...flags]);
    expect(r.code).toBe(2);
    expect(isOneLineError(r.stderr), r.stderr).toBe(true);
    expect(r.stderr).toMatch(message);
  });
});

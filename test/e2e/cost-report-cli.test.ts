/**
 * The cost views through the real binary: report.json schema 2 (layers sum to the totals; RAM is
 * NAME_ARENA_SIZE plus the integer I/O buffers, read back from the emitted header), --target /
 * --clock, budgets (exit 5 with the report on stdout and the directory written; one line naming
 * each miss), bad units (exit 2 naming the flag), --quiet, and colour only where it belongs.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CompressReport } from '../../src/report/compress-report.js';
import { isOneLineError, ROOT } from '../helpers/cli.js';
import { buildModel } from '../helpers/onnx-builder.js';
import { runEdgecIn } from './helpers.js';
import { convNet, twoInputNet } from './models.js';

const tmp = mkdtempSync(join(tmpdir(), 'edgec-cost-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
writeFileSync(join(tmp, 'conv-net.onnx'), convNet());
writeFileSync(join(tmp, 'two.onnx'), twoInputNet());
const edgec = (args: string[], env: Record<string, string> = {}) => runEdgecIn(tmp, args, env);
const ANSI = /\u001b\[/;

function compressJson(args: string[]): CompressReport {
  const r = edgec(['compress', ...args, '--json']);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as CompressReport;
}

/** NAME_ARENA_SIZE + every INPUTk/OUTPUTk SIZE x element bytes, from the emitted header. */
function ramFromHeader(header: string, macro: string, elementBytes: number): number {
  const define = (name: string) => Number(new RegExp(`#define ${macro}_${name} (\\d+)\\n`).exec(header)![1]);
  const inputs = define('INPUT_COUNT');
  const outputs = define('OUTPUT_COUNT');
  let io = 0;
  for (let k = 0; k < inputs; k++) io += define(`INPUT${k}_SIZE`) * elementBytes;
  for (let k = 0; k < outputs; k++) io += define(`OUTPUT${k}_SIZE`) * elementBytes;
  return define('ARENA_SIZE') + io;
}

describe('report.json edgec.report/2', () => {
  it('layers sum to the totals; latency = cycles / clock, energy = power x latency; flash = constants + code', () => {
    const r = compressJson(['conv-net.onnx', '-o', 'sums']);
    expect(r.schema).toBe('edgec.report/2');
    expect(r.target).toMatchObject({ id: 'stm32l4r5', core: 'cortex-m4', clock_mhz: 120 });
    const t = r.totals;
    const sum = (f: (l: CompressReport['layers'][number]) => number) => r.layers.reduce((s, l) => s + f(l), 0);
    expect(sum((l) => l.cycles)).toBe(t.cycles);
    expect(Math.abs(sum((l) => l.latency_ms) - t.latency_ms)).toBeLessThanOrEqual(1e-12 * t.latency_ms);
    expect(Math.abs(sum((l) => l.energy_uj) - t.energy_uj)).toBeLessThanOrEqual(1e-12 * t.energy_uj);
    expect(sum((l) => l.flash_bytes)).toBe(t.const_bytes);
    expect(t.flash_bytes).toBe(t.const_bytes + t.code_bytes);
    expect(t.code_bytes).toBeGreaterThan(0);
    expect(t.latency_ms).toBeCloseTo(t.cycles / (120 * 1e3), 12);
    expect(t.energy_uj).toBeCloseTo(r.target.active_power_mw * t.latency_ms, 9);
    for (const l of r.layers) expect(l.cycles).toBeGreaterThan(0);
    expect(r.files).toContain('report.html');
    expect(readFileSync(join(tmp, 'sums', 'report.html'), 'utf8')).toMatch(/^<!DOCTYPE html>/);
  });

  it('RAM is NAME_ARENA_SIZE plus the I/O buffers exactly (int8, int16, two inputs)', () => {
    const cases: [string, string[], string, number][] = [
      ['conv-net.onnx', [], 'CONV_NET', 1],
      ['conv-net.onnx', ['--bits', 'w8a16'], 'CONV_NET', 2],
      ['two.onnx', ['--input-range', '-1,1'], 'TWO', 1],
    ];
    for (const [model, flags, macro, bytes] of cases) {
      const out = `ram-${macro}-${bytes}`;
      const r = compressJson([model, '-o', out, ...flags]);
      const header = readFileSync(join(tmp, out, `${r.name}.h`), 'utf8');
      expect(r.totals.ram_bytes, `${model} ${flags.join(' ')}`).toBe(ramFromHeader(header, macro, bytes));
      expect(r.totals.ram_bytes).toBe(r.totals.arena_bytes + r.totals.io_bytes);
      expect(r.memory.arena_bytes).toBe(r.totals.arena_bytes);
    }
  });

  it('--clock scales latency and energy per cycle; --target picks the target', () => {
    const base = compressJson(['conv-net.onnx', '-o', 'c120']);
    const slow = compressJson(['conv-net.onnx', '-o', 'c60', '--clock', '60MHz']);
    expect(slow.target.clock_mhz).toBe(60);
    expect(slow.totals.cycles).toBe(base.totals.cycles);
    expect(slow.totals.latency_ms).toBeCloseTo(2 * base.totals.latency_ms, 12);
    const bf = compressJson(['conv-net.onnx', '-o', 'bf', '--target', 'bitfusion']);
    expect(bf.target.id).toBe('bitfusion');
    expect(bf.target.stack).toBeNull();
  });
});

describe('budgets', () => {
  it('all met: exit 0 and every verdict ok', () => {
    const r = compressJson(['conv-net.onnx', '-o', 'met', '--max-flash', '1M', '--max-ram', '64k', '--max-latency', '1s', '--max-energy', '1J']);
    expect(r.budgets.ok).toBe(true);
    expect(r.budgets.ram_bytes).toEqual({ limit: 65536, actual: r.totals.ram_bytes, ok: true });
    expect(r.budgets.flash_bytes?.limit).toBe(1048576);
    expect(r.budgets.latency_ms?.limit).toBe(1000);
    expect(r.budgets.energy_uj?.limit).toBe(1e6);
  });

  it('missed: exit 5, the report on stdout, the directory written, one line naming each miss', () => {
    const r = edgec(['compress', 'conv-net.onnx', '-o', 'missed', '--max-ram', '100', '--max-latency', '1us', '--max-flash', '1M', '--json']);
    expect(r.code).toBe(5);
    const report = JSON.parse(r.stdout) as CompressReport;
    expect(report.budgets.ok).toBe(false);
    expect(report.budgets.ram_bytes?.ok).toBe(false);
    expect(report.budgets.latency_ms?.ok).toBe(false);
    expect(report.budgets.flash_bytes?.ok).toBe(true);
    expect(readFileSync(join(tmp, 'missed', 'report.json'), 'utf8')).toBe(r.stdout);
    expect(existsSync(join(tmp, 'missed', 'report.html'))).toBe(true);
    expect(isOneLineError(r.stderr), r.stderr).toBe(true);
    expect(r.stderr).toMatch(/RAM [\d.]+ (B|KiB) exceeds --max-ram 100 B: over by [\d.]+ (B|KiB) \(\+[\d.]+%\)/);
    expect(r.stderr).toMatch(/latency .* exceeds --max-latency 1\.00 us: over by/);
    expect(r.stderr).not.toMatch(/--max-flash/);
  });

  it('a model too big for the target SRAM fails the same way with no flag; the text view shows the verdict', () => {
    const wide = buildModel({
      inputs: [{ name: 'a', shape: [1, 100000] }, { name: 'b', shape: [1, 100000] }],
      outputs: [{ name: 'y' }],
      nodes: [{ op: 'Add', name: 'sum', inputs: ['a', 'b'], outputs: ['y'] }],
    });
    writeFileSync(join(tmp, 'wide.onnx'), wide);
    const r = edgec(['compress', 'wide.onnx', '-o', 'wide', '--target', 'rp2040']);
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/^edgec: error: budget missed: RAM .* does not fit rp2040's .* SRAM: over by/);
    expect(isOneLineError(r.stderr), r.stderr).toBe(true);
    expect(r.stdout).toMatch(/MISSED RAM/);
    expect(r.stdout).not.toMatch(ANSI); // piped: no colour
  });

  const bad: [string, string[], RegExp][] = [
    ['a size in bits', ['--max-ram', '64kbit'], /--max-ram "64kbit"/],
    ['a latency without a unit', ['--max-latency', '50'], /--max-latency "50": give a unit/],
    ['an energy in watts', ['--max-energy', '2mW'], /--max-energy/],
    ['an unknown target', ['--target', 'esp32'], /--target: unknown target "esp32"/],
    ['a clock above the chip', ['--clock', '2GHz'], /--clock/],
  ];
  for (const [what, flags, message] of bad) {
    it(`${what}: exit 2, one line naming the flag, nothing written`, () => {
      const out = `bad-${what.replace(/\W+/g, '_')}`;
      const r = edgec(['compress', 'conv-net.onnx', '-o', out, ...flags]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(isOneLineError(r.stderr), r.stderr).toBe(true);
      expect(existsSync(join(tmp, out))).toBe(false);
    });
  }
});

describe('terminal output', () => {
  it('piped: the table with cost columns, no ANSI codes, nothing on stderr', () => {
    const r = edgec(['compress', 'conv-net.onnx', '-o', 'piped', '--max-ram', '64k']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).not.toMatch(ANSI);
    expect(r.stdout).toMatch(/layer +op +bits +MACs +cycles +latency +energy +flash B +SQNR/);
    expect(r.stdout).toMatch(/^total +[\d,]+ +[\d,]+ +[\d.]+ (us|ms) +[\d.]+ (nJ|uJ|mJ) +[\d,]+$/m);
    expect(r.stdout).toMatch(/ok +RAM .* within --max-ram 64\.0 KiB/);
  });

  it('FORCE_COLOR colours the verdicts; NO_COLOR wins over it', () => {
    const forced = edgec(['compress', 'conv-net.onnx', '-o', 'forced'], { FORCE_COLOR: '1' });
    expect(forced.stdout).toMatch(ANSI);
    const plain = edgec(['compress', 'conv-net.onnx', '-o', 'plain'], { FORCE_COLOR: '1', NO_COLOR: '1' });
    expect(plain.code).toBe(0);
    expect(plain.stdout).not.toMatch(ANSI);
  });

  it('--quiet prints nothing on success and only the error on a miss; with --json the JSON still', () => {
    const ok = edgec(['compress', 'conv-net.onnx', '-o', 'quiet', '--quiet']);
    expect([ok.code, ok.stdout, ok.stderr]).toEqual([0, '', '']);
    const miss = edgec(['compress', 'conv-net.onnx', '-o', 'quiet', '-q', '--max-ram', '1']);
    expect(miss.code).toBe(5);
    expect(miss.stdout).toBe('');
    expect(isOneLineError(miss.stderr), miss.stderr).toBe(true);
    const json = edgec(['compress', 'conv-net.onnx', '-o', 'quiet', '-q', '--json']);
    expect((JSON.parse(json.stdout) as CompressReport).schema).toBe('edgec.report/2');
  });
});

const HAVE_SCRIPT = spawnSync('script', ['--version'], { stdio: 'ignore' }).status === 0;

/** Runs edgec under a pseudo-terminal (util-linux `script`); returns everything it drew. */
function onTerminal(args: string[], env: Record<string, string>): { code: number | null; screen: string } {
  const command = `stty cols 120; ${JSON.stringify(process.execPath)} ${JSON.stringify(join(ROOT, 'bin/edgec.js'))} ${args.join(' ')}`;
  const { NO_COLOR: _n, FORCE_COLOR: _f, ...rest } = process.env;
  const r = spawnSync('script', ['-qec', command, '/dev/null'], { cwd: tmp, encoding: 'utf8', env: { ...rest, ...env }, timeout: 60_000, stdio: ['ignore', 'pipe', 'pipe'] });
  return { code: r.status, screen: r.stdout };
}

describe.skipIf(!HAVE_SCRIPT)(`on a terminal${HAVE_SCRIPT ? '' : ' [SKIPPED: no `script` command]'}`, () => {
  it('verdicts in colour; NO_COLOR turns colour off (the spinner still draws)', () => {
    const colour = onTerminal(['compress', 'conv-net.onnx', '-o', 'tty-a', '--max-ram', '64k'], {});
    expect(colour.code).toBe(0);
    expect(colour.screen).toMatch(/\u001b\[32mok/); // green "ok"
    const plain = onTerminal(['compress', 'conv-net.onnx', '-o', 'tty-b', '--max-ram', '64k'], { NO_COLOR: '1' });
    expect(plain.code).toBe(0);
    expect(plain.screen).toMatch(/ok +RAM/);
    expect(plain.screen).not.toMatch(/\u001b\[\d+(;\d+)*m/); // no SGR (colour or bold) codes
  });
});

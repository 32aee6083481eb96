/**
 * Budget flags: units (k = 1024 for sizes; time and energy need a unit), one-line UsageErrors
 * naming the flag, verdicts (equal is within budget; the target's flash and SRAM always checked)
 * and the BudgetError message naming each miss and by how much.
 */
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { checkBudgets, parseByteSize, parseDuration, parseEnergy, validateBudgets } from '../../src/pipeline/budgets.js';
import { budgetMissMessage, formatMs, formatUj } from '../../src/report/budget-text.js';

describe('budget units', () => {
  it('sizes: bare bytes, k/K/KB/KiB = 1024, M/MiB = 1024^2', () => {
    expect(parseByteSize('--max-flash', '262144')).toBe(262144);
    expect(parseByteSize('--max-flash', '256k')).toBe(262144);
    expect(parseByteSize('--max-flash', '256K')).toBe(262144);
    expect(parseByteSize('--max-flash', '256KiB')).toBe(262144);
    expect(parseByteSize('--max-flash', '256 KB')).toBe(262144);
    expect(parseByteSize('--max-flash', '1.5M')).toBe(1572864);
    expect(parseByteSize('--max-flash', '2MiB')).toBe(2 * 1048576);
    expect(parseByteSize('--max-ram', '64k')).toBe(65536);
    expect(parseByteSize('--max-ram', '100B')).toBe(100);
    expect(parseByteSize('--max-ram', '1.1k')).toBe(1126); // 1126.4 rounded down: the limit is whole bytes
  });

  it('times in ms: ms, s, us, µs, ns', () => {
    expect(parseDuration('--max-latency', '50ms')).toBe(50);
    expect(parseDuration('--max-latency', '0.05s')).toBeCloseTo(50, 12);
    expect(parseDuration('--max-latency', '500us')).toBeCloseTo(0.5, 12);
    expect(parseDuration('--max-latency', '500µs')).toBeCloseTo(0.5, 12);
    expect(parseDuration('--max-latency', '2e3ns')).toBeCloseTo(0.002, 12);
  });

  it('energies in µJ: J, mJ, uJ, µJ, nJ', () => {
    expect(parseEnergy('--max-energy', '2mJ')).toBe(2000);
    expect(parseEnergy('--max-energy', '500uJ')).toBe(500);
    expect(parseEnergy('--max-energy', '500µJ')).toBe(500);
    expect(parseEnergy('--max-energy', '0.002J')).toBeCloseTo(2000, 9);
    expect(parseEnergy('--max-energy', '750nJ')).toBeCloseTo(0.75, 12);
  });

  const bad: [string, () => unknown, RegExp][] = [
    ['a size in bits', () => parseByteSize('--max-flash', '256kbit'), /^--max-flash "256kbit"/],
    ['a size in gigabytes', () => parseByteSize('--max-flash', '1G'), /^--max-flash/],
    ['a negative size', () => parseByteSize('--max-ram', '-64k'), /^--max-ram/],
    ['a zero size', () => parseByteSize('--max-ram', '0'), /^--max-ram/],
    ['an empty size', () => parseByteSize('--max-ram', ''), /^--max-ram/],
    ['a time without unit', () => parseDuration('--max-latency', '50'), /^--max-latency "50": give a unit/],
    ['a time in minutes', () => parseDuration('--max-latency', '1min'), /^--max-latency/],
    ['an energy without unit', () => parseEnergy('--max-energy', '2'), /^--max-energy "2": give a unit/],
    ['an energy in megajoules', () => parseEnergy('--max-energy', '2MJ'), /^--max-energy/],
    ['an energy in watts', () => parseEnergy('--max-energy', '2mW'), /^--max-energy/],
    ['a non-number from the API', () => validateBudgets({ maxRamBytes: Number.NaN }), /^--max-ram/],
  ];
  for (const [what, f, message] of bad) {
    it(`refuses ${what} with a one-line UsageError naming the flag`, () => {
      expect(f).toThrow(UsageError);
      expect(f).toThrow(message);
      try {
        f();
      } catch (e) {
        expect((e as Error).message).not.toContain('\n');
      }
    });
  }
});

describe('budget verdicts', () => {
  const actual = { flash_bytes: 300_000, ram_bytes: 65_536, latency_ms: 61.5, energy_uj: 1500 };
  const chip = { flash_bytes: 2 * 1048576, sram_bytes: 640 * 1024 };

  it('checks only the budgets set, plus the chip; equal is within', () => {
    const b = checkBudgets(actual, { maxRamBytes: 65_536 }, chip);
    expect(b).toEqual({
      ok: true,
      ram_bytes: { limit: 65_536, actual: 65_536, ok: true },
      target_flash_bytes: { limit: chip.flash_bytes, actual: 300_000, ok: true },
      target_sram_bytes: { limit: chip.sram_bytes, actual: 65_536, ok: true },
    });
    expect(budgetMissMessage(b, { id: 'stm32l4r5' })).toBeNull();
  });

  it('names every miss and by how much, in one line', () => {
    const b = checkBudgets(actual, { maxFlashBytes: 256 * 1024, maxRamBytes: 64 * 1024 - 1, maxLatencyMs: 50, maxEnergyUj: 2000 }, chip);
    expect(b.ok).toBe(false);
    expect(b.energy_uj?.ok).toBe(true);
    const m = budgetMissMessage(b, { id: 'stm32l4r5' })!;
    expect(m).not.toContain('\n');
    // 300000 - 262144 = 37856 B = 37.0 KiB over, +14.4%
    expect(m).toContain('flash 293.0 KiB exceeds --max-flash 256.0 KiB: over by 37.0 KiB (+14.4%)');
    expect(m).toContain('RAM 64.0 KiB exceeds --max-ram 64.0 KiB: over by 1 B (+0.0%)');
    expect(m).toContain('latency 61.5 ms exceeds --max-latency 50.0 ms: over by 11.5 ms (+23.0%)');
    expect(m).not.toContain('energy');
  });

  it('a model too big for the chip fails the same way, with no flag set', () => {
    const b = checkBudgets({ ...actual, ram_bytes: 700 * 1024 }, {}, chip);
    expect(b.ok).toBe(false);
    expect(budgetMissMessage(b, { id: 'stm32l4r5' })).toBe("budget missed: RAM 700.0 KiB does not fit stm32l4r5's 640.0 KiB SRAM: over by 60.0 KiB (+9.4%)");
  });

  it('formats times and energies with three significant digits', () => {
    expect([formatMs(0.0005), formatMs(0.5), formatMs(12.345), formatMs(512), formatMs(1250)]).toEqual(['0.500 us', '500 us', '12.3 ms', '512 ms', '1.25 s']);
    expect([formatUj(0.85), formatUj(12.34), formatUj(1250), formatUj(2.5e6)]).toEqual(['850 nJ', '12.3 uJ', '1.25 mJ', '2.50 J']);
  });
});

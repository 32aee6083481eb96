/**
 * The target database: every data file loads, validates and names a source for every value;
 * --clock / --vdd overrides scale power as the regulator dictates; bad flags and bad files are
 * one-line errors naming the flag or the file and key.
 */
import { describe, expect, it } from 'vitest';
import { FileError, UsageError } from '../../src/errors.js';
import { DEFAULT_TARGET, listTargets, resolveTarget, targetIds } from '../../src/targets/load-targets.js';
import { parseClock, parseTarget, parseVdd } from '../../src/targets/parse-flags.js';
import { validateTarget } from '../../src/targets/validate-target.js';
import { loadTarget } from '../../src/targets/load-targets.js';
import { KERNEL_STEMS } from '../../src/codegen/kernel-sources.js';

const REQUIRED = ['stm32l4r5', 'stm32f446', 'nrf52840', 'stm32f746', 'stm32h7a3', 'stm32u575', 'nrf5340', 'ra6m4', 'ra8d1', 'rp2040', 'bitfusion'];

describe('target database', () => {
  it('has every target the issue asks for, the MLPerf Tiny board as default', () => {
    expect(targetIds()).toEqual([...REQUIRED].sort());
    expect(DEFAULT_TARGET).toBe('stm32l4r5');
  });

  it('every file names a source for every value', () => {
    for (const t of listTargets()) {
      for (const key of ['core', 'clock_mhz', 'flash_bytes', 'sram_bytes', 'vdd', 'regulator', 'active_power_mw', 'weight_bits', 'activation_bits', 'code_bytes']) {
        expect(t.sources[key], `${t.id}: ${key}`).toMatch(/\S{3,}/);
      }
      for (const key of Object.keys(t.cost).filter((k) => k !== 'model')) expect(t.sources[`cost.${key}`], `${t.id}: cost.${key}`).toMatch(/\S{3,}/);
    }
  });

  it('every file gives a code size for every kernel source the emitter can ship', () => {
    // A kernel added to csrc/ without a size here would make every compress fail on that target.
    for (const t of listTargets()) for (const stem of KERNEL_STEMS) expect(t.code_bytes[stem], `${t.id}: code_bytes.${stem}`).toBeGreaterThanOrEqual(0);
  });

  it('matches the published chip figures of mcu-data.md', () => {
    const l4 = loadTarget('stm32l4r5');
    expect([l4.core, l4.clock_mhz, l4.flash_bytes, l4.sram_bytes]).toEqual(['cortex-m4', 120, 2 * 1024 * 1024, 640 * 1024]);
    expect(loadTarget('ra8d1')).toMatchObject({ core: 'cortex-m85', helium: true, clock_mhz: 480 });
    expect(loadTarget('rp2040')).toMatchObject({ core: 'cortex-m0plus', dsp: false, clock_mhz: 133 });
    expect(loadTarget('bitfusion').cost).toMatchObject({ model: 'bitfusion', rows_m: 32, cols_n: 16 });
  });

  it('scales power with the clock, and with VDD only through an LDO', () => {
    const l4 = resolveTarget('stm32l4r5', { clockMhz: 60, vdd: 3.0 }); // LDO
    expect(l4.active_power_mw).toBeCloseTo(l4.base.active_power_mw * 0.5 * (3.0 / 1.8), 9);
    // mcu-data.md: L4R5 39-49 mW at 1.8 V becomes 70-78 mW at 3.0 V: the LDO rule lands in between.
    const u5 = resolveTarget('stm32u575', { vdd: 3.3 }); // SMPS
    expect(u5.active_power_mw).toBe(u5.base.active_power_mw);
    expect(resolveTarget('stm32l4r5')).toMatchObject({ clock_mhz: 120, vdd: 1.8 });
  });

  it('refuses overrides outside the chip', () => {
    expect(() => resolveTarget('stm32l4r5', { clockMhz: 500 })).toThrow(/--clock: 500 MHz .*up to 120/);
    expect(() => resolveTarget('stm32l4r5', { vdd: 5 })).toThrow(/--vdd: 5 V/);
    expect(() => resolveTarget('esp32')).toThrow(UsageError);
  });
});

describe('target flags', () => {
  it('parses clocks and supplies with or without units', () => {
    expect(parseClock('120')).toBe(120);
    expect(parseClock('120MHz')).toBe(120);
    expect(parseClock('1.2GHz')).toBe(1200);
    expect(parseClock('48000 kHz')).toBe(48);
    expect(parseVdd('1.8')).toBe(1.8);
    expect(parseVdd('1.8V')).toBe(1.8);
    expect(parseVdd('3300mV')).toBeCloseTo(3.3, 12);
    expect(parseTarget('STM32L4R5')).toBe('stm32l4r5');
  });

  it('names the flag on a bad value', () => {
    for (const [f, v, flag] of [[parseClock, 'fast', '--clock'], [parseClock, '-5MHz', '--clock'], [parseClock, '0', '--clock'], [parseVdd, '1.8A', '--vdd'], [parseTarget, 'esp32', '--target']] as const) {
      expect(() => f(v)).toThrow(UsageError);
      expect(() => f(v)).toThrow(new RegExp(`^${flag}: `));
    }
  });
});

describe('data file validation', () => {
  const good = () => JSON.parse(JSON.stringify({ ...loadTarget('stm32l4r5') })) as Record<string, unknown>;

  it('accepts a shipped file and names file and key on a bad one', () => {
    expect(validateTarget(good(), 'targets/stm32l4r5.json', 'stm32l4r5').id).toBe('stm32l4r5');
    const bad = good();
    (bad['cost'] as { cycles_per_mac: Record<string, unknown> }).cycles_per_mac['depthwise'] = 'fast';
    expect(() => validateTarget(bad, 'targets/x.json', 'stm32l4r5')).toThrow(new FileError('targets/x.json: "cost.cycles_per_mac.depthwise" must be a positive number'));
    const unsourced = good();
    delete (unsourced['sources'] as Record<string, string>)['active_power_mw'];
    expect(() => validateTarget(unsourced, 'targets/x.json', 'stm32l4r5')).toThrow(/"sources.active_power_mw" is missing/);
    expect(() => validateTarget(good(), 'targets/other.json', 'other')).toThrow(/"id" must be "other"/);
  });
});

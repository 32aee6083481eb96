/** `edgec targets` through the built CLI: the table, --json, one target with overrides, bad flags. */
import { describe, expect, it } from 'vitest';
import { isOneLineError, runEdgec } from '../helpers/cli.js';

describe('edgec targets', () => {
  it('lists every target, the default marked, without colour codes when piped', () => {
    const r = runEdgec(['targets']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^stm32l4r5 \* +cortex-m4/m);
    expect(r.stdout).toMatch(/^bitfusion +bitfusion/m);
    expect(r.stdout.split('\n').filter((l) => /^(stm32|nrf|ra|rp|bitfusion)/.test(l))).toHaveLength(11);
    expect(r.stdout).not.toMatch(/\u001b\[/);
  });

  it('prints JSON, and one target with --clock/--vdd applied', () => {
    const all = JSON.parse(runEdgec(['targets', '--json']).stdout) as { schema: string; default: string; targets: { id: string }[] };
    expect(all.schema).toBe('edgec.targets/1');
    expect(all.targets.map((t) => t.id)).toContain('ra8d1');
    const one = JSON.parse(runEdgec(['targets', '--json', '--target', 'stm32l4r5', '--clock', '60MHz', '--vdd', '3.0V']).stdout) as {
      targets: { clock_mhz: number; vdd: number; active_power_mw: number; base: { active_power_mw: number } }[];
    };
    const t = one.targets[0]!;
    expect([t.clock_mhz, t.vdd]).toEqual([60, 3]);
    expect(t.active_power_mw).toBeCloseTo(t.base.active_power_mw * 0.5 * (3 / 1.8), 9);
    expect(runEdgec(['targets', '--target', 'bitfusion']).stdout).toMatch(/ceil\(OC\/32\)/);
  });

  it('bad flags are one-line usage errors (exit 2) naming the flag', () => {
    for (const [args, flag] of [[['--target', 'esp32'], '--target'], [['--target', 'rp2040', '--clock', 'fast'], '--clock'], [['--target', 'rp2040', '--vdd', '9V'], '--vdd'], [['--clock', '80'], '--clock']] as const) {
      const r = runEdgec(['targets', ...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(isOneLineError(r.stderr), r.stderr).toBe(true);
      expect(r.stderr).toContain(flag);
    }
  });
});

/**
 * Checks a parsed targets/<id>.json against the Target type, key by key, so a mistake in a data
 * file (a user's own, or ours) is a one-line error naming the file and the key, not a NaN in a
 * report. Also checks that every value names its source.
 */
import { FileError } from '../errors.js';
import {
  CORE_KINDS,
  ELEMENT_KINDS,
  MAC_KINDS,
  REGULATOR_MODES,
  type BitFusionCost,
  type CpuCost,
  type Target,
} from './target.js';

type Json = Record<string, unknown>;

class Checker {
  constructor(readonly file: string) {}

  fail(key: string, what: string): never {
    throw new FileError(`${this.file}: "${key}" ${what}`);
  }

  object(v: unknown, key: string): Json {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) this.fail(key, 'must be an object');
    return v as Json;
  }

  string(v: unknown, key: string): string {
    if (typeof v !== 'string' || v === '') this.fail(key, 'must be a non-empty string');
    return v;
  }

  number(v: unknown, key: string, min = 0, strictlyPositive = true): number {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min || (strictlyPositive && v <= 0)) {
      this.fail(key, `must be a ${strictlyPositive ? 'positive' : 'non-negative'} number`);
    }
    return v;
  }

  boolean(v: unknown, key: string): boolean {
    if (typeof v !== 'boolean') this.fail(key, 'must be true or false');
    return v;
  }

  oneOf<T extends string>(v: unknown, key: string, allowed: readonly T[]): T {
    if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) this.fail(key, `must be one of ${allowed.join(', ')}`);
    return v as T;
  }

  bits(v: unknown, key: string, allowed: number[]): number[] {
    if (!Array.isArray(v) || v.length === 0 || !v.every((b) => allowed.includes(b as number))) {
      this.fail(key, `must be a non-empty list of bit widths from ${allowed.join(', ')}`);
    }
    return [...(v as number[])].sort((a, b) => b - a);
  }

  /** An object with exactly the given keys, each a non-negative number. */
  numbers<K extends string>(v: unknown, key: string, keys: readonly K[], positive = true): Record<K, number> {
    const o = this.object(v, key);
    const out = {} as Record<K, number>;
    for (const k of keys) out[k] = this.number(o[k], `${key}.${k}`, 0, positive);
    return out;
  }
}

function cpuCost(c: Checker, o: Json): CpuCost {
  const factors = c.object(o['weight_bits_factor'], 'cost.weight_bits_factor');
  return {
    model: 'cpu',
    stack: c.string(o['stack'], 'cost.stack'),
    cycles_per_mac: c.numbers(o['cycles_per_mac'], 'cost.cycles_per_mac', MAC_KINDS),
    few_channels_cycles: c.number(o['few_channels_cycles'], 'cost.few_channels_cycles', 0, false),
    cycles_per_element: c.numbers(o['cycles_per_element'], 'cost.cycles_per_element', ELEMENT_KINDS, false),
    layer_overhead_cycles: c.number(o['layer_overhead_cycles'], 'cost.layer_overhead_cycles', 0, false),
    weight_bits_factor: {
      '4': c.numbers(factors['4'], 'cost.weight_bits_factor.4', MAC_KINDS),
      '2': c.numbers(factors['2'], 'cost.weight_bits_factor.2', MAC_KINDS),
    },
    activation16_factor: c.number(o['activation16_factor'], 'cost.activation16_factor'),
  };
}

function bitFusionCost(c: Checker, o: Json): BitFusionCost {
  const integer = (v: unknown, key: string) => {
    const n = c.number(v, key);
    if (!Number.isInteger(n)) c.fail(key, 'must be a positive integer');
    return n;
  };
  return {
    model: 'bitfusion',
    rows_m: integer(o['rows_m'], 'cost.rows_m'),
    cols_n: integer(o['cols_n'], 'cost.cols_n'),
    cycles_per_element: c.numbers(o['cycles_per_element'], 'cost.cycles_per_element', ELEMENT_KINDS, false),
    layer_overhead_cycles: c.number(o['layer_overhead_cycles'], 'cost.layer_overhead_cycles', 0, false),
  };
}

/** The keys whose source must be stated: every top-level value, and each entry of `cost`. */
function requiredSources(raw: Json): string[] {
  const top = Object.keys(raw).filter((k) => !['id', 'name', 'sources', 'cost', 'dsp', 'helium'].includes(k));
  const cost = Object.keys(raw['cost'] as Json).filter((k) => k !== 'model');
  return [...top, ...cost.map((k) => `cost.${k}`)];
}

/** `raw` parsed from `file` (a display path) whose name says it is target `id`. */
export function validateTarget(raw: unknown, file: string, id: string): Target {
  const c = new Checker(file);
  const o = c.object(raw, '(top level)');
  if (o['id'] !== id) c.fail('id', `must be "${id}", the file's name`);
  const costRaw = c.object(o['cost'], 'cost');
  const model = c.oneOf(costRaw['model'], 'cost.model', ['cpu', 'bitfusion'] as const);
  const core = c.oneOf(o['core'], 'core', CORE_KINDS);
  const clock = c.number(o['clock_mhz'], 'clock_mhz');
  const maxClock = c.number(o['max_clock_mhz'], 'max_clock_mhz');
  if (clock > maxClock) c.fail('clock_mhz', `(${clock}) exceeds max_clock_mhz (${maxClock})`);
  const vdd = c.number(o['vdd'], 'vdd');
  const range: unknown = o['vdd_range'];
  if (!Array.isArray(range) || range.length !== 2) c.fail('vdd_range', 'must be [min, max] in volts');
  const [lo, hi] = range as unknown[];
  const vddRange: [number, number] = [c.number(lo, 'vdd_range[0]'), c.number(hi, 'vdd_range[1]')];
  if (!(vddRange[0] <= vdd && vdd <= vddRange[1])) c.fail('vdd', `(${vdd}) is outside vdd_range [${vddRange.join(', ')}]`);
  if ((model === 'bitfusion') !== (core === 'bitfusion')) c.fail('cost.model', `"${model}" does not go with core "${core}"`);
  const codeBytes = c.object(o['code_bytes'], 'code_bytes');
  const target: Target = {
    id,
    name: c.string(o['name'], 'name'),
    core,
    dsp: c.boolean(o['dsp'], 'dsp'),
    helium: c.boolean(o['helium'], 'helium'),
    clock_mhz: clock,
    max_clock_mhz: maxClock,
    flash_bytes: c.number(o['flash_bytes'], 'flash_bytes'),
    sram_bytes: c.number(o['sram_bytes'], 'sram_bytes'),
    vdd,
    vdd_range: vddRange,
    regulator: c.oneOf(o['regulator'], 'regulator', REGULATOR_MODES),
    active_power_mw: c.number(o['active_power_mw'], 'active_power_mw'),
    weight_bits: c.bits(o['weight_bits'], 'weight_bits', [8, 4, 2]),
    activation_bits: c.bits(o['activation_bits'], 'activation_bits', [16, 8, 4, 2]),
    cost: model === 'cpu' ? cpuCost(c, costRaw) : bitFusionCost(c, costRaw),
    code_bytes: c.numbers(codeBytes, 'code_bytes', Object.keys(codeBytes), false),
    code_bytes_per_layer: c.number(o['code_bytes_per_layer'], 'code_bytes_per_layer', 0, false),
    sources: {},
  };
  const sources = c.object(o['sources'], 'sources');
  for (const key of requiredSources(o)) {
    if (sources[key] === undefined) c.fail(`sources.${key}`, 'is missing: every value must name its source');
  }
  for (const [key, v] of Object.entries(sources)) target.sources[key] = c.string(v, `sources.${key}`);
  return target;
}

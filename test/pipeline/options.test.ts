/** Compress options: every malformed value is a UsageError naming its flag; defaults and cross-checks. */
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { checkName, parseBits, parseGroupSize, parseInputRange, parseObserver, resolveCompressOptions } from '../../src/pipeline/options.js';

describe('compress option parsing', () => {
  it('accepts the documented values', () => {
    expect(parseBits('w4a8')).toBe('w4a8');
    expect(parseObserver('mse')).toBe('mse');
    expect(parseGroupSize('32')).toBe(32);
    expect(parseInputRange('-1,1')).toEqual([-1, 1]);
    expect(parseInputRange(' 0 , 2.5e2 ')).toEqual([0, 250]);
    expect(checkName('kws_model2')).toBe('kws_model2');
  });

  const bad: [string, () => unknown, RegExp][] = [
    ['bits', () => parseBits('w3a8'), /^--bits "w3a8"/],
    ['observer', () => parseObserver('max'), /^--observer/],
    ['group size 0', () => parseGroupSize('0'), /^--group-size/],
    ['group size text', () => parseGroupSize('8x'), /^--group-size/],
    ['range of one number', () => parseInputRange('1'), /^--input-range/],
    ['range reversed', () => parseInputRange('1,0'), /^--input-range .*lo must be below hi/],
    ['range not numbers', () => parseInputRange('a,b'), /^--input-range/],
    ['range infinite', () => parseInputRange('0,1e999'), /^--input-range/],
    ['name with a dash', () => checkName('my-model'), /^--name/],
    ['name starting with a digit', () => checkName('1net'), /^--name/],
    ['name a keyword', () => checkName('static'), /^--name/],
    ['name with a comment', () => checkName('a*/b'), /^--name/],
    ['group size with w8a8', () => resolveCompressOptions({ bits: 'w8a8', groupSize: 32 }), /^--group-size applies to 4-bit/],
    ['group size with the default auto', () => resolveCompressOptions({ groupSize: 32 }), /^--group-size applies to 4-bit .*not --bits auto/],
    ['calib and range', () => resolveCompressOptions({ calib: 'x.npy', inputRange: [0, 1] }), /--calib and --input-range/],
  ];
  for (const [what, f, message] of bad) {
    it(`refuses ${what}`, () => {
      expect(f).toThrow(UsageError);
      expect(f).toThrow(message);
    });
  }

  it('fills in the defaults', () => {
    const o = resolveCompressOptions({});
    expect(o.bits).toBe('auto');
    expect(o).toMatchObject({ optimize: 'flash_bytes', maxDrop: 1, layerBits: undefined });
    expect(o.observer).toBe('minmax');
    expect(o.inputRange).toEqual([0, 1]);
    expect(o.uniformBits).toBe(false);
  });
});

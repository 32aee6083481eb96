/**
 * Printing numbers and arrays as C99 text, deterministically: integers in decimal, a fixed count
 * per line; floats as exact double literals (17 significant digits, which round-trip a float32
 * scale exactly); INT32_MIN spelled so that no literal overflows `int`.
 */
import { InternalError } from '../errors.js';
import type { CElementType } from './c-facet.js';

const RANGE: Record<CElementType, [number, number]> = {
  int8_t: [-128, 127],
  uint8_t: [0, 255],
  int16_t: [-32768, 32767],
  int32_t: [-2147483648, 2147483647],
};

/** An integer as a C expression of type int32_t (INT32_MIN has no literal of its own). */
export function cInt(v: number): string {
  if (!Number.isInteger(v) || v < -2147483648 || v > 2147483647) throw new InternalError(`C emitter: ${v} is not an int32`);
  return v === -2147483648 ? '(-2147483647 - 1)' : String(v);
}

/** A float or double constant that C reads back as exactly `v` (a double). */
export function cDouble(v: number): string {
  if (!Number.isFinite(v)) throw new InternalError(`C emitter: ${v} is not a finite number`);
  const text = v.toPrecision(17);
  return /[.e]/.test(text) ? text : `${text}.0`;
}

/** The body of an array initializer: `values` checked against the element type, 16 per line. */
export function cArrayBody(type: CElementType, values: ArrayLike<number>, perLine = 16): string {
  const [lo, hi] = RANGE[type];
  const lines: string[] = [];
  for (let i = 0; i < values.length; i += perLine) {
    const row: string[] = [];
    for (let j = i; j < Math.min(values.length, i + perLine); j++) {
      const v = values[j]!;
      if (!Number.isInteger(v) || v < lo || v > hi) throw new InternalError(`C emitter: ${v} does not fit ${type}`);
      row.push(cInt(v));
    }
    lines.push(`    ${row.join(', ')},`);
  }
  // C99 forbids empty initializers: an empty array still gets one element.
  return values.length === 0 ? '    0' : lines.join('\n');
}

/** `{ .a = 1, .b = 2 }` from an object of integers, in the object's key order. */
export function cStructInit(fields: Record<string, number | string>): string {
  return `{ ${Object.entries(fields)
    .map(([k, v]) => `.${k} = ${typeof v === 'number' ? cInt(v) : v}`)
    .join(', ')} }`;
}

/** C type of an activation tensor's elements. */
export function cActivationType(type: 'int8' | 'int16'): 'int8_t' | 'int16_t' {
  return type === 'int16' ? 'int16_t' : 'int8_t';
}

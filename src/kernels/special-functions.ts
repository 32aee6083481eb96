/**
 * Scalar functions JavaScript's Math lacks, to double precision so that float32 results round
 * the same way a correctly rounded kernel's would: erf, round-half-to-even, rounding to float16.
 */

const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

/**
 * The error function. |x| < 3: its Maclaurin series (terms peak near 1e3 at x = 3, so about
 * 13 significant digits survive the cancellation); beyond that, erfc's continued fraction,
 * which converges fast there; past 6, erf is 1 to double precision.
 */
export function erf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const ax = Math.abs(x);
  if (ax >= 6) return Math.sign(x);
  if (ax < 3) {
    const x2 = x * x;
    let term = x; // (-1)^n x^(2n+1) / n!
    let sum = x;
    for (let n = 1; n < 100; n++) {
      term *= -x2 / n;
      const contribution = term / (2 * n + 1);
      sum += contribution;
      if (Math.abs(contribution) < 1e-17 * Math.abs(sum)) break;
    }
    return TWO_OVER_SQRT_PI * sum;
  }
  // erfc(x) = exp(-x^2)/sqrt(pi) * 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + ...))))), from the tail up.
  let fraction = 0;
  for (let k = 60; k >= 1; k--) fraction = k / 2 / (ax + fraction);
  const erfc = Math.exp(-ax * ax) / Math.sqrt(Math.PI) / (ax + fraction);
  return Math.sign(x) * (1 - erfc);
}

/** Rounds to the nearest integer, ties to even (ONNX Round, numpy.round), keeping -0. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  // Math.round sends ties up; a tie whose upper neighbour is odd goes down instead.
  if (r - x === 0.5 && r % 2 !== 0) return r - 1;
  return r;
}

const F16_MIN_NORMAL = 2 ** -14;
const F16_MAX = 65504;

/** Rounds to the nearest float16 value (ties to even), as a double. */
export function roundToFloat16(v: number): number {
  if (!Number.isFinite(v) || v === 0) return v;
  const a = Math.abs(v);
  // Beyond max + half an ulp (2^5 at the top binade) rounds to infinity.
  if (a >= F16_MAX + 16) return Math.sign(v) * Infinity;
  // Spacing of float16 values around a: 2^(e - 10) for normals, 2^-24 for subnormals.
  const exponent = a < F16_MIN_NORMAL ? -14 : Math.floor(Math.log2(a));
  const ulp = 2 ** (exponent - 10);
  const scaled = a / ulp;
  let rounded = Math.round(scaled);
  if (rounded - scaled === 0.5 && rounded % 2 !== 0) rounded -= 1;
  return Math.sign(v) * rounded * ulp;
}

/**
 * Seeded pseudo-random numbers (mulberry32): every random choice in edgec (fixtures, synthetic
 * data, calibration inputs) goes through this, so the same seed gives byte-identical output.
 */

export type Random = () => number;

/** Uniform in [0, 1). */
export function rng(seed: number): Random {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal samples (Box-Muller on the seeded stream). */
export function gaussian(random: Random): () => number {
  return () => {
    const u = Math.max(random(), 1e-12);
    const v = random();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
}

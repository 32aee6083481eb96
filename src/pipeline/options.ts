/**
 * The options of `edgec compress`, as the library takes them, and their parsing from the CLI's
 * strings. Every bad value is a UsageError (exit 2) whose one-line message names the flag, so the
 * CLI stays a thin shell and a programmatic caller gets the same checks.
 */
import { checkCName } from '../codegen/c-identifier.js';
import { UsageError } from '../errors.js';
import type { ProgressCallback } from './progress.js';
import { DEFAULT_TARGET } from '../targets/load-targets.js';
import { validateBudgets, type Budgets } from './budgets.js';
import { resolveDistillFlags, type DistillFlags } from './distill-options.js';
import { resolveSearchFlags, type SearchFlags } from './bit-search-options.js';

export const BITS_PRESETS = ['w8a8', 'w4a8', 'w2a8', 'w8a16'] as const;
export type BitsPreset = (typeof BITS_PRESETS)[number];

export const OBSERVERS = ['minmax', 'percentile', 'mse'] as const;
export type ObserverKind = (typeof OBSERVERS)[number];

/** What `--bits` means: the weight width of the quantized layers and the activation type. */
export interface BitsSpec {
  weightBits: 8 | 4 | 2;
  activation: 'int8' | 'int16';
}

/** 'auto' (the bit-width search, src/bits/) starts from w8a8; the search's policy then says. */
export function bitsSpec(preset: BitsPreset | 'auto'): BitsSpec {
  switch (preset) {
    case 'auto':
    case 'w8a8':
      return { weightBits: 8, activation: 'int8' };
    case 'w4a8':
      return { weightBits: 4, activation: 'int8' };
    case 'w2a8':
      return { weightBits: 2, activation: 'int8' };
    case 'w8a16':
      return { weightBits: 8, activation: 'int16' };
  }
}

/** Validated compress options (defaults filled in by `resolveCompressOptions`). */
export interface CompressOptions extends DistillFlags, SearchFlags {
  /** Output directory; default `edgec-out/<stem>/` (relative to the working directory). */
  outDir?: string;
  /** 'auto' (the default): per-layer widths chosen by the search (src/bits/search.ts); or a preset. */
  bits?: BitsPreset | 'auto';
  /** The C prefix; default the model file's stem made a C identifier. */
  name?: string;
  /** int4 group-wise scales: inputs of a channel that share one scale. */
  groupSize?: number;
  /** Calibration inputs drawn uniformly from [lo, hi] (default [0, 1]) ... */
  inputRange?: [number, number];
  /** ... or read from this .npy file (N samples of the model's input). */
  calib?: string;
  observer?: ObserverKind;
  /** `name=1x3x32x32`, as `--input-shape` takes them. */
  inputShape?: string[];
  /** Quantize the first and last weighted layers at --bits too (default: they stay 8-bit). */
  uniformBits?: boolean;
  /** The target the cost is predicted for (targets/<id>.json; default stm32l4r5), its clock (MHz) and supply (V). */
  target?: string;
  clockMhz?: number;
  vdd?: number;
  /** --max-flash / --max-ram / --max-latency / --max-energy (src/pipeline/budgets.ts). */
  budgets?: Budgets;
  /** Called as each stage starts, and every step of long loops (the CLI shows it in a spinner on a terminal). */
  onProgress?: ProgressCallback;
  /** Cancels the run at the next progress report; no output directory is written. */
  signal?: AbortSignal;
}

export const DEFAULT_INPUT_RANGE: [number, number] = [0, 1];

export function parseBits(value: string): BitsPreset | 'auto' {
  if (value === 'auto') return value;
  if ((BITS_PRESETS as readonly string[]).includes(value)) return value as BitsPreset;
  throw new UsageError(`--bits "${value}": expected auto or one of ${BITS_PRESETS.join(', ')}`);
}

export function parseObserver(value: string): ObserverKind {
  if ((OBSERVERS as readonly string[]).includes(value)) return value as ObserverKind;
  throw new UsageError(`--observer "${value}": expected one of ${OBSERVERS.join(', ')}`);
}

/** `--group-size G`: a positive integer (inputs of one output channel that share a scale). */
export function parseGroupSize(value: string): number {
  if (!/^[1-9]\d{0,5}$/.test(value.trim())) throw new UsageError(`--group-size "${value}": expected a positive integer, e.g. 32`);
  return Number(value);
}

/** `--input-range lo,hi`: two finite numbers with lo < hi. */
export function parseInputRange(value: string): [number, number] {
  const parts = value.split(',').map((s) => s.trim());
  const numbers = parts.map((s) => (/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(s) ? Number(s) : NaN));
  const [lo, hi] = numbers;
  if (numbers.length !== 2 || lo === undefined || hi === undefined || !Number.isFinite(lo) || !Number.isFinite(hi)) {
    throw new UsageError(`--input-range "${value}": expected two numbers lo,hi, e.g. 0,1 or -1,1`);
  }
  if (!(lo < hi)) throw new UsageError(`--input-range "${value}": lo must be below hi`);
  return [lo, hi];
}

/**
 * `--name N`: used verbatim as the C prefix and in file names, so it must already be what the C
 * sanitiser (codegen/c-identifier.ts) would produce; "edgec*" is reserved for the kernel sources.
 */
export function checkName(value: string): string {
  checkCName(value);
  if (value.startsWith('edgec')) throw new UsageError(`--name "${value}": names starting with "edgec" are reserved for the kernel sources`);
  return value;
}

/** The defaults, and the checks that involve more than one flag. */
export function resolveCompressOptions(
  options: CompressOptions,
): Required<Omit<CompressOptions, 'outDir' | 'name' | 'groupSize' | 'calib' | 'onProgress' | 'signal' | 'clockMhz' | 'vdd' | keyof DistillFlags | keyof SearchFlags>> &
  Pick<CompressOptions, 'outDir' | 'name' | 'groupSize' | 'calib' | 'onProgress' | 'signal' | 'clockMhz' | 'vdd'> &
  ReturnType<typeof resolveDistillFlags> &
  ReturnType<typeof resolveSearchFlags> {
  const bits = options.bits ?? 'auto';
  parseBits(bits);
  if (options.observer !== undefined) parseObserver(options.observer);
  if (options.name !== undefined) checkName(options.name);
  if (options.groupSize !== undefined) {
    if (!Number.isInteger(options.groupSize) || options.groupSize < 1) throw new UsageError(`--group-size ${options.groupSize}: expected a positive integer`);
    if (bits !== 'w4a8') throw new UsageError(`--group-size applies to 4-bit weights only (--bits w4a8), not --bits ${bits}`);
  }
  if (options.calib !== undefined && options.inputRange !== undefined) {
    throw new UsageError('--calib and --input-range both choose the calibration inputs: give one of them');
  }
  const inputRange = options.inputRange ?? DEFAULT_INPUT_RANGE;
  if (!(inputRange[0] < inputRange[1])) throw new UsageError(`--input-range ${inputRange.join(',')}: lo must be below hi`);
  return {
    ...options,
    bits,
    observer: options.observer ?? 'minmax',
    inputRange,
    inputShape: options.inputShape ?? [],
    uniformBits: options.uniformBits ?? false,
    target: options.target ?? DEFAULT_TARGET,
    budgets: validateBudgets(options.budgets ?? {}),
    ...resolveDistillFlags(options),
    ...resolveSearchFlags(options),
  };
}

export type ResolvedCompressOptions = ReturnType<typeof resolveCompressOptions>;

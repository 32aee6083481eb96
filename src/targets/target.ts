/**
 * What edgec knows about a target: the chip (core, clock, memories, supply), its measured active
 * power, and the coefficients of the cost model (src/cost/estimate-*.ts) for a CMSIS-NN-class
 * software stack on it (or, for the Bit Fusion accelerator, its array geometry). One JSON file
 * per target under targets/ at the package root; every value there names its source in
 * `sources` (a published measurement, a datasheet, a fit, or a stated estimate).
 */

export type CoreKind = 'cortex-m0plus' | 'cortex-m4' | 'cortex-m7' | 'cortex-m33' | 'cortex-m55' | 'cortex-m85' | 'bitfusion';
export const CORE_KINDS: readonly CoreKind[] = ['cortex-m0plus', 'cortex-m4', 'cortex-m7', 'cortex-m33', 'cortex-m55', 'cortex-m85', 'bitfusion'];

/** How the core is supplied: with an LDO the current is set by the load, so P scales with VDD. */
export type RegulatorMode = 'ldo' | 'smps' | 'external';
export const REGULATOR_MODES: readonly RegulatorMode[] = ['ldo', 'smps', 'external'];

/** The cost kinds that multiply-accumulate (priced per MAC). */
export type MacKind = 'conv' | 'conv1x1' | 'depthwise' | 'fully_connected';
export const MAC_KINDS: readonly MacKind[] = ['conv', 'conv1x1', 'depthwise', 'fully_connected'];
/** The cost kinds priced per element they read or write. */
export type ElementKind = 'pool' | 'elementwise' | 'softmax' | 'other';
export const ELEMENT_KINDS: readonly ElementKind[] = ['pool', 'elementwise', 'softmax', 'other'];

/** The kernel sources of csrc/ (codegen/kernel-sources.ts KERNEL_STEMS), for code size. */
export type CodeSizes = Record<string, number>;

/** A CPU running CMSIS-NN-class int8 kernels. */
export interface CpuCost {
  model: 'cpu';
  /** The software stack the coefficients describe (e.g. "microTVM + CMSIS-NN"). */
  stack: string;
  cycles_per_mac: Record<MacKind, number>;
  /** Cycles per output of a conv / conv1x1 layer (requantization, loop set-up): per MAC, / (Cin per group x kernel taps). */
  few_channels_cycles: number;
  cycles_per_element: Record<ElementKind, number>;
  layer_overhead_cycles: number;
  /** Multiplier on a layer's MAC cycles at int4 and int2 weights (unpacking), per MAC kind. */
  weight_bits_factor: { '4': Record<MacKind, number>; '2': Record<MacKind, number> };
  /** Multiplier on a layer's MAC cycles with int16 activations. */
  activation16_factor: number;
}

/** The Bit Fusion accelerator (../shared/docs/quantization.md §3): an M x N array of fusion units. */
export interface BitFusionCost {
  model: 'bitfusion';
  /** Output channels processed in parallel (array rows). */
  rows_m: number;
  /** Input channels processed in parallel per fusion unit at 8x8 bits (array columns). */
  cols_n: number;
  /** Cycles per element of the layers without MACs (pooling and activation units). */
  cycles_per_element: Record<ElementKind, number>;
  layer_overhead_cycles: number;
}

export interface Target {
  id: string;
  name: string;
  core: CoreKind;
  /** Armv7E-M / Armv8-M DSP (SIMD MAC) instructions. */
  dsp: boolean;
  /** M-profile vector extension (Cortex-M55/M85). */
  helium: boolean;
  /** Default clock and the highest the chip is specified for (the --clock limit). */
  clock_mhz: number;
  max_clock_mhz: number;
  flash_bytes: number;
  sram_bytes: number;
  /** Supply voltage (V) the active power was measured at, and the regulator then in use. */
  vdd: number;
  vdd_range: [number, number];
  regulator: RegulatorMode;
  /** Average power during inference at `vdd` and `clock_mhz` (mW). */
  active_power_mw: number;
  /** Weight and activation bit widths its kernels support (the bit-width search keeps to these). */
  weight_bits: number[];
  activation_bits: number[];
  cost: CpuCost | BitFusionCost;
  /** Code bytes of each kernel source when linked (0 when the host's code is not counted). */
  code_bytes: CodeSizes;
  /** Code bytes per layer of the generated NAME_run (one kernel call and its arguments). */
  code_bytes_per_layer: number;
  /** Where every value comes from: key (dotted for nested ones) -> source. */
  sources: Record<string, string>;
}

/** A target with the user's --clock / --vdd applied and the power scaled to them. */
export interface ResolvedTarget extends Target {
  /** The data file's own clock, supply and power, before overrides. */
  base: { clock_mhz: number; vdd: number; active_power_mw: number };
}

/**
 * The C emission facet of an op (OpDef.emitC): how one QLayer becomes C statements in the
 * generated NAME.c. The op file says which kernel source it calls, whether it may run in place,
 * how much scratch it needs and prints the call; the emitter (emit-c.ts) owns names, weights
 * arrays and the arena, and hands them to the facet through `CLayerContext`.
 *
 * The statements must compute exactly what the op's integer facet (`integer.run`) computes: the
 * registry-wide test compiles every facet and compares bit for bit.
 */
import type { QLayer, QModel, QTensor } from '../quant/qmodel.js';
import type { InPlaceRule } from './arena-buffers.js';

export type CElementType = 'int8_t' | 'uint8_t' | 'int16_t' | 'int32_t';

export interface CLayerContext {
  layer: QLayer;
  model: QModel;
  /** The layer's activation inputs and outputs, in QLayer order. */
  inputs: QTensor[];
  outputs: QTensor[];
  /** A C pointer expression to the i-th input / output in the arena, typed by its QTensor type. */
  input(i: number): string;
  output(i: number): string;
  /** Whether input i and output o were given the same bytes (in-place reuse). */
  sameBuffer(input: number, output: number): boolean;
  /** A `void *` expression to the layer's scratch bytes (only if `scratchBytes` asked for some). */
  scratch(): string;
  /**
   * Declares a `static const` array in the generated source and returns its C identifier. `label`
   * is a short fixed word chosen by the op (e.g. 'weights'), never model text.
   */
  constArray(label: string, type: CElementType, values: ArrayLike<number>): string;
  /** Declares quantized weights densely packed at `bits` (quant/pack.ts) as an int8_t array. */
  packedWeights(label: string, values: Int8Array, bits: number): string;
  /** Declares `static const TYPE id = INIT;` (a kernel's parameter struct); returns the id. */
  constStruct(label: string, type: string, init: string): string;
  /**
   * Runs `emit` with every declaration it makes inside `#if condition` ... `#endif` and returns
   * its statements wrapped the same way (a compile-time kernel variant, e.g. `EDGEC_DSP`).
   * `counted` false leaves its arrays out of the weight and constant byte totals.
   */
  guarded(condition: string, emit: () => string, counted?: boolean): string;
}

export interface CEmitFacet {
  /** Kernel source files (stems under csrc/, e.g. 'conv') the emitted calls need. */
  kernels: readonly string[];
  /** In-place reuse the op allows (see codegen/arena-buffers.ts), fixed or per layer. */
  inPlace?: InPlaceRule | ((layer: QLayer, inputs: QTensor[], outputs: QTensor[]) => InPlaceRule | undefined);
  /** Temporary bytes the kernel needs while the layer runs. */
  scratchBytes?(layer: QLayer, inputs: QTensor[], outputs: QTensor[]): number;
  /** C statements for the layer (each ending in `;`), e.g. one kernel call. */
  emit(ctx: CLayerContext): string;
}

/**
 * The C kernel sources shipped with edgec (top-level `csrc/`, listed in package.json `files`).
 * Located relative to this module, which sits one folder below the package root both as
 * src/codegen/*.ts (tests) and as dist/codegen/*.js (the built CLI).
 */
import { readFileSync } from 'node:fs';
import { InternalError } from '../errors.js';

const CSRC = new URL('../../csrc/', import.meta.url);

/** The shared header every kernel and every emitted model includes. */
export const KERNEL_HEADER = 'edgec_kernels.h';
/** The header of the DSP-extension kernels (stems ending in `_dsp`), shipped beside them. */
export const DSP_HEADER = 'edgec_dsp.h';
/** The header of the Helium (MVE) kernels (stems ending in `_mve`). */
export const MVE_HEADER = 'edgec_mve.h';

/** Every kernel source, by stem (the names ops list in their emitC facet's `kernels`). */
export const KERNEL_STEMS = ['conv', 'dense', 'pool', 'elementwise', 'layout', 'softmax', 'gemm_dsp', 'depthwise_dsp', 'gemm_mve', 'depthwise_mve'] as const;
export type KernelStem = (typeof KERNEL_STEMS)[number];

export function kernelFileName(stem: string): string {
  return `edgec_${stem}.c`;
}

function read(file: string): string {
  try {
    return readFileSync(new URL(file, CSRC), 'utf8');
  } catch (err) {
    throw new InternalError(`C kernel source ${file} is missing from the edgec package (${(err as Error).message.split('\n')[0]})`);
  }
}

/** File name -> contents for the header and the given kernel stems, sorted by name. */
export function kernelSources(stems: Iterable<string>): Map<string, string> {
  const files = new Map<string, string>([[KERNEL_HEADER, read(KERNEL_HEADER)]]);
  for (const stem of [...new Set(stems)].sort()) {
    if (!(KERNEL_STEMS as readonly string[]).includes(stem)) throw new InternalError(`unknown C kernel "${stem}"`);
    files.set(kernelFileName(stem), read(kernelFileName(stem)));
    if (stem.endsWith('_dsp')) files.set(DSP_HEADER, read(DSP_HEADER));
    if (stem.endsWith('_mve')) files.set(MVE_HEADER, read(MVE_HEADER));
  }
  return files;
}

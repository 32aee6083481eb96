/**
 * The Cortex-M cores `edgec verify --qemu` runs on and the QEMU board that emulates each: compiler
 * flags, the memory map the generated linker script uses, and the SysTick clock that turns timer
 * ticks into instructions.
 *
 * Memory maps (QEMU 7.2, docs/system/arm/mps2.rst and hw/arm/mps2.c / mps2-tz.c; checked by
 * booting each image, test/qemu/):
 *   mps2-an386 / mps2-an500: ZBT SSRAM1 at 0x00000000 (4 MB, boot vectors), SSRAM2/3 at
 *     0x20000000 (4 MB).
 *   mps2-an505: the core boots Secure with VTOR 0x10000000: SSRAM1 Secure alias 0x10000000 (4 MB),
 *     SSRAM2/3 Secure alias 0x38000000 (4 MB). The MPCs leave every block Secure after reset.
 *   mps3-an547: boots Secure from ITCM at 0x10000000 (512 KB, vectors only here), code in the SRAM
 *     Secure alias 0x11000000 (2 MB), data in ISRAM 0x31000000 (4 MB).
 *
 * Instruction counting: with `-icount shift=0` QEMU's virtual clock advances 1 ns per executed
 * instruction, and SysTick (CLKSOURCE = processor clock) counts the board's SYSCLK: 25 MHz on the
 * MPS2 FPGA images, 20 MHz on AN505's IoT Kit, 32 MHz on AN547's SSE-300. One tick is therefore
 * 1e9 / SYSCLK instructions (40, 50, 31.25): the resolution of every count.
 */
import { UsageError } from '../errors.js';

export const QEMU_CORES = ['cortex-m4', 'cortex-m7', 'cortex-m33', 'cortex-m55'] as const;
export type QemuCore = (typeof QEMU_CORES)[number];

export interface MemoryRegion {
  origin: number;
  length: number;
}

export interface QemuBoard {
  core: QemuCore;
  /** `qemu-system-arm -M` machine name. */
  machine: string;
  /** Code-generation flags for arm-none-eabi-gcc (core, Thumb, hard-float ABI, FPU / MVE). */
  cpuFlags: string[];
  /** Where the vector table sits (the reset VTOR), when it is not the start of `code`. */
  vectors?: MemoryRegion;
  code: MemoryRegion;
  /** .data, .bss, the newlib heap and the stack (top of the region). */
  data: MemoryRegion;
  /** SysTick's processor clock in Hz (see the header). */
  sysclkHz: number;
  /** A representative MCU in targets/*.json whose cost model the per-layer counts are set beside. */
  costTarget: string;
  /** Instruction-set extensions the core has (what optimised kernels may rely on). */
  features: { dsp: boolean; fpu: boolean; mve: boolean };
}

const MB = 1024 * 1024;

export const QEMU_BOARDS: Readonly<Record<QemuCore, QemuBoard>> = {
  'cortex-m4': {
    core: 'cortex-m4',
    machine: 'mps2-an386',
    cpuFlags: ['-mcpu=cortex-m4', '-mthumb', '-mfloat-abi=hard', '-mfpu=fpv4-sp-d16'],
    code: { origin: 0x00000000, length: 4 * MB },
    data: { origin: 0x20000000, length: 4 * MB },
    sysclkHz: 25_000_000,
    costTarget: 'stm32l4r5',
    features: { dsp: true, fpu: true, mve: false },
  },
  'cortex-m7': {
    core: 'cortex-m7',
    machine: 'mps2-an500',
    cpuFlags: ['-mcpu=cortex-m7', '-mthumb', '-mfloat-abi=hard', '-mfpu=fpv5-d16'],
    code: { origin: 0x00000000, length: 4 * MB },
    data: { origin: 0x20000000, length: 4 * MB },
    sysclkHz: 25_000_000,
    costTarget: 'stm32f746',
    features: { dsp: true, fpu: true, mve: false },
  },
  'cortex-m33': {
    core: 'cortex-m33',
    machine: 'mps2-an505',
    cpuFlags: ['-mcpu=cortex-m33', '-mthumb', '-mfloat-abi=hard', '-mfpu=fpv5-sp-d16'],
    code: { origin: 0x10000000, length: 4 * MB },
    data: { origin: 0x38000000, length: 4 * MB },
    sysclkHz: 20_000_000,
    costTarget: 'stm32u575',
    features: { dsp: true, fpu: true, mve: false },
  },
  'cortex-m55': {
    core: 'cortex-m55',
    machine: 'mps3-an547',
    // -mcpu=cortex-m55 enables MVE (integer and float) and the FPU; hard float passes in s-regs.
    cpuFlags: ['-mcpu=cortex-m55', '-mthumb', '-mfloat-abi=hard'],
    vectors: { origin: 0x10000000, length: 512 * 1024 },
    code: { origin: 0x11000000, length: 2 * MB },
    data: { origin: 0x31000000, length: 4 * MB },
    sysclkHz: 32_000_000,
    costTarget: 'ra8d1',
    features: { dsp: true, fpu: true, mve: true },
  },
};

export function parseQemuCore(value: string): QemuCore {
  const core = value.trim().toLowerCase();
  if (!(QEMU_CORES as readonly string[]).includes(core)) {
    throw new UsageError(`--qemu "${value}": expected one of ${QEMU_CORES.join(', ')}`);
  }
  return core as QemuCore;
}

export function boardOf(core: QemuCore): QemuBoard {
  return QEMU_BOARDS[core];
}

/** Instructions per SysTick tick (exact for the three clocks above: 40, 50, 31.25). */
export function instructionsPerTick(board: QemuBoard): number {
  return 1e9 / board.sysclkHz;
}

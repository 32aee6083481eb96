/**
 * Runs a built image (build-image.ts) in qemu-system-arm on integer samples:
 *   qemu-system-arm -M BOARD -icount shift=0 -nographic -monitor none -serial none
 *     -semihosting-config enable=on,target=native -kernel image.elf
 * with the build directory as working directory, so the harness's semihosting fopen reaches the
 * input and output files there. `-icount shift=0` makes the virtual clock count instructions (1 ns
 * each), which the harness reads through SysTick. A hang is killed after `timeoutMs`.
 *
 * runInQemu is the one-call form (build, run, delete): its signature is a contract the kernel work
 * measures with; keep it stable.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EmittedC } from '../codegen/emit-c.js';
import type { IntData } from '../codegen/host-build.js';
import { FileError, InternalError } from '../errors.js';
import { instructionsPerTick, type QemuCore } from './boards.js';
import { buildQemuImage, type QemuBuildOptions, type QemuImage } from './build-image.js';
import { IN_MAGIC, INPUT_FILE, OUTPUT_FILE } from './harness-main.js';
import type { SectionSizes } from './parse-map.js';
import { parseRunOutput, type SampleCounts } from './parse-output.js';

/** Default time limit: 60 s to boot plus 2 s per input (QEMU runs some 10^8 instructions/s). */
export const DEFAULT_QEMU_TIMEOUT_MS = 60_000;
export const DEFAULT_QEMU_TIMEOUT_PER_SAMPLE_MS = 2_000;

const FAULT_NAMES: Record<number, string> = { 2: 'NMI', 3: 'HardFault', 4: 'MemManage', 5: 'BusFault', 6: 'UsageFault', 7: 'SecureFault' };

export interface QemuRunOptions {
  /** Kill QEMU after this long (default 60 s + 2 s per sample). */
  timeoutMs?: number;
}

export interface QemuRun {
  core: QemuCore;
  machine: string;
  /** Per sample, one array per graph output (as the host harness's runInt). */
  outputs: IntData[][];
  /** Per sample: instructions of the inference, per layer, and of the boundary copies. */
  counts: SampleCounts[];
  /** Instructions per SysTick tick: the resolution of every count. */
  resolution: number;
  /** The cross compiler the image was built with. */
  compiler: string;
}

export interface QemuResult extends QemuRun {
  /** The model's own .text/.rodata/.data/.bss in the image, and the whole image's. */
  modelSizes: SectionSizes;
  imageSizes: SectionSizes;
}

function inputFile(image: QemuImage, samples: IntData[][]): Buffer {
  const header = Buffer.alloc(8);
  header.writeUInt32LE(IN_MAGIC, 0);
  header.writeUInt32LE(samples.length, 4);
  const parts: Buffer[] = [header];
  samples.forEach((sample, s) => {
    image.model.inputs.forEach((t, i) => {
      const a = sample[i];
      const bytes = t.type === 'int16' ? 2 : 1;
      if (!a || a.length !== t.size || a.BYTES_PER_ELEMENT !== bytes) throw new InternalError(`qemu: input ${i} of sample ${s} is not ${t.size} ${t.type} values`);
      parts.push(Buffer.from(a.buffer, a.byteOffset, a.byteLength));
    });
  });
  return Buffer.concat(parts);
}

/** Runs `samples` (each: one array per graph input) through the image in one QEMU process. */
export function runImage(image: QemuImage, samples: IntData[][], options: QemuRunOptions = {}): QemuRun {
  const timeoutMs = options.timeoutMs ?? DEFAULT_QEMU_TIMEOUT_MS + DEFAULT_QEMU_TIMEOUT_PER_SAMPLE_MS * samples.length;
  const inPath = join(image.dir, INPUT_FILE);
  const outPath = join(image.dir, OUTPUT_FILE);
  writeFileSync(inPath, inputFile(image, samples));
  rmSync(outPath, { force: true });
  const args = ['-M', image.board.machine, '-icount', 'shift=0', '-nographic', '-monitor', 'none', '-serial', 'none',
    '-semihosting-config', 'enable=on,target=native', '-kernel', image.elf];
  const r = spawnSync(image.tools.qemu, args, { cwd: image.dir, encoding: 'utf8', timeout: timeoutMs, killSignal: 'SIGKILL', stdio: ['ignore', 'pipe', 'pipe'] });
  const printed = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim();
  if (r.error && (r.error as NodeJS.ErrnoException).code === 'ETIMEDOUT') {
    throw new FileError(`qemu: ${image.board.machine} did not finish within ${timeoutMs / 1000} s and was killed (a hang in the image, or a slow machine: raise --qemu-timeout)`);
  }
  if (r.error) throw new FileError(`qemu: cannot run ${image.tools.qemu} (${(r.error as NodeJS.ErrnoException).code ?? r.error.message})`);
  const fault = /edgec-qemu: fault: exception (\d+)/.exec(printed);
  if (fault) {
    const n = Number(fault[1]);
    const kind = FAULT_NAMES[n] ?? 'exception';
    throw new InternalError(`qemu: the image faulted on ${image.board.machine} (${kind}, exception ${n}) running ${image.model.name} (a bug in edgec; please report it with the model)`);
  }
  if (r.status !== 0 || !existsSync(outPath)) {
    const detail = printed.split('\n').find((l) => l.trim() !== '') ?? `exit status ${r.status ?? r.signal}`;
    throw new InternalError(`qemu: the ${image.board.machine} image stopped without its results (${detail})`);
  }
  const perTick = instructionsPerTick(image.board);
  const parsed = parseRunOutput(readFileSync(outPath), image.model, image.layers, samples.length, perTick);
  return { core: image.core, machine: image.board.machine, outputs: parsed.outputs, counts: parsed.counts, resolution: perTick, compiler: image.tools.gcc };
}

/** Builds `model` for `core`, runs `samples` in QEMU, deletes the build: outputs, counts, sizes. */
export function runInQemu(model: EmittedC, core: QemuCore, samples: IntData[][], options: QemuBuildOptions & QemuRunOptions = {}): QemuResult {
  const image = buildQemuImage(model, core, options);
  try {
    return { ...runImage(image, samples, options), modelSizes: image.modelSizes, imageSizes: image.imageSizes };
  } finally {
    image.dispose();
  }
}

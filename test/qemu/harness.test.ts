/**
 * The QEMU harness against instruction counts known from the instruction set: layers that spin
 * `subs; bne` loops of known length (synthetic.ts) on every board, counted through SysTick, must
 * come out at 2 instructions per iteration within the timer's resolution (one tick: 40, 50 or
 * 31.25 instructions) plus the hook's own call (under 60 instructions). Also: a hang is killed
 * with a clear message, a fault is reported instead of hanging, missing tools name the packages.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EdgecError, ExitCode, FileError, InternalError, ModelError, UsageError } from '../../src/errors.js';
import { QEMU_CORES, buildQemuImage, findQemuTools, parseQemuCore, runImage, runInQemu, type QemuImage } from '../../src/qemu/index.js';
import { HAVE_QEMU_TOOLS, SKIP_NO_QEMU } from './tools-available.js';
import { faultingModel, hangingModel, loopInstructions, loopModel, oversizedModel, unhookedModel } from './synthetic.js';

const ITERATIONS = [1000, 20000, 60000];

function thrown(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}
const HOOK_OVERHEAD_MAX = 60;

describe.skipIf(!HAVE_QEMU_TOOLS)(`instruction counts through SysTick${SKIP_NO_QEMU}`, () => {
  const images = new Map<string, QemuImage>();
  beforeAll(() => {
    for (const core of QEMU_CORES) images.set(core, buildQemuImage(loopModel(ITERATIONS), core));
  }, 60_000);
  afterAll(() => images.forEach((i) => i.dispose()));

  it.each(QEMU_CORES)('%s: loops of known length count 2 instructions per iteration', (core) => {
    const image = images.get(core)!;
    const samples = [[Int8Array.of(1, 2, 3, -128)], [Int8Array.of(5, 6, 7, 126)]];
    const run = runImage(image, samples);
    expect(run.outputs.map((o) => Array.from(o[0]!))).toEqual([[2, 3, 4, -127], [6, 7, 8, 127]]);
    const tick = run.resolution;
    expect(tick).toBeGreaterThan(30);
    expect(tick).toBeLessThanOrEqual(50);
    for (const counts of run.counts) {
      expect(counts.layers).toHaveLength(ITERATIONS.length);
      counts.layers.forEach((measured, i) => {
        const extra = measured - loopInstructions(ITERATIONS[i]!);
        expect(extra).toBeGreaterThanOrEqual(-tick);
        expect(extra).toBeLessThanOrEqual(HOOK_OVERHEAD_MAX + tick);
      });
      // Differences cancel the hook: two intervals, each within one tick.
      const diff = counts.layers[2]! - counts.layers[1]!;
      expect(Math.abs(diff - 2 * (ITERATIONS[2]! - ITERATIONS[1]!))).toBeLessThanOrEqual(2 * tick);
      expect(counts.instructions).toBe(counts.boundary + counts.layers.reduce((s, n) => s + n, 0));
      expect(counts.boundary).toBeLessThan(200 + 2 * tick);
    }
  });

  it('reports the section sizes of the model apart from the harness', () => {
    const image = images.get('cortex-m4')!;
    expect(image.modelSizes.text).toBeGreaterThan(0);
    expect(image.modelSizes.text).toBeLessThan(200);
    expect(image.modelSizes.rodata + image.modelSizes.data + image.modelSizes.bss).toBe(0);
    expect(image.imageSizes.text).toBeGreaterThan(image.modelSizes.text + 1000);
  });

  it('times the whole call of C without layer hooks (no per-layer counts)', () => {
    const run = runInQemu(unhookedModel(50_000), 'cortex-m7', [[new Int8Array(4)]]);
    const counts = run.counts[0]!;
    expect(counts.layers).toEqual([]);
    const extra = counts.instructions - loopInstructions(50_000);
    expect(extra).toBeGreaterThanOrEqual(-run.resolution);
    expect(extra).toBeLessThanOrEqual(100 + run.resolution); // call, the output loop, stamps
  });

  it('a model too big for the board is a one-line model error (exit 3)', () => {
    const error = thrown(() => buildQemuImage(oversizedModel(), 'cortex-m4'));
    expect(error).toBeInstanceOf(ModelError);
    expect(error.message).toMatch(/linking the mps2-an386 image failed: the model does not fit the board's memory/);
    expect(error.message).not.toContain('\n');
  });

  it('kills a hanging image after the timeout with a clear message (FileError, exit 4)', () => {
    const error = thrown(() => runInQemu(hangingModel(), 'cortex-m4', [[new Int8Array(4)]], { timeoutMs: 1500 }));
    expect(error).toBeInstanceOf(FileError);
    expect(error.message).toMatch(/mps2-an386 did not finish within 1\.5 s and was killed/);
  });

  it('reports a fault on the target instead of hanging (InternalError, exit 70)', () => {
    const error = thrown(() => runInQemu(faultingModel(), 'cortex-m55', [[new Int8Array(4)]], { timeoutMs: 20_000 }));
    expect(error).toBeInstanceOf(InternalError);
    expect(error.message).toMatch(/faulted on mps3-an547 \(HardFault, exception 3\)/);
  });
});

describe('missing tools and bad cores', () => {
  it.each([
    [{ gcc: 'arm-none-eabi-gcc-not-installed' }, /needs the Arm cross compiler: cannot run "arm-none-eabi-gcc-not-installed" \(ENOENT\)/],
    [{ qemu: 'qemu-system-arm-not-installed' }, /needs QEMU: cannot run "qemu-system-arm-not-installed"/],
  ] as [{ gcc?: string; qemu?: string }, RegExp][])('%o is one line naming the Debian packages, exit 4', (options, message) => {
    if (!HAVE_QEMU_TOOLS && options.qemu) return; // the compiler check would fire first
    const error = thrown(() => findQemuTools(options));
    expect(error).toBeInstanceOf(FileError);
    expect((error as EdgecError).exitCode).toBe(ExitCode.io);
    expect(error.message).toMatch(message);
    expect(error.message).toContain('apt-get install gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-system-arm');
    expect(error.message).not.toContain('\n');
  });

  it('accepts the four cores and refuses others naming them', () => {
    expect(QEMU_CORES.map(parseQemuCore)).toEqual(['cortex-m4', 'cortex-m7', 'cortex-m33', 'cortex-m55']);
    expect(parseQemuCore(' Cortex-M55 ')).toBe('cortex-m55');
    expect(() => parseQemuCore('cortex-m3')).toThrow(UsageError);
    expect(() => parseQemuCore('cortex-m3')).toThrow(/--qemu "cortex-m3": expected one of cortex-m4, cortex-m7, cortex-m33, cortex-m55/);
  });
});

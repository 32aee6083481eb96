/**
 * The kernel code sizes in targets/*.json are measurements, not guesses: rebuild each kernel
 * source with the flags the file states and compare. A kernel edited without re-measuring fails
 * here (the cost model's flash figure would drift otherwise). Checks the default M4 target and
 * the Helium target, whose files name their compiler flags; skips visibly without the ARM compiler.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { KERNEL_STEMS } from '../../src/codegen/kernel-sources.js';
import { loadTarget } from '../../src/targets/load-targets.js';

const CSRC = fileURLToPath(new URL('../../csrc', import.meta.url));
const HAVE_ARM_GCC = (() => {
  try {
    execFileSync('arm-none-eabi-gcc', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

const FLAGS: Record<string, string[]> = {
  stm32l4r5: ['-mcpu=cortex-m4'],
  ra8d1: ['-mcpu=cortex-m55', '-mfloat-abi=hard'],
};

describe.skipIf(!HAVE_ARM_GCC)('kernel code sizes in targets/*.json (needs arm-none-eabi-gcc)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'edgec-code-size-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function textBytes(stem: string, flags: string[]): number {
    const object = join(dir, `${stem}.o`);
    execFileSync('arm-none-eabi-gcc', [...flags, '-mthumb', '-Os', '-std=c99', '-c', join(CSRC, `edgec_${stem}.c`), '-o', object, `-I${CSRC}`]);
    const line = execFileSync('arm-none-eabi-size', [object], { encoding: 'utf8' }).trim().split('\n').at(-1)!;
    return Number(line.trim().split(/\s+/)[0]);
  }

  for (const [id, flags] of Object.entries(FLAGS)) {
    it(`${id}: every kernel's .text as arm-none-eabi-gcc -Os ${flags.join(' ')} builds it`, () => {
      const target = loadTarget(id);
      expect(target.sources['code_bytes']).toContain(flags[0]!);
      for (const stem of KERNEL_STEMS) {
        expect(existsSync(join(CSRC, `edgec_${stem}.c`)), stem).toBe(true);
        expect(target.code_bytes[stem], `${id}: code_bytes.${stem}`).toBe(textBytes(stem, flags));
      }
    });
  }
});

/**
 * Compiles emitted C with the host C compiler and runs it: the harness `edgec verify` and the
 * tests use to compare the C with the integer reference. One program can hold several models
 * (each NAME_* is distinct; kernel sources are shared), so a test compiles once and runs many.
 *
 * The generated main.c reads, per sample, every input of the chosen model as raw little-endian
 * int8/int16 (or float32 with --float) from stdin and writes every output the same way to
 * stdout: `prog MODEL_INDEX int|float SAMPLES`. Compiled with -std=c99 -O2 -Wall -Wextra -Werror
 * -pedantic, so a warning in emitted code fails the build.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileError, InternalError } from '../errors.js';
import type { EmittedC } from './emit-c.js';
import { hostMain } from './host-main.js';

export const STRICT_C_FLAGS = ['-std=c99', '-O2', '-Wall', '-Wextra', '-Werror', '-pedantic'];

export interface HostBuildOptions {
  /** Compiler command (default: $CC or gcc). */
  cc?: string;
  /** Extra flags after the strict ones. */
  flags?: string[];
}

export type IntData = Int8Array | Int16Array;

export interface HostProgram {
  /** Runs model `index` on `samples` (each: one array per graph input); returns outputs per sample. */
  runInt(index: number, samples: IntData[][]): IntData[][];
  runFloat(index: number, samples: Float32Array[][]): Float32Array[][];
  /** Deletes the build directory. */
  dispose(): void;
}

/** Writes the sources of `models` and a harness main.c into `dir` (file name -> contents). */
export function writeHostSources(dir: string, models: readonly EmittedC[]): string[] {
  const files = new Map<string, string>();
  for (const m of models) {
    for (const [file, text] of m.files) {
      if (files.has(file) && files.get(file) !== text) throw new InternalError(`host build: two models emit different ${file}`);
      files.set(file, text);
    }
  }
  files.set('edgec_host_main.c', hostMain(models));
  for (const [file, text] of files) writeFileSync(join(dir, file), text);
  return [...files.keys()].filter((f) => f.endsWith('.c'));
}

export const CORTEX_M4_FLAGS = ['-mcpu=cortex-m4', '-mthumb'];

/**
 * Compiles (-c, no link) the emitted sources with a cross compiler, by default
 * arm-none-eabi-gcc for a Cortex-M4 with the strict flags: the warnings check for MCU targets.
 */
export function crossCompileCheck(models: readonly EmittedC[], cc = 'arm-none-eabi-gcc', flags: string[] = CORTEX_M4_FLAGS): void {
  const dir = mkdtempSync(join(tmpdir(), 'edgec-cross-'));
  try {
    const sources = writeHostSources(dir, models).filter((f) => f !== 'edgec_host_main.c');
    for (const source of sources) {
      execFileSync(cc, [...flags, ...STRICT_C_FLAGS, '-c', join(dir, source), '-o', join(dir, `${source}.o`)], { cwd: dir, stdio: 'pipe' });
    }
  } catch (err) {
    const stderr = String((err as { stderr?: Buffer }).stderr ?? (err as Error).message);
    throw new FileError(`${cc} failed on the emitted code: ${stderr.split('\n').find((l) => /error|warning/.test(l)) ?? stderr.split('\n')[0]}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function buildHostProgram(models: readonly EmittedC[], options: HostBuildOptions = {}): HostProgram {
  const dir = mkdtempSync(join(tmpdir(), 'edgec-c-'));
  const binary = join(dir, 'model');
  try {
    const sources = writeHostSources(dir, models);
    const cc = options.cc ?? process.env.CC ?? 'gcc';
    execFileSync(cc, [...STRICT_C_FLAGS, ...(options.flags ?? []), '-o', binary, ...sources.map((s) => join(dir, s))], { cwd: dir, stdio: 'pipe' });
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    const stderr = String((err as { stderr?: Buffer }).stderr ?? (err as Error).message);
    throw new FileError(`the C compiler failed on the emitted code: ${stderr.split('\n').find((l) => /error|warning/.test(l)) ?? stderr.split('\n')[0]}`);
  }
  const run = (index: number, mode: 'int' | 'float', samples: ArrayBufferView[][], outputs: { bytes: number }[]): Buffer => {
    const model = models[index];
    if (!model) throw new InternalError(`host program has no model ${index}`);
    const input = Buffer.concat(samples.flat().map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength)));
    const out = execFileSync(binary, [String(index), mode, String(samples.length)], { input, maxBuffer: 1 << 30 });
    const expected = samples.length * outputs.reduce((s, o) => s + o.bytes, 0);
    if (out.length !== expected) throw new InternalError(`host program wrote ${out.length} bytes, expected ${expected}`);
    return out;
  };
  const split = <T>(out: Buffer, count: number, sizes: number[], make: (b: Buffer, i: number) => T): T[][] => {
    const result: T[][] = [];
    let at = 0;
    for (let s = 0; s < count; s++) {
      result.push(sizes.map((bytes, i) => make(Buffer.from(out.subarray(at, (at += bytes))), i)));
    }
    return result;
  };
  return {
    runInt(index, samples) {
      const m = models[index]!;
      const sizes = m.outputs.map((o) => o.size * (o.type === 'int16' ? 2 : 1));
      const out = run(index, 'int', samples, sizes.map((bytes) => ({ bytes })));
      return split(out, samples.length, sizes, (b, i) =>
        m.outputs[i]!.type === 'int16' ? new Int16Array(b.buffer, b.byteOffset, b.length / 2) : new Int8Array(b.buffer, b.byteOffset, b.length));
    },
    runFloat(index, samples) {
      const m = models[index]!;
      const sizes = m.outputs.map((o) => o.size * 4);
      const out = run(index, 'float', samples, sizes.map((bytes) => ({ bytes })));
      return split(out, samples.length, sizes, (b) => new Float32Array(b.buffer, b.byteOffset, b.length / 4));
    },
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * Builds the C that `compress` left in an output directory (the files on disk, not a re-emission,
 * so what is verified is what the user ships) with the host compiler and codegen's harness, and
 * runs it. The harness needs the boundary types and sizes, which come from the QModel snapshot.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EmittedC } from '../codegen/emit-c.js';
import { buildHostProgram, type HostProgram, type IntData } from '../codegen/host-build.js';
import { FileError } from '../errors.js';
import { sizeOf } from '../ir/tensor.js';
import type { QModel, QTensor } from '../quant/qmodel.js';

/** The emitted C of `dir` as codegen's host build takes it. */
export function emittedFromDir(dir: string, name: string, model: QModel): EmittedC {
  let names: string[];
  try {
    names = readdirSync(dir).filter((f) => f.endsWith('.c') || f.endsWith('.h')).sort();
  } catch (e) {
    throw new FileError(`cannot read ${dir} (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  if (!names.includes(`${name}.c`) || !names.includes(`${name}.h`)) throw new FileError(`${dir} has no ${name}.c and ${name}.h`);
  const files = new Map(names.map((f) => [f, readFileSync(join(dir, f), 'utf8')]));
  const boundary = (list: string[]) =>
    list.map((n) => {
      const t = model.tensors.get(n) as QTensor;
      return { type: t.type, size: sizeOf(t.shape) };
    });
  const inputs = boundary(model.inputs);
  const outputs = boundary(model.outputs);
  return {
    name,
    files,
    arenaBytes: 0,
    entry: [...inputs, ...outputs].some((b) => b.type === 'int16') ? 'run_int16' : 'run_int8',
    inputs,
    outputs,
    weightBytes: 0,
    constBytes: 0,
  };
}

export function compilerName(cc?: string): string {
  return cc ?? process.env['CC'] ?? 'gcc';
}

/** Compiles `dir` for the host; the caller disposes of the program. */
export function buildDir(dir: string, name: string, model: QModel, cc?: string): HostProgram {
  const compiler = compilerName(cc);
  // A missing compiler is a setup problem, not a problem in the emitted code: say which.
  const probe = spawnSync(compiler, ['--version'], { stdio: 'ignore' });
  if (probe.error) throw new FileError(`verify needs a host C compiler: cannot run "${compiler}" (${(probe.error as NodeJS.ErrnoException).code ?? probe.error.message}); install gcc or set CC`);
  return buildHostProgram([emittedFromDir(dir, name, model)], { cc: compiler });
}

/** Runs DIR's C on samples of integer inputs (per sample, one array per graph input). */
export function runCompiledC(dir: string, name: string, model: QModel, inputs: IntData[][], cc?: string): { compiler: string; outputs: IntData[][] } {
  const program = buildDir(dir, name, model, cc);
  try {
    return { compiler: compilerName(cc), outputs: program.runInt(0, inputs) };
  } finally {
    program.dispose();
  }
}

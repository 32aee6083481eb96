#!/usr/bin/env node
/**
 * Builds edgec's WebAssembly SIMD kernels from the C in wasm/src/ into wasm/build/edgec-kernels.wasm.
 * Run by `npm run build:wasm` and by `prepare` (so `npm ci` on a fresh clone builds it); needs
 * clang and wasm-ld (Debian: `apt-get install clang lld`, which .ci/run does).
 *
 * The module imports one shared memory: every worker thread instantiates it over the same memory,
 * so the kernels must not touch the shadow stack (each instance would use the same stack bytes).
 * The build refuses C that does: it compiles each file to assembly too and looks for
 * __stack_pointer. The output is a function of the sources and the compiler version alone (no
 * debug info, no paths, no timestamps); set EDGEC_CLANG to choose the compiler.
 *
 * It builds two modules from the same sources: edgec-kernels.wasm (128-bit SIMD, multiply then add)
 * and edgec-kernels-relaxed.wasm (-mrelaxed-simd: madd in kernels.h becomes f32x4.relaxed_madd, a
 * fused multiply-add on x86 with FMA and on Arm), which src/kernels/wasm/module.ts loads when the
 * engine supports it. Only clang 16 and later encode that instruction with its standard opcode, so
 * the relaxed build uses the first of EDGEC_CLANG_RELAXED, clang-19 ... clang-16, or clang itself
 * when it is recent enough (Debian bookworm: `apt-get install clang-16 lld-16`, which
 * scripts/setup.sh does). Without one the relaxed module is skipped and the plain one serves.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';

const here = dirname(fileURLToPath(import.meta.url));
const sources = join(here, 'src');
const build = join(here, 'build');
const clang = process.env.EDGEC_CLANG || 'clang';
/** 2 GiB of 64 KiB pages: must match MAX_PAGES in src/kernels/wasm/module.ts. */
const MAX_MEMORY_BYTES = 32768 * 65536;

const cflags = ['--target=wasm32', '-msimd128', '-matomics', '-mbulk-memory', '-nostdlib', '-O3', '-std=c11',
  '-Wall', '-Wextra', '-Werror'];

function run(tool, args) {
  try {
    return execFileSync(tool, args, { cwd: here, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    const why = e.code === 'ENOENT' ? `${tool} not found (Debian: apt-get install clang lld)` : (e.stderr || e.message);
    process.stderr.write(`wasm/build.mjs: ${why}\n`);
    process.exit(1);
  }
}

/** Compiles every .c with `extra` flags into build/<objDir>, links them into build/<name>; returns the path. */
function buildModule(compiler, name, objDir, extra) {
  const output = join(build, name);
  mkdirSync(join(build, objDir), { recursive: true });
  const objects = [];
  for (const file of readdirSync(sources).filter((f) => f.endsWith('.c')).sort()) {
    const source = join('src', file);
    const object = join('build', objDir, file.replace(/\.c$/, '.o'));
    run(compiler, [...cflags, ...extra, '-c', source, '-o', object]);
    const assembly = run(compiler, [...cflags, ...extra, '-S', source, '-o', '-']);
    if (assembly.includes('__stack_pointer')) {
      process.stderr.write(`wasm/build.mjs: ${source} uses the shadow stack (a local array or an address-taken local); threads share one memory, so kernels must not\n`);
      process.exit(1);
    }
    objects.push(object);
  }
  const partial = `${output}.partial`;
  run(compiler, [...cflags, ...extra, '-fuse-ld=lld', '-Wl,--no-entry', '-Wl,--import-memory', '-Wl,--shared-memory',
    `-Wl,--max-memory=${MAX_MEMORY_BYTES}`, '-Wl,--export=__heap_base', '-Wl,--strip-debug', '-o', partial, ...objects]);
  return { output, partial };
}

/** Major version of a clang on PATH, or undefined when it is not installed. */
function clangMajor(tool) {
  try {
    const banner = execFileSync(tool, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const match = /clang version (\d+)/.exec(banner);
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** A clang that emits relaxed SIMD's standard opcodes (16 or later), or undefined. */
function relaxedClang() {
  if (process.env.EDGEC_CLANG_RELAXED) return process.env.EDGEC_CLANG_RELAXED;
  for (const tool of [clang, 'clang-19', 'clang-18', 'clang-17', 'clang-16']) {
    if ((clangMajor(tool) ?? 0) >= 16) return tool;
  }
  return undefined;
}

const plain = buildModule(clang, 'edgec-kernels.wasm', 'obj', []);
renameSync(plain.partial, plain.output);
process.stdout.write(`wasm/build.mjs: built ${plain.output}\n`);

const relaxedName = 'edgec-kernels-relaxed.wasm';
const relaxedCompiler = relaxedClang();
if (relaxedCompiler === undefined) {
  if (existsSync(join(build, relaxedName))) rmSync(join(build, relaxedName));
  process.stdout.write('wasm/build.mjs: no clang >= 16 (Debian: apt-get install clang-16 lld-16): no relaxed-SIMD module, the plain one serves\n');
} else {
  const relaxed = buildModule(relaxedCompiler, relaxedName, 'obj-relaxed', ['-mrelaxed-simd', '-DEDGEC_RELAXED_SIMD']);
  // This Node may not enable relaxed SIMD by default: the flag only makes validate() accept it.
  v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
  if (!WebAssembly.validate(readFileSync(relaxed.partial))) {
    process.stderr.write(`wasm/build.mjs: ${relaxed.partial} (built by ${relaxedCompiler}) does not validate\n`);
    process.exit(1);
  }
  renameSync(relaxed.partial, relaxed.output);
  process.stdout.write(`wasm/build.mjs: built ${relaxed.output} with ${relaxedCompiler}\n`);
}

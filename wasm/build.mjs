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
 * engine supports it. Clang 14 encodes that instruction with the pre-standard opcode of f32x4.fma;
 * the build finds each one with llvm-objdump (set EDGEC_LLVM_OBJDUMP to choose it) and rewrites it
 * to the standard opcode in place (same length). Without llvm-objdump the relaxed module is skipped
 * (the plain one is used everywhere).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';

const here = dirname(fileURLToPath(import.meta.url));
const sources = join(here, 'src');
const build = join(here, 'build');
const clang = process.env.EDGEC_CLANG || 'clang';
const objdump = process.env.EDGEC_LLVM_OBJDUMP || 'llvm-objdump';
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
function buildModule(name, objDir, extra) {
  const output = join(build, name);
  mkdirSync(join(build, objDir), { recursive: true });
  const objects = [];
  for (const file of readdirSync(sources).filter((f) => f.endsWith('.c')).sort()) {
    const source = join('src', file);
    const object = join('build', objDir, file.replace(/\.c$/, '.o'));
    run(clang, [...cflags, ...extra, '-c', source, '-o', object]);
    const assembly = run(clang, [...cflags, ...extra, '-S', source, '-o', '-']);
    if (assembly.includes('__stack_pointer')) {
      process.stderr.write(`wasm/build.mjs: ${source} uses the shadow stack (a local array or an address-taken local); threads share one memory, so kernels must not\n`);
      process.exit(1);
    }
    objects.push(object);
  }
  const partial = `${output}.partial`;
  run(clang, [...cflags, ...extra, '-fuse-ld=lld', '-Wl,--no-entry', '-Wl,--import-memory', '-Wl,--shared-memory',
    `-Wl,--max-memory=${MAX_MEMORY_BYTES}`, '-Wl,--export=__heap_base', '-Wl,--strip-debug', '-o', partial, ...objects]);
  return { output, partial };
}

/** Byte offset of the code section's contents in a wasm binary (section id 10). */
function codeSectionStart(bytes) {
  let at = 8;
  while (at < bytes.length) {
    const id = bytes[at++];
    let size = 0;
    for (let shift = 0; ; shift += 7) {
      const byte = bytes[at++];
      size |= (byte & 0x7f) << shift;
      if (byte < 0x80) break;
    }
    if (id === 10) return at;
    at += size;
  }
  throw new Error('no code section');
}

/**
 * Rewrites clang 14's f32x4.fma (0xfd 0xaf 0x01) to f32x4.relaxed_madd (0xfd 0x85 0x02) at the
 * offsets llvm-objdump decodes it at (code-section relative), so no immediate that happens to hold
 * those bytes is touched. Returns the count, or undefined when llvm-objdump is not installed.
 */
function patchRelaxedMadd(file) {
  let listing;
  try {
    listing = execFileSync(objdump, ['-d', file], { encoding: 'utf8', maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    if (e.code === 'ENOENT') return undefined;
    process.stderr.write(`wasm/build.mjs: ${objdump}: ${e.stderr || e.message}\n`);
    process.exit(1);
  }
  const bytes = readFileSync(file);
  const code = codeSectionStart(bytes);
  let count = 0;
  for (const match of listing.matchAll(/^\s*([0-9a-f]+):\s+fd af 01\s+f32x4\.fma\s*$/gm)) {
    const at = code + parseInt(match[1], 16);
    if (bytes[at] !== 0xfd || bytes[at + 1] !== 0xaf || bytes[at + 2] !== 0x01) {
      process.stderr.write(`wasm/build.mjs: ${file}: no f32x4.fma at code offset ${match[1]}\n`);
      process.exit(1);
    }
    bytes[at + 1] = 0x85;
    bytes[at + 2] = 0x02;
    count++;
  }
  writeFileSync(file, bytes);
  return count;
}

const plain = buildModule('edgec-kernels.wasm', 'obj', []);
renameSync(plain.partial, plain.output);
process.stdout.write(`wasm/build.mjs: built ${plain.output}\n`);

const relaxed = buildModule('edgec-kernels-relaxed.wasm', 'obj-relaxed', ['-mrelaxed-simd', '-DEDGEC_RELAXED_SIMD']);
const patched = patchRelaxedMadd(relaxed.partial);
// This Node may not enable relaxed SIMD by default: the flag only makes validate() accept it.
v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
if (patched === undefined) {
  rmSync(relaxed.partial);
  if (existsSync(relaxed.output)) rmSync(relaxed.output);
  process.stdout.write(`wasm/build.mjs: ${objdump} not found (Debian: apt-get install llvm): no relaxed-SIMD module, the plain one serves\n`);
} else if (!WebAssembly.validate(readFileSync(relaxed.partial))) {
  process.stderr.write(`wasm/build.mjs: the relaxed-SIMD module does not validate (${patched} madd rewritten)\n`);
  process.exit(1);
} else {
  renameSync(relaxed.partial, relaxed.output);
  process.stdout.write(`wasm/build.mjs: built ${relaxed.output} (${patched} relaxed madd)\n`);
}

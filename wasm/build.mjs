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
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, renameSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const sources = join(here, 'src');
const build = join(here, 'build');
const clang = process.env.EDGEC_CLANG || 'clang';
const output = join(build, 'edgec-kernels.wasm');
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

mkdirSync(join(build, 'obj'), { recursive: true });
const objects = [];
for (const file of readdirSync(sources).filter((f) => f.endsWith('.c')).sort()) {
  const source = join('src', file);
  const object = join('build', 'obj', file.replace(/\.c$/, '.o'));
  run(clang, [...cflags, '-c', source, '-o', object]);
  const assembly = run(clang, [...cflags, '-S', source, '-o', '-']);
  if (assembly.includes('__stack_pointer')) {
    process.stderr.write(`wasm/build.mjs: ${source} uses the shadow stack (a local array or an address-taken local); threads share one memory, so kernels must not\n`);
    process.exit(1);
  }
  objects.push(object);
}
const partial = `${output}.partial`;
run(clang, [...cflags, '-fuse-ld=lld', '-Wl,--no-entry', '-Wl,--import-memory', '-Wl,--shared-memory',
  `-Wl,--max-memory=${MAX_MEMORY_BYTES}`, '-Wl,--export=__heap_base', '-Wl,--strip-debug', '-o', partial, ...objects]);
renameSync(partial, output);
process.stdout.write(`wasm/build.mjs: built ${output}\n`);

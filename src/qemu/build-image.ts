/**
 * Builds a bare-metal QEMU image of emitted C: the model's sources (compiled with the strict flags,
 * so a warning on the target fails as on the host), the harness main and the board's startup
 * (startup-source.ts, harness-main.ts), linked against newlib with semihosting (rdimon) and
 * --gc-sections. The model's sources get `-include edgec_qemu.h`, which defines
 * EDGEC_LAYER_HOOK to take a timestamp; nothing else about them changes.
 *
 * Section sizes come from the link map (parse-map.ts): `model` sums the model's own objects
 * (NAME.c and the kernel sources), `image` everything linked.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { EmittedC } from '../codegen/emit-c.js';
import { STRICT_C_FLAGS } from '../codegen/host-build.js';
import { FileError, ModelError } from '../errors.js';
import { boardOf, type QemuBoard, type QemuCore } from './boards.js';
import { HARNESS_FILE, harnessMain, layerCountOf } from './harness-main.js';
import { sizesByObject, sumSizes, type SectionSizes } from './parse-map.js';
import { LINKER_SCRIPT, QEMU_HEADER, QEMU_HEADER_SOURCE, STARTUP_FILE, linkerScript, startupSource } from './startup-source.js';
import { findQemuTools, type QemuToolOptions, type QemuTools } from './tools.js';

export interface QemuBuildOptions extends QemuToolOptions {
  /** Extra compiler flags for the model's sources, after the defaults (e.g. -O3, -DNAME). */
  flags?: string[];
}

export interface QemuImage {
  core: QemuCore;
  board: QemuBoard;
  tools: QemuTools;
  /** The emitted model the image runs (boundary types and sizes). */
  model: EmittedC;
  /** Layers timed by the hook (the largest EDGEC_LAYER_HOOK index in NAME.c). */
  layers: number;
  /** The build directory; QEMU runs with it as working directory (semihosting files). */
  dir: string;
  elf: string;
  /** The model's own sections (NAME.c and kernel objects), and the whole image's. */
  modelSizes: SectionSizes;
  imageSizes: SectionSizes;
  /** Deletes the build directory. */
  dispose(): void;
}

const HARNESS_C_FLAGS = ['-std=c99', '-O2', '-Wall', '-Wextra', '-Werror'];
const SECTION_FLAGS = ['-ffunction-sections', '-fdata-sections'];

export function buildQemuImage(model: EmittedC, core: QemuCore, options: QemuBuildOptions = {}): QemuImage {
  const tools = findQemuTools(options);
  const board = boardOf(core);
  const dir = mkdtempSync(join(tmpdir(), `edgec-qemu-${core}-`));
  try {
    const layers = layerCountOf(model);
    const modelSources: string[] = [];
    for (const [file, text] of model.files) {
      writeFileSync(join(dir, file), text);
      if (file.endsWith('.c')) modelSources.push(file);
    }
    writeFileSync(join(dir, QEMU_HEADER), QEMU_HEADER_SOURCE);
    writeFileSync(join(dir, STARTUP_FILE), startupSource(board));
    writeFileSync(join(dir, HARNESS_FILE), harnessMain(model, layers));
    writeFileSync(join(dir, LINKER_SCRIPT), linkerScript(board));

    const compile = (source: string, flags: string[]) => {
      const object = join(dir, `${source}.o`);
      run(tools.gcc, [...board.cpuFlags, ...flags, ...SECTION_FLAGS, '-I', dir, '-c', join(dir, source), '-o', object], dir, `${tools.gcc} failed on ${source}`);
      return object;
    };
    const modelFlags = [...STRICT_C_FLAGS, '-include', QEMU_HEADER, ...(options.flags ?? [])];
    const modelObjects = modelSources.map((s) => compile(s, modelFlags));
    const harnessObjects = [compile(STARTUP_FILE, HARNESS_C_FLAGS), compile(HARNESS_FILE, HARNESS_C_FLAGS)];

    const elf = join(dir, 'image.elf');
    const map = join(dir, 'image.map');
    const link = [...board.cpuFlags, '--specs=rdimon.specs', '-nostartfiles', '-T', join(dir, LINKER_SCRIPT), '-Wl,--gc-sections', `-Wl,-Map=${map}`];
    run(tools.gcc, [...link, ...harnessObjects, ...modelObjects, '-o', elf], dir, `linking the ${board.machine} image failed`);

    const byObject = sizesByObject(readFileSync(map, 'utf8'));
    const own = new Set(modelObjects.map((o) => basename(o)));
    return {
      core,
      board,
      tools,
      model,
      layers,
      dir,
      elf,
      modelSizes: sumSizes(byObject, (file) => own.has(basename(file))),
      imageSizes: sumSizes(byObject, () => true),
      dispose: () => rmSync(dir, { recursive: true, force: true }),
    };
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

function run(command: string, args: string[], cwd: string, what: string): void {
  try {
    execFileSync(command, args, { cwd, stdio: 'pipe' });
  } catch (err) {
    const stderr = String((err as { stderr?: Buffer }).stderr ?? (err as Error).message);
    const line = stderr.split('\n').find((l) => /error|warning|overflow/.test(l)) ?? stderr.split('\n')[0] ?? '';
    // The board's memory is a property of the model's size, not a fault in edgec.
    const overflow = /region `(\w+)' overflowed by (\d+) bytes/.exec(stderr);
    if (overflow) throw new ModelError(`${what}: the model does not fit the board's memory (${overflow[1]} region overflowed by ${overflow[2]} bytes)`);
    throw new FileError(`${what}: ${line.replace(/^.*?\/edgec-qemu-[^/]+\//, '').trim()}`);
  }
}

/**
 * The host tools `verify --qemu` needs (Debian packages gcc-arm-none-eabi, libnewlib-arm-none-eabi,
 * qemu-system-arm), found up front so a missing one is one line naming what to install (FileError,
 * exit 4, as for a missing host compiler) rather than a compiler or spawn error halfway through.
 */
import { spawnSync } from 'node:child_process';
import { FileError } from '../errors.js';

export const INSTALL_HINT = 'apt-get install gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-system-arm';

export interface QemuTools {
  /** The cross compiler (also the linker driver). */
  gcc: string;
  qemu: string;
}

export interface QemuToolOptions {
  /** Cross compiler command (default: $EDGEC_ARM_GCC or arm-none-eabi-gcc). */
  gcc?: string;
  /** QEMU command (default: $EDGEC_QEMU or qemu-system-arm). */
  qemu?: string;
}

const checked = new Map<string, QemuTools>();

function runs(command: string, args: string[]): { ok: boolean; stdout: string; why: string } {
  const r = spawnSync(command, args, { encoding: 'utf8', timeout: 20_000 });
  if (r.error) return { ok: false, stdout: '', why: (r.error as NodeJS.ErrnoException).code ?? r.error.message };
  return { ok: r.status === 0, stdout: r.stdout ?? '', why: `exit status ${r.status}` };
}

/** Checks the tools once per process (a few spawns); throws FileError naming what to install. */
export function findQemuTools(options: QemuToolOptions = {}): QemuTools {
  const gcc = options.gcc ?? process.env['EDGEC_ARM_GCC'] ?? 'arm-none-eabi-gcc';
  const qemu = options.qemu ?? process.env['EDGEC_QEMU'] ?? 'qemu-system-arm';
  const key = `${gcc}\0${qemu}`;
  const known = checked.get(key);
  if (known) return known;
  const cc = runs(gcc, ['--version']);
  if (!cc.ok) throw new FileError(`verify --qemu needs the Arm cross compiler: cannot run "${gcc}" (${cc.why}); ${INSTALL_HINT}`);
  // The semihosting C library: without newlib, -print-file-name echoes the bare name back.
  const lib = runs(gcc, ['-mcpu=cortex-m4', '-mthumb', '-mfloat-abi=hard', '-mfpu=fpv4-sp-d16', '-print-file-name=librdimon.a']);
  if (!lib.ok || !lib.stdout.trim().includes('/')) {
    throw new FileError(`verify --qemu needs newlib for ${gcc} (librdimon.a not found); ${INSTALL_HINT}`);
  }
  const q = runs(qemu, ['--version']);
  if (!q.ok) throw new FileError(`verify --qemu needs QEMU: cannot run "${qemu}" (${q.why}); ${INSTALL_HINT}`);
  const tools = { gcc, qemu };
  checked.set(key, tools);
  return tools;
}

/**
 * `edgec verify DIR`: build the emitted C with the host compiler, check it bit for bit against the
 * integer reference, and compare with fp32. A difference exits 70 with a one-line message.
 * --qemu CORE builds for a Cortex-M core instead and runs in QEMU (src/qemu/).
 */
import type { Command } from 'commander';
import { makeChalk, printJson, printText } from '../output.js';

interface VerifyFlags {
  data?: string;
  count?: string;
  qemu?: string;
  qemuTimeout?: string;
  json?: boolean;
}

export function registerVerify(program: Command): void {
  program
    .command('verify')
    .description('compile the C in an `edgec compress` output directory and check it against the integer reference and fp32')
    .argument('<dir>', 'the output directory of edgec compress')
    .option('--data <file.npy>', 'run on these inputs (N samples of the model input) instead of generated ones')
    .option('--count <n>', 'number of inputs: generated (default 100), or the first n of --data (default all)')
    .option('--qemu <core>', 'build for cortex-m4|cortex-m7|cortex-m33|cortex-m55 and run in QEMU: sizes, instructions per inference and per layer')
    .option('--qemu-timeout <seconds>', 'kill QEMU after this long (default 60 + 2 per input)')
    .option('--json', 'print the result as JSON on stdout')
    .action(async (dir: string, flags: VerifyFlags) => {
      // Loaded here, not at the top: `edgec --help` must not pay for the pipeline (bench/startup.ts).
      const [{ parseCount, parseSeconds, verify }, { renderVerify }, { parseQemuCore }] = await Promise.all([
        import('../../api/verify.js'), import('../../report/verify-text.js'), import('../../qemu/boards.js'),
      ]);
      const options = {
        ...(flags.data !== undefined ? { data: flags.data } : {}),
        ...(flags.count !== undefined ? { count: parseCount(flags.count) } : {}),
        ...(flags.qemu !== undefined ? { qemu: parseQemuCore(flags.qemu) } : {}),
        ...(flags.qemuTimeout !== undefined ? { qemuTimeoutMs: parseSeconds(flags.qemuTimeout, '--qemu-timeout') } : {}),
      };
      const { result } = verify(dir, options);
      if (flags.json) printJson(result);
      else printText(renderVerify(result, makeChalk()));
    });
}

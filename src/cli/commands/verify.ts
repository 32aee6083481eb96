/**
 * `edgec verify DIR`: build the emitted C with the host compiler, check it bit for bit against the
 * integer reference, and compare with fp32. A difference exits 70 with a one-line message.
 */
import type { Command } from 'commander';
import { makeChalk, printJson, printText } from '../output.js';

interface VerifyFlags {
  data?: string;
  count?: string;
  json?: boolean;
}

export function registerVerify(program: Command): void {
  program
    .command('verify')
    .description('compile the C in an `edgec compress` output directory and check it against the integer reference and fp32')
    .argument('<dir>', 'the output directory of edgec compress')
    .option('--data <file.npy>', 'run on these inputs (N samples of the model input) instead of generated ones')
    .option('--count <n>', 'number of inputs: generated (default 100), or the first n of --data (default all)')
    .option('--json', 'print the result as JSON on stdout')
    .action(async (dir: string, flags: VerifyFlags) => {
      // Loaded here, not at the top: `edgec --help` must not pay for the pipeline (bench/startup.ts).
      const [{ parseCount, verify }, { renderVerify }] = await Promise.all([import('../../api/verify.js'), import('../../report/verify-text.js')]);
      const options = {
        ...(flags.data !== undefined ? { data: flags.data } : {}),
        ...(flags.count !== undefined ? { count: parseCount(flags.count) } : {}),
      };
      const { result } = verify(dir, options);
      if (flags.json) printJson(result);
      else printText(renderVerify(result, makeChalk()));
    });
}

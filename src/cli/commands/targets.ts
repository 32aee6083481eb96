/** `edgec targets`: the target database, or one target with --clock / --vdd applied. */
import type { Command } from 'commander';
import { makeChalk, printJson, printText } from '../output.js';

interface TargetsFlags {
  json?: boolean;
  target?: string;
  clock?: string;
  vdd?: string;
}

export function registerTargets(program: Command): void {
  program
    .command('targets')
    .description('list the targets the cost model knows (core, clock, memories, power, coefficients, sources)')
    .option('--json', 'print the targets as JSON on stdout')
    .option('--target <id>', 'show one target in detail, with its coefficients and sources')
    .option('--clock <freq>', 'with --target: run it at this clock (120, 120MHz, 1.2GHz)')
    .option('--vdd <volts>', 'with --target: supply voltage (1.8, 1.8V)')
    .action(async (flags: TargetsFlags) => {
      const [{ targets }, { renderTargets }, parse] = await Promise.all([
        import('../../api/targets.js'),
        import('../../report/targets-text.js'),
        import('../../targets/parse-flags.js'),
      ]);
      if (flags.target === undefined && (flags.clock !== undefined || flags.vdd !== undefined)) {
        const { UsageError } = await import('../../errors.js');
        throw new UsageError(`${flags.clock !== undefined ? '--clock' : '--vdd'} needs --target <id>`);
      }
      const result = targets({
        ...(flags.target !== undefined ? { target: parse.parseTarget(flags.target) } : {}),
        ...(flags.clock !== undefined ? { clockMhz: parse.parseClock(flags.clock) } : {}),
        ...(flags.vdd !== undefined ? { vdd: parse.parseVdd(flags.vdd) } : {}),
      });
      if (flags.json) printJson(result);
      else printText(renderTargets(result, makeChalk()));
    });
}

/**
 * The CLI entry point: declares commands and turns errors into exit codes. Commands are thin glue
 * over library functions (src/cli/commands/*); nothing else in edgec calls process.exit.
 */
import { Command, CommanderError } from 'commander';
import { EdgecError, ExitCode, UsageError } from '../errors.js';
import { applyConfig, configSections, withConfigOrigin } from '../config/apply-config.js';
import { findConfig } from '../config/find-config.js';
import { registerOps } from './commands/ops.js';
import { registerTargets } from './commands/targets.js';
import { registerInspect } from './commands/inspect.js';
import { registerCompress } from './commands/compress.js';
import { registerVerify } from './commands/verify.js';
import { VERSION } from '../version.js';

export function buildProgram(): Command {
  const program = new Command('edgec')
    .description('Compress ONNX models into bit-exact integer C for microcontrollers.')
    .version(VERSION, '-V, --version', 'print the version and exit')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .option('--config <file>', 'read option defaults from this JSON file (default: the nearest edgec.config.json, or package.json "edgec" key)')
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  registerInspect(program);
  registerCompress(program);
  registerVerify(program);
  registerOps(program);
  registerTargets(program);
  for (const c of program.commands) c.exitOverride();
  // Project config: defaults for the options the command line leaves unset (src/config/).
  program.hook('preAction', (root, action) => {
    if (!configSections(root).has(action.name())) return;
    const config = findConfig(process.cwd(), root.opts<{ config?: string }>().config);
    if (config) applyConfig(config, root, action);
  });
  return program;
}

export async function main(argv: string[]): Promise<void> {
  process.exitCode = await runCli(argv);
}

/** Runs the CLI and returns the exit code (exported for in-process tests). */
export async function runCli(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return ExitCode.ok;
  } catch (err) {
    return reportError(err, program);
  }
}

function reportError(err: unknown, program: Command): number {
  if (err instanceof CommanderError) {
    // Commander has already printed its message; --help and --version exit 0.
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.exitCode === 0) return ExitCode.ok;
    return ExitCode.usage;
  }
  if (err instanceof EdgecError) {
    const message = err instanceof UsageError ? withConfigOrigin(program, err.message) : err.message;
    process.stderr.write(`edgec: error: ${message}\n`);
    return err.exitCode;
  }
  const detail = err instanceof Error ? (err.stack ?? err.message) : String(err);
  process.stderr.write(
    `edgec: internal error (this is a bug in edgec): ${err instanceof Error ? err.message : String(err)}\n` +
      'Please report it with the command line and, if you can share it, the model. Details:\n' +
      `${detail}\n`,
  );
  return ExitCode.internal;
}

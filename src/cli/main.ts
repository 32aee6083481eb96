/**
 * The CLI entry point: declares commands and turns errors into exit codes. Commands are thin glue
 * over library functions (src/cli/commands/*); nothing else in edgec calls process.exit.
 */
import { Command, CommanderError } from 'commander';
import { EdgecError, ExitCode } from '../errors.js';
import { registerOps } from './commands/ops.js';
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
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  registerInspect(program);
  registerCompress(program);
  registerVerify(program);
  registerOps(program);
  for (const c of program.commands) c.exitOverride();
  return program;
}

export async function main(argv: string[]): Promise<void> {
  process.exitCode = await runCli(argv);
}

/** Runs the CLI and returns the exit code (exported for in-process tests). */
export async function runCli(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    return ExitCode.ok;
  } catch (err) {
    return reportError(err);
  }
}

function reportError(err: unknown): number {
  if (err instanceof CommanderError) {
    // Commander has already printed its message; --help and --version exit 0.
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.exitCode === 0) return ExitCode.ok;
    return ExitCode.usage;
  }
  if (err instanceof EdgecError) {
    process.stderr.write(`edgec: error: ${err.message}\n`);
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

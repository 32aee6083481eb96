/**
 * The one error module. Library code throws these; only the CLI entry point turns them into exit
 * codes (documented in README.md, "Exit codes"). Every message is one line that names the file,
 * node or flag at fault, so a user or a CI log can act on it without a stack trace.
 */

export const ExitCode = {
  ok: 0,
  usage: 2,
  model: 3,
  io: 4,
  budget: 5,
  internal: 70,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

export class EdgecError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCodeValue,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** A flag or argument is wrong: unknown option, bad value, missing argument. */
export class UsageError extends EdgecError {
  constructor(message: string) {
    super(message, ExitCode.usage);
  }
}

/** The model is not valid ONNX, is inconsistent, or uses something edgec does not support. */
export class ModelError extends EdgecError {
  constructor(message: string) {
    super(message, ExitCode.model);
  }
}

/** A file could not be read or written. */
export class FileError extends EdgecError {
  constructor(message: string) {
    super(message, ExitCode.io);
  }
}

/** The result does not meet a budget the user set (flash, RAM, latency, energy, accuracy). */
export class BudgetError extends EdgecError {
  constructor(message: string) {
    super(message, ExitCode.budget);
  }
}

/** A broken invariant inside edgec: always a bug in edgec, never the user's fault. */
export class InternalError extends EdgecError {
  constructor(message: string) {
    super(message, ExitCode.internal);
  }
}

/** Names a node the way every message does: `node "conv1" (Conv)`. */
export function describeNode(node: { name: string; op: string }): string {
  return `node "${node.name}" (${node.op})`;
}

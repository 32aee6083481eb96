/**
 * Terminal output conventions for every command: colour only on a TTY and never with NO_COLOR,
 * machine-readable JSON on stdout, human text on stdout, diagnostics on stderr.
 */
import { Chalk, type ChalkInstance } from 'chalk';

export function useColor(stream: NodeJS.WriteStream = process.stdout): boolean {
  if (process.env['NO_COLOR'] !== undefined && process.env['NO_COLOR'] !== '') return false;
  if (process.env['FORCE_COLOR'] !== undefined && process.env['FORCE_COLOR'] !== '0') return true;
  return stream.isTTY === true;
}

export function makeChalk(stream: NodeJS.WriteStream = process.stdout): ChalkInstance {
  return new Chalk({ level: useColor(stream) ? 1 : 0 });
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function printText(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

/**
 * Terminal output conventions for every command: colour only on a TTY and never with NO_COLOR,
 * machine-readable JSON on stdout, human text on stdout, diagnostics on stderr.
 */
import { Chalk, type ChalkInstance } from 'chalk';

export function useColor(stream: NodeJS.WriteStream = process.stdout): boolean {
  // NO_COLOR (no-color.org) wins when set to anything non-empty; FORCE_COLOR=1 forces colour on.
  const noColor = process.env['NO_COLOR'] ?? '';
  const forceColor = process.env['FORCE_COLOR'] ?? '';
  if (noColor !== '') return false;
  if (forceColor !== '' && forceColor !== '0') return true;
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

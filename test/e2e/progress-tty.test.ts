/**
 * Progress shows only on a terminal. Under a pseudo-terminal (util-linux `script`) compress draws
 * a spinner naming its stages on stderr, then prints the summary; with --json, or on a terminal
 * of width 0 (ora would loop forever clearing lines), nothing but the result. Off a terminal the
 * CLI tests already check stderr stays empty.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';
import { convNet } from './models.js';

const HAVE_SCRIPT = spawnSync('script', ['--version'], { stdio: 'ignore' }).status === 0;
const tmp = mkdtempSync(join(tmpdir(), 'edgec-tty-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
writeFileSync(join(tmp, 'net.onnx'), convNet());

/** Runs edgec under a pseudo-terminal of `columns` columns; returns everything it drew. */
function onTerminal(columns: number, args: string[]): { code: number | null; screen: string } {
  const command = `stty cols ${columns}; ${JSON.stringify(process.execPath)} ${JSON.stringify(join(ROOT, 'bin/edgec.js'))} ${args.join(' ')}`;
  const { NO_COLOR: _n, FORCE_COLOR: _f, ...env } = process.env;
  const r = spawnSync('script', ['-qec', command, '/dev/null'], { cwd: tmp, encoding: 'utf8', env, timeout: 60_000, stdio: ['ignore', 'pipe', 'pipe'] });
  return { code: r.status, screen: r.stdout };
}

describe.skipIf(!HAVE_SCRIPT)(`compress progress on a terminal${HAVE_SCRIPT ? '' : ' [SKIPPED: no `script` command]'}`, () => {
  it('draws a spinner with the stages, then the summary', () => {
    const r = onTerminal(100, ['compress', 'net.onnx', '-o', 'a']);
    expect(r.code).toBe(0);
    expect(r.screen).toMatch(/generating C|quantizing|loading/);
    expect(r.screen).toMatch(/\u001b\[\?25l/); // the spinner hides the cursor while it runs
    expect(r.screen).toMatch(/total(\u001b\[\d+m)?: 3 layers/); // bold "total": colour on a terminal
  });

  it('--json draws nothing but the JSON', () => {
    const r = onTerminal(100, ['compress', 'net.onnx', '-o', 'b', '--json']);
    expect(r.code).toBe(0);
    expect(r.screen).not.toMatch(/\u001b/);
    expect(JSON.parse(r.screen.replace(/\r/g, '')).schema).toBe('edgec.report/2');
  });

  it('a terminal of width 0 gets no spinner and the command finishes', () => {
    const r = onTerminal(0, ['compress', 'net.onnx', '-o', 'c']);
    expect(r.code).toBe(0);
    expect(r.screen).not.toMatch(/\u001b\[\?25l/);
    expect(r.screen.length).toBeLessThan(10_000);
  });
});

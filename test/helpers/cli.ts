/** Runs the real CLI (`node bin/edgec.js`, built by test/global-setup.ts) as a user or CI would. */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function runEdgec(args: string[], env: Record<string, string> = {}): CliResult {
  const r = spawnSync(process.execPath, ['bin/edgec.js', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: cleanEnv(env),
    timeout: 120_000,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** True when a CLI error is the one-line kind users should see (no stack trace). */
export function isOneLineError(stderr: string): boolean {
  const lines = stderr.trim().split('\n');
  return lines.length === 1 && lines[0]!.startsWith('edgec: error: ') && !/\n\s+at /.test(stderr);
}

/**
 * The caller's environment without colour switches (vitest and CI set FORCE_COLOR, and Node warns
 * on stderr when NO_COLOR and FORCE_COLOR are both set), plus the test's own variables.
 */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env['NO_COLOR'];
  delete env['FORCE_COLOR'];
  return { ...env, ...extra };
}

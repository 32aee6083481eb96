/**
 * CLI tests spawn the real `bin/edgec.js`, which runs the compiled JavaScript: build it once.
 * Type errors do not stop the build here (tsc still emits): `npm run typecheck` is CI's separate
 * gate for them, and one engineer's half-typed file should not block everyone's test runs.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export default function setup(): void {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const r = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) process.stderr.write(`global-setup: tsc reported errors (build emitted anyway):\n${r.stdout.slice(0, 2000)}\n`);
}

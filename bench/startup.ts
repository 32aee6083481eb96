/**
 * `npm run bench:startup` (also part of `npm run bench`): wall-clock start-up of the built CLI,
 * as a shell, Makefile or CI step pays it: `node bin/edgec.js --help`, `--version` and
 * `compress --help`, each spawned N times after 2 warm-up runs (so the file cache is warm, as
 * on a developer's machine). Target (issue 9): median `edgec --help` under 300 ms. Prints a
 * table; sets exit code 1 on a miss. Needs `npm run build` first (the CLI runs from dist/).
 *
 * Options: --runs N (timed runs per command, default 15).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TARGET_MS = 300;
const WARMUP = 2;

function runsOption(): number {
  const i = process.argv.indexOf('--runs');
  if (i < 0) return 15;
  const value = Number(process.argv[i + 1]);
  if (!Number.isInteger(value) || value < 1) throw new Error('bench:startup: --runs needs a positive integer');
  return value;
}

const COMMANDS = [['--help'], ['--version'], ['compress', '--help']];

/** Milliseconds of one spawn of node with `args` (failing loudly on a non-zero exit). */
function spawnMs(args: string[]): number {
  const start = performance.now();
  const r = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8' });
  const ms = performance.now() - start;
  if (r.status !== 0) throw new Error(`bench:startup: node ${args.join(' ')} exited ${r.status}: ${r.stderr.slice(0, 500)}`);
  return ms;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function main(): void {
  if (!existsSync(`${ROOT}dist/cli/main.js`)) throw new Error('bench:startup: dist/ is missing; run `npm run build` first');
  const runs = runsOption();
  // Interleaved, round by round: a load spike on a shared machine then hits all commands alike.
  const bare: number[] = [];
  const times = COMMANDS.map(() => [] as number[]);
  for (let k = 0; k < WARMUP + runs; k++) {
    const b = spawnMs(['-e', '']);
    const round = COMMANDS.map((args) => spawnMs(['bin/edgec.js', ...args]));
    if (k < WARMUP) continue;
    bare.push(b);
    round.forEach((ms, i) => times[i]!.push(ms));
  }
  const base = median(bare);
  console.log(`edgec start-up: median of ${runs} runs after ${WARMUP} warm-up runs (min-max); a bare \`node -e ""\` takes ${base.toFixed(0)} ms here`);
  COMMANDS.forEach((args, i) => {
    const t = times[i]!;
    console.log(`  edgec ${args.join(' ').padEnd(16)} ${median(t).toFixed(0).padStart(4)} ms (${Math.min(...t).toFixed(0)}-${Math.max(...t).toFixed(0)}), ${(median(t) - base).toFixed(0)} ms over bare node`);
  });
  const help = median(times[0]!);
  const ok = help < TARGET_MS;
  console.log(`target edgec --help start-up < ${TARGET_MS} ms: ${help.toFixed(0)} ms ${ok ? 'PASS' : 'FAIL'}${!ok && base > TARGET_MS / 2 ? ' (bare node alone is slow here: the machine is loaded)' : ''}`);
  if (!ok) process.exitCode = 1;
}

main();

/** Shared by the end-to-end tests: running the CLI in a chosen folder, reading output dirs, metrics. */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, type CliResult } from '../helpers/cli.js';

/** Runs `node bin/edgec.js` with `cwd` (for the default edgec-out/ folder). */
export function runEdgecIn(cwd: string, args: string[], extraEnv: Record<string, string> = {}): CliResult {
  // Colour variables are dropped, not emptied: Node warns on stderr when both are set.
  const { NO_COLOR: _n, FORCE_COLOR: _f, ...env } = process.env;
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/edgec.js'), ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...env, ...extraEnv },
    timeout: 120_000,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Every file of a directory (recursively) -> its bytes, for byte-identity checks. */
export function readTree(dir: string, prefix = ''): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const entry of readdirSync(join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) for (const [k, v] of readTree(dir, rel)) out.set(k, v);
    else out.set(rel, readFileSync(join(dir, rel)));
  }
  return out;
}

export function argmax(x: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < x.length; i++) if (x[i]! > x[best]!) best = i;
  return best;
}

/** Top-1 accuracy of `outputs` (one logits array per sample) against integer labels. */
export function top1(outputs: ArrayLike<number>[], labels: ArrayLike<number>): number {
  let right = 0;
  outputs.forEach((o, k) => {
    if (argmax(o) === labels[k]) right++;
  });
  return right / outputs.length;
}

/** Mean squared error of reconstructions against targets (one array per sample), as the manifest's `mse`. */
export function mse(outputs: ArrayLike<number>[], targets: ArrayLike<number>, per: number): number {
  let sum = 0;
  outputs.forEach((o, k) => {
    for (let i = 0; i < per; i++) {
      const d = o[i]! - targets[k * per + i]!;
      sum += d * d;
    }
  });
  return sum / (outputs.length * per);
}

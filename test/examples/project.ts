/**
 * A throwaway user project for the recipe tests: a folder whose node_modules/.bin/edgec is this
 * checkout's CLI (so the recipes' own `npx edgec` runs it, offline, as after `npm install edgec`),
 * the kws-tiny fixture as the model and a small calibration file (no synthetic data: quick).
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { writeNpy } from '../../src/data/npy.js';
import { ROOT, type CliResult } from '../helpers/cli.js';
import { randomTensor } from '../helpers/random.js';

export function makeProject(modelPath: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'edgec-recipe-'));
  mkdirSync(join(dir, 'node_modules/.bin'), { recursive: true });
  symlinkSync(ROOT, join(dir, 'node_modules/edgec'));
  symlinkSync('../edgec/bin/edgec.js', join(dir, 'node_modules/.bin/edgec'));
  mkdirSync(dirname(join(dir, modelPath)), { recursive: true });
  copyFileSync(join(ROOT, 'fixtures/kws-tiny.onnx'), join(dir, modelPath));
  writeNpy(join(dir, 'calib.npy'), randomTensor([8, 1, 49, 10], 11, 0, 1));
  return dir;
}

/** Runs a command in the project as a shell would, npm/npx forbidden from the network. */
export function sh(dir: string, command: string): CliResult {
  const { NO_COLOR: _n, FORCE_COLOR: _f, MAKEFLAGS: _m, MFLAGS: _mf, ...env } = process.env;
  const r = spawnSync('sh', ['-c', command], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...env, npm_config_offline: 'true', npm_config_update_notifier: 'false' },
  });
  // npm's own config warnings (this machine's npmrc) are not the recipe's output.
  const stderr = r.stderr.split('\n').filter((line) => !line.startsWith('npm warn')).join('\n');
  return { code: r.status ?? -1, stdout: r.stdout, stderr };
}

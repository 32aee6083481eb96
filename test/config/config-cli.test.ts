/**
 * Project config through the real CLI: edgec.config.json and package.json "edgec" found from the
 * working directory upward, --config, flags winning over config, paths relative to the config
 * file, and the errors (exit 2, one line naming the file and key) for unknown keys, wrong types
 * and bad values.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeNpy } from '../../src/data/npy.js';
import { isOneLineError, ROOT } from '../helpers/cli.js';
import { runEdgecIn } from '../e2e/helpers.js';
import { randomTensor } from '../helpers/random.js';

const MODEL = join(ROOT, 'fixtures/kws-tiny.onnx');
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'edgec-config-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A fresh project folder with `files` written into it; returns its path. */
function project(name: string, files: Record<string, unknown>): string {
  const root = join(dir, name);
  mkdirSync(join(root, 'sub'), { recursive: true });
  for (const [file, content] of Object.entries(files)) writeFileSync(join(root, file), JSON.stringify(content));
  return root;
}

interface ReportOptions {
  options: { bits: string; observer: string; calib_file: string | null };
}
const reportOf = (stdout: string) => JSON.parse(stdout) as ReportOptions;
const canonicalOf = (stdout: string) => (JSON.parse(stdout) as { canonical: boolean }).canonical;

/** 8 calibration inputs for kws-tiny beside a config: no synthetic data, so each compress is quick. */
function writeCalib(root: string): void {
  writeNpy(join(root, 'calib.npy'), randomTensor([8, 1, 49, 10], 5, 0, 1));
}

describe('edgec.config.json', () => {
  it('supplies defaults from a parent folder, paths relative to it; a flag on the command line wins; verify reads its section', () => {
    // bits: the config overrides the default --bits auto (and keeps these runs quick).
    const config = { compress: { bits: 'w8a8', observer: 'mse', calib: 'calib.npy', output: 'out/kws' }, verify: { count: 3 } };
    const root = project('defaults', { 'edgec.config.json': config });
    writeCalib(root);
    const fromConfig = runEdgecIn(join(root, 'sub'), ['compress', MODEL, '--json']);
    expect(fromConfig.stderr).toBe('');
    expect(fromConfig.code).toBe(0);
    expect(reportOf(fromConfig.stdout).options).toMatchObject({ bits: 'w8a8', observer: 'mse', calib_file: 'calib.npy' });
    // "output" is a <dir> option, "calib" a <file.npy>: relative to the config file, not the working directory.
    expect(existsSync(join(root, 'out/kws/report.json'))).toBe(true);
    expect(existsSync(join(root, 'sub/out'))).toBe(false);

    const flagWins = runEdgecIn(join(root, 'sub'), ['compress', MODEL, '--observer', 'percentile', '-o', 'here', '--json']);
    expect(flagWins.code).toBe(0);
    expect(reportOf(flagWins.stdout).options).toMatchObject({ bits: 'w8a8', observer: 'percentile', calib_file: 'calib.npy' });
    expect(existsSync(join(root, 'sub/here/report.json'))).toBe(true);

    // A number where the flag takes a number; the config's count, then the flag's.
    const verify = runEdgecIn(join(root, 'sub'), ['verify', '../out/kws', '--json']);
    expect(verify.code).toBe(0);
    expect((JSON.parse(verify.stdout) as { samples: number }).samples).toBe(3);
    expect((JSON.parse(runEdgecIn(root, ['verify', 'out/kws', '--count', '2', '--json']).stdout) as { samples: number }).samples).toBe(2);
  });

  it('is found in package.json under "edgec" (a package.json without one is passed over), and --config names a file', () => {
    const root = project('pkg', {
      'package.json': { name: 'firmware', edgec: { inspect: { raw: true } } },
      'other.json': { inspect: { raw: false } },
    });
    writeFileSync(join(root, 'sub/package.json'), JSON.stringify({ name: 'nested' }));
    const pkg = runEdgecIn(join(root, 'sub'), ['inspect', MODEL, '--json']);
    expect(pkg.code).toBe(0);
    expect(canonicalOf(pkg.stdout)).toBe(false);
    const explicit = runEdgecIn(join(root, 'sub'), ['inspect', MODEL, '--config', '../other.json', '--json']);
    expect(explicit.code).toBe(0);
    expect(canonicalOf(explicit.stdout)).toBe(true);
  });

  it('a package.json "edgec" key is checked like edgec.config.json (errors name the key under "edgec")', () => {
    const root = project('pkg-bad', { 'package.json': { name: 'firmware', edgec: { inspect: { rwa: true } } } });
    const r = runEdgecIn(root, ['inspect', MODEL]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/package\.json: unknown key "edgec\.inspect\.rwa"/);
  });

  it.each([
    ['an unknown section', { compres: { bits: 'w4a8' } }, /edgec\.config\.json: unknown key "compres" \(sections: .*compress/],
    ['an unknown key', { compress: { bitz: 'w4a8' } }, /edgec\.config\.json: unknown key "compress\.bitz" \(compress options: .*bits/],
    ['a flag spelling', { compress: { 'group-size': 32 } }, /unknown key "compress\.group-size" \(did you mean "groupSize"\?\)/],
    ['a wrong type', { compress: { uniformBits: 'yes' } }, /"compress\.uniformBits" must be true or false \(the value of --uniform-bits\), found string "yes"/],
    ['a list where a value goes', { compress: { bits: ['w4a8'] } }, /"compress\.bits" must be a string or a number .* found an array/],
    ['a bad value', { compress: { bits: 'w5a8' } }, /--bits "w5a8": expected .*one of .* \(from .*edgec\.config\.json, "compress\.bits"\)/],
    ['a typo in another section', { verify: { cont: 3 } }, /unknown key "verify\.cont"/],
    ['not an object', ['compress'], /edgec\.config\.json: the config must be a JSON object/],
  ])('%s is a one-line usage error naming the file and key (exit 2)', (_what, config, message) => {
    const root = project(`bad-${Math.random().toString(36).slice(2)}`, { 'edgec.config.json': config });
    const r = runEdgecIn(root, ['compress', MODEL, '-o', 'out']);
    expect(r.code).toBe(2);
    expect(isOneLineError(r.stderr)).toBe(true);
    expect(r.stderr).toMatch(message);
    expect(existsSync(join(root, 'out'))).toBe(false);
  });

  it('bad JSON is exit 2 and a missing --config file exit 4', () => {
    const root = project('json', {});
    writeFileSync(join(root, 'edgec.config.json'), '{ "compress": ');
    const bad = runEdgecIn(root, ['compress', MODEL]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/edgec\.config\.json: not valid JSON/);
    const missing = runEdgecIn(join(root, 'sub'), ['--config', 'nope.json', 'compress', MODEL]);
    expect(missing.code).toBe(4);
    expect(missing.stderr).toMatch(/--config nope\.json: no such file/);
  });
});

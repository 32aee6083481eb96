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
import { isOneLineError, ROOT } from '../helpers/cli.js';
import { runEdgecIn } from '../e2e/helpers.js';

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

function reportOf(stdout: string): { options: { bits: string; observer: string } } {
  return JSON.parse(stdout) as { options: { bits: string; observer: string } };
}

describe('edgec.config.json', () => {
  it('supplies defaults from a parent folder; a flag on the command line wins', () => {
    const root = project('defaults', { 'edgec.config.json': { compress: { bits: 'w4a8', observer: 'mse', output: 'out/kws' } } });
    const fromConfig = runEdgecIn(join(root, 'sub'), ['compress', MODEL, '--json']);
    expect(fromConfig.stderr).toBe('');
    expect(fromConfig.code).toBe(0);
    expect(reportOf(fromConfig.stdout).options).toMatchObject({ bits: 'w4a8', observer: 'mse' });
    // "output" is a <dir> option: relative to the config file, not to the working directory.
    expect(existsSync(join(root, 'out/kws/report.json'))).toBe(true);
    expect(existsSync(join(root, 'sub/out'))).toBe(false);

    const flagWins = runEdgecIn(join(root, 'sub'), ['compress', MODEL, '--bits', 'w8a8', '-o', 'here', '--json']);
    expect(flagWins.code).toBe(0);
    expect(reportOf(flagWins.stdout).options).toMatchObject({ bits: 'w8a8', observer: 'mse' });
    expect(existsSync(join(root, 'sub/here/report.json'))).toBe(true);
  });

  it('verify reads its own section (numbers are accepted for flags that take numbers)', () => {
    const root = project('verify', { 'edgec.config.json': { compress: { output: 'out' }, verify: { count: 3 } } });
    expect(runEdgecIn(root, ['compress', MODEL]).code).toBe(0);
    const r = runEdgecIn(root, ['verify', 'out', '--json']);
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as { samples: number }).samples).toBe(3);
  });

  it('is found in package.json under "edgec", and --config names a file explicitly', () => {
    const root = project('pkg', {
      'package.json': { name: 'firmware', edgec: { compress: { bits: 'w2a8' } } },
      'other.json': { compress: { observer: 'percentile' } },
    });
    const pkg = runEdgecIn(join(root, 'sub'), ['compress', MODEL, '-o', join(root, 'a'), '--json']);
    expect(pkg.code).toBe(0);
    expect(reportOf(pkg.stdout).options.bits).toBe('w2a8');
    const explicit = runEdgecIn(join(root, 'sub'), ['compress', MODEL, '--config', '../other.json', '-o', join(root, 'b'), '--json']);
    expect(explicit.code).toBe(0);
    expect(reportOf(explicit.stdout).options).toMatchObject({ bits: 'w8a8', observer: 'percentile' });
  });

  it.each([
    ['an unknown section', { compres: { bits: 'w4a8' } }, /edgec\.config\.json: unknown key "compres" \(sections: .*compress/],
    ['an unknown key', { compress: { bitz: 'w4a8' } }, /edgec\.config\.json: unknown key "compress\.bitz" \(compress options: .*bits/],
    ['a flag spelling', { compress: { 'group-size': 32 } }, /unknown key "compress\.group-size" \(did you mean "groupSize"\?\)/],
    ['a wrong type', { compress: { uniformBits: 'yes' } }, /"compress\.uniformBits" must be true or false \(the value of --uniform-bits\), found string "yes"/],
    ['a list where a value goes', { compress: { bits: ['w4a8'] } }, /"compress\.bits" must be a string or a number .* found an array/],
    ['a bad value', { compress: { bits: 'w5a8' } }, /--bits "w5a8": expected one of .* \(from .*edgec\.config\.json, "compress\.bits"\)/],
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

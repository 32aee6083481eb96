/**
 * examples/Makefile, run with make in a user project: builds out/model.c, does nothing on a second
 * run, rebuilds when the model or the config changes, and `make check` fails (edgec exit 5 ->
 * make exit 2) when a budget in the config is missed, leaving no out/model.c to trust.
 */
import { copyFileSync, existsSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';
import { makeProject, sh } from './project.js';

const dir = makeProject('model.onnx');
afterAll(() => rmSync(dir, { recursive: true, force: true }));
copyFileSync(join(ROOT, 'examples/Makefile'), join(dir, 'Makefile'));
const MODEL_C = join(dir, 'out/model.c');
// w8a8, not the default --bits auto: make's rebuild rules are under test here, not the search
// (five compress runs; test/e2e/compress-cli.test.ts covers the default).
const writeConfig = (compress: Record<string, unknown>) => writeFileSync(join(dir, 'edgec.config.json'), JSON.stringify({ compress: { calib: 'calib.npy', bits: 'w8a8', ...compress } }));
const mtime = (path: string) => statSync(path).mtimeMs;
/**
 * `touch path` after moving out/model.c a minute into the past, so make sees the change whatever
 * the filesystem's time resolution (and without mtimes in the future, which make warns about).
 */
function touchAfterBuild(path: string): void {
  if (existsSync(MODEL_C)) utimesSync(MODEL_C, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
  utimesSync(path, new Date(), new Date());
}

describe('examples/Makefile', () => {
  it('builds once, is up to date after, and rebuilds on a changed model or config', () => {
    writeConfig({ target: 'stm32l4r5' });
    const first = sh(dir, 'make');
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('npx edgec compress model.onnx -o out --name model --config edgec.config.json --quiet');
    const report = JSON.parse(sh(dir, 'cat out/report.json').stdout) as { name: string; target: { id: string } };
    expect(report).toMatchObject({ name: 'model', target: { id: 'stm32l4r5' } });
    const built = mtime(MODEL_C);

    expect(sh(dir, 'make -q').code).toBe(0);
    const again = sh(dir, 'make');
    expect(again.code).toBe(0);
    expect(again.stdout).not.toContain('edgec compress');
    expect(mtime(MODEL_C)).toBe(built);

    touchAfterBuild(join(dir, 'model.onnx'));
    expect(sh(dir, 'make -q').code).toBe(1);
    const rebuilt = sh(dir, 'make');
    expect(rebuilt.code).toBe(0);
    expect(rebuilt.stdout).toContain('edgec compress');
    expect(mtime(MODEL_C)).toBeGreaterThan(Date.now() - 30_000);
    expect(sh(dir, 'make -q').code).toBe(0);

    writeConfig({ target: 'stm32l4r5', observer: 'percentile' });
    touchAfterBuild(join(dir, 'edgec.config.json'));
    expect(sh(dir, 'make -q').code).toBe(1);
    expect(sh(dir, 'make').code).toBe(0);
    expect(sh(dir, 'make -q').code).toBe(0);
  });

  it('`make check` fails on a budget miss, says which, and passes (verifying the C) once the budget fits', () => {
    writeConfig({ target: 'stm32l4r5', maxFlash: '2k' });
    touchAfterBuild(join(dir, 'edgec.config.json'));
    const missed = sh(dir, 'make check');
    expect(missed.code).not.toBe(0);
    expect(missed.stderr).toMatch(/edgec: error: budget missed: flash .* exceeds --max-flash 2\.0 KiB/);
    expect(existsSync(MODEL_C)).toBe(false); // .DELETE_ON_ERROR: the next make tries again
    expect(existsSync(join(dir, 'out/report.json'))).toBe(true); // ... and the report says why
    expect(sh(dir, 'make -q').code).toBe(1);

    writeConfig({ target: 'stm32l4r5', maxFlash: '256k' });
    touchAfterBuild(join(dir, 'edgec.config.json'));
    const fits = sh(dir, 'make check');
    expect(fits.stderr).toBe('');
    expect(fits.code).toBe(0);
    expect(fits.stdout).toContain('npx edgec verify out');
    expect(existsSync(MODEL_C)).toBe(true);
  });
});

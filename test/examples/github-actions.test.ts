/**
 * examples/github-actions.yml, run as far as a runner would: its `npx edgec` steps, in order, in a
 * user project holding models/kws.onnx, must succeed, and the files the upload step names must
 * then exist; the upload runs also after a failed step. Then the same steps with a budget the
 * model misses: the compress step fails with exit 5 and the report to upload is still there.
 * (The steps are read from the file, so the test follows the workflow as it is edited.)
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';
import { makeProject, sh } from './project.js';

const workflow = readFileSync(join(ROOT, 'examples/github-actions.yml'), 'utf8');
const steps = [...workflow.matchAll(/^\s+run: (npx edgec .+)$/gm)].map((m) => m[1]!);
const uploads = /uses: actions\/upload-artifact@v\d+\s+with:\s+name: \S+\s+path: \|\n((?:\s+\S+\n)+)/.exec(workflow)?.[1]!.trim().split(/\s+/) ?? [];

const dir = makeProject('models/kws.onnx');
afterAll(() => rmSync(dir, { recursive: true, force: true }));
// Calibration data and w8a8 from the project config: the recipe's command lines stay as written,
// and quick (the workflow is under test here, not the default --bits auto search).
writeFileSync(join(dir, 'edgec.config.json'), JSON.stringify({ compress: { calib: 'calib.npy', bits: 'w8a8' } }));

describe('examples/github-actions.yml', () => {
  it('sets up Node 20, installs with npm ci, compresses with budgets, verifies, and uploads the report always', () => {
    expect(workflow).toMatch(/uses: actions\/setup-node@v\d+\s+with:\s+node-version: 20/);
    expect(workflow).toMatch(/run: npm ci/);
    expect(steps.map((s) => s.split(' ')[2])).toEqual(['compress', 'verify']);
    expect(steps[0]).toMatch(/--max-flash \S+ --max-ram \S+ --max-latency \S+/);
    expect(workflow).toMatch(/if: always\(\)\s+uses: actions\/upload-artifact/);
    expect(uploads).toEqual(['build/kws/report.json', 'build/kws/report.html']);
  });

  it('its edgec steps succeed in order on a model within budget, leaving the files to upload', () => {
    for (const step of steps) {
      const r = sh(dir, step);
      expect(r.stderr, step).toBe('');
      expect(r.code, step).toBe(0);
    }
    for (const file of uploads) expect(existsSync(join(dir, file)), file).toBe(true);
  });

  it('fails the compress step (exit 5) on a budget miss, with the report still there to upload', () => {
    rmSync(join(dir, 'build'), { recursive: true, force: true });
    const r = sh(dir, steps[0]!.replace(/--max-flash \S+/, '--max-flash 1k'));
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/^edgec: error: budget missed: flash .* exceeds --max-flash 1\.0 KiB/);
    for (const file of uploads) expect(existsSync(join(dir, file)), file).toBe(true);
  });
});

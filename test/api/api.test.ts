/**
 * The programmatic API (src/index.ts, the package's entry point) against the CLI: the same options
 * give the same report.json bytes and the same verify result; errors are the typed classes with
 * the CLI's exit codes; progress arrives as structured events; an aborted run writes nothing.
 *
 * The API is imported from the build (dist/index.js, what `import 'edgec'` loads), the build the
 * CLI runs: src/ may be newer than dist/ while others edit it, and a comparison across two builds
 * would compare code, not the API with the CLI. Types come from src/.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProgressEvent } from '../../src/index.js';
import { writeNpy } from '../../src/data/npy.js';
import { randomTensor } from '../helpers/random.js';
import { ROOT } from '../helpers/cli.js';
import { runEdgecIn } from '../e2e/helpers.js';

const built = (await import(new URL('../../dist/index.js', import.meta.url).href)) as typeof import('../../src/index.js');
const { BudgetExceededError, compress, EdgecError, ExitCode, FileError, inspect, listTargets, UsageError, verify, version } = built;
type EdgecError = InstanceType<typeof EdgecError>;
type BudgetExceededError = InstanceType<typeof BudgetExceededError>;
const MODEL = join(ROOT, 'fixtures/kws-tiny.onnx');
let dir: string;
let calib: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'edgec-api-'));
  calib = join(dir, 'calib.npy');
  writeNpy(calib, randomTensor([8, 1, 49, 10], 3, 0, 1)); // calibration data given: no synthesis, quick
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the API and the CLI', () => {
  it('give byte-identical report.json and the same verify result for the same options; progress arrives as events', async () => {
    const cli = runEdgecIn(dir, ['compress', MODEL, '-o', 'by-cli', '--calib', calib, '--observer', 'percentile', '--name', 'kws', '--target', 'nrf52840']);
    expect(cli.stderr).toBe('');
    expect(cli.code).toBe(0);
    const events: ProgressEvent[] = [];
    const options = { outDir: join(dir, 'by-api'), calib, observer: 'percentile', name: 'kws', target: 'nrf52840', onProgress: (e: ProgressEvent) => events.push(e) } as const;
    const api = await compress(MODEL, options);

    const cliReport = readFileSync(join(dir, 'by-cli/report.json'), 'utf8');
    expect(readFileSync(join(dir, 'by-api/report.json'), 'utf8')).toBe(cliReport);
    expect(`${JSON.stringify(api.report, null, 2)}\n`).toBe(cliReport);
    expect(api.dir).toBe(join(dir, 'by-api'));
    expect(readdirSync(join(dir, 'by-api')).sort()).toEqual(readdirSync(join(dir, 'by-cli')).sort());

    const cliVerify = runEdgecIn(dir, ['verify', join(dir, 'by-api'), '--count', '5', '--json']);
    expect(cliVerify.code).toBe(0);
    const { result } = verify(join(dir, 'by-api'), { count: 5 });
    expect(`${JSON.stringify(result, null, 2)}\n`).toBe(cliVerify.stdout);
    expect(result.bit_exact).toBe(true);

    const stages = events.map((e) => e.stage);
    expect(stages[0]).toMatch(/^loading/);
    expect(stages).toContain('generating C');
    expect(stages.at(-1)).toBe(`writing ${join(dir, 'by-api')}`);
    for (const e of events) expect(Object.keys(e).every((k) => ['stage', 'step', 'total', 'metrics'].includes(k))).toBe(true);
    for (const e of events.filter((x) => x.step !== undefined)) expect(e.step! >= 1 && e.step! <= e.total!).toBe(true);
  });

  it('inspect returns what inspect --json prints', () => {
    const cli = runEdgecIn(dir, ['inspect', MODEL, '--json']);
    expect(cli.code).toBe(0);
    expect(`${JSON.stringify(inspect(MODEL), null, 2)}\n`).toBe(cli.stdout);
  });

  it('exports the version edgec --version prints', () => {
    expect(runEdgecIn(dir, ['--version']).stdout.trim()).toBe(version);
  });
});

describe('typed errors carry the CLI exit codes', () => {
  it.each<[string, () => Promise<unknown>, typeof EdgecError, number]>([
    ['a missing model', () => compress(join(dir, 'nope.onnx'), { outDir: join(dir, 'e1') }), FileError, ExitCode.io],
    ['a bad --bits value', () => compress(MODEL, { outDir: join(dir, 'e2'), bits: 'w5a8' as 'w8a8' }), UsageError, ExitCode.usage],
    ['--group-size without w4a8', () => compress(MODEL, { outDir: join(dir, 'e3'), groupSize: 8 }), UsageError, ExitCode.usage],
    ['verify of a folder that is not compress output', async () => verify(dir), FileError, ExitCode.io],
  ])('%s', async (_what, run, type, code) => {
    const error = await Promise.resolve().then(run).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(type);
    expect(error).toBeInstanceOf(EdgecError);
    expect((error as EdgecError).exitCode).toBe(code);
    expect((error as Error).message).not.toContain('\n');
    for (const d of ['e1', 'e2', 'e3']) expect(existsSync(join(dir, d))).toBe(false);
  });
});

describe('budgets and targets', () => {
  it('a missed budget throws BudgetExceededError (exit 5) carrying the result; the directory is written', async () => {
    const out = join(dir, 'over-budget');
    const error = await compress(MODEL, { outDir: out, calib, target: 'stm32l4r5', budgets: { maxFlashBytes: 1024 } }).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(BudgetExceededError);
    const budget = error as BudgetExceededError;
    expect(budget.exitCode).toBe(ExitCode.budget);
    expect(budget.message).toMatch(/flash .* exceeds --max-flash 1\.0 KiB/);
    expect(budget.result.report.budgets.flash_bytes).toMatchObject({ limit: 1024, ok: false });
    expect(readFileSync(join(out, 'report.json'), 'utf8')).toBe(`${JSON.stringify(budget.result.report, null, 2)}\n`);
  });

  it('lists the targets edgec targets prints', () => {
    const cli = JSON.parse(runEdgecIn(dir, ['targets', '--json']).stdout) as { targets: { id: string }[] };
    expect(cli.targets.map((t) => t.id)).toEqual(listTargets().map((t) => t.id));
    expect(listTargets().map((t) => t.id)).toContain('stm32l4r5');
  });
});

describe('progress and cancellation', () => {
  it('an abort during the run rejects with an AbortError and leaves no output directory', async () => {
    const controller = new AbortController();
    const out = join(dir, 'aborted');
    let seen = 0;
    const run = compress(MODEL, {
      outDir: out,
      signal: controller.signal,
      onProgress: () => {
        if (++seen === 2) controller.abort(); // in the second stage (calibration data), long before writing
      },
    });
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(dir).filter((f) => f.includes('edgec-tmp'))).toEqual([]);
  });

  it('an already aborted signal stops before any work, with the reason given', async () => {
    const reason = new Error('deadline');
    await expect(compress(MODEL, { outDir: join(dir, 'never'), signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    expect(existsSync(join(dir, 'never'))).toBe(false);
  });
});

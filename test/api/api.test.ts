/**
 * The programmatic API (src/index.ts, the package's entry point) against the CLI: the same options
 * give the same report.json bytes and the same verify result; errors are the typed classes with
 * the CLI's exit codes; progress arrives as structured events; an aborted run writes nothing.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compress, EdgecError, ExitCode, FileError, inspect, UsageError, verify, version, type ProgressEvent } from '../../src/index.js';
import { ROOT } from '../helpers/cli.js';
import { runEdgecIn } from '../e2e/helpers.js';

const MODEL = join(ROOT, 'fixtures/kws-tiny.onnx');
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'edgec-api-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the API and the CLI', () => {
  it('give byte-identical report.json and the same verify result for the same options', async () => {
    const cli = runEdgecIn(dir, ['compress', MODEL, '-o', 'by-cli', '--bits', 'w4a8', '--observer', 'percentile', '--name', 'kws']);
    expect(cli.stderr).toBe('');
    expect(cli.code).toBe(0);
    const api = await compress(MODEL, { outDir: join(dir, 'by-api'), bits: 'w4a8', observer: 'percentile', name: 'kws' });

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

describe('progress and cancellation', () => {
  it('reports each stage as an event, in order, ending with the write', async () => {
    const events: ProgressEvent[] = [];
    await compress(MODEL, { outDir: join(dir, 'progress'), onProgress: (e) => events.push(e) });
    const stages = events.map((e) => e.stage);
    expect(stages[0]).toMatch(/^loading/);
    expect(stages).toContain('generating C');
    expect(stages.at(-1)).toBe(`writing ${join(dir, 'progress')}`);
    for (const e of events) expect(Object.keys(e).every((k) => ['stage', 'step', 'total', 'metrics'].includes(k))).toBe(true);
  });

  it('an abort during a stage rejects with an AbortError and leaves no output directory', async () => {
    const controller = new AbortController();
    const out = join(dir, 'aborted');
    const run = compress(MODEL, {
      outDir: out,
      signal: controller.signal,
      onProgress: (e) => {
        if (e.stage === 'generating C') controller.abort();
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

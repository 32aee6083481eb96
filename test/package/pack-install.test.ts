/**
 * The package as users get it: `npm pack`, then install the tarball into an empty folder from the
 * local npm cache only (`--offline`: npm makes no network request, a package missing from the
 * cache fails the install), with runtime dependencies only, and run the installed `edgec` through npx: compress a fixture, verify
 * the result, import the API and typecheck a TypeScript consumer against the shipped types.
 * One test on purpose: installing takes seconds, and every step needs the one before.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';

const pkg = (await import('../../package.json', { with: { type: 'json' } })).default as { name: string; version: string; dependencies: Record<string, string>; devDependencies: Record<string, string> };
const work = mkdtempSync(join(tmpdir(), 'edgec-pack-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** npm and npx without the network: answers come from the local cache or not at all. */
function run(command: string, args: string[], cwd: string): SpawnSyncReturns<string> {
  const { NO_COLOR: _n, FORCE_COLOR: _f, ...env } = process.env;
  return spawnSync(command, args, {
    cwd,
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...env, npm_config_offline: 'true', npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' },
  });
}

function ok(r: SpawnSyncReturns<string>, what: string): string {
  if (r.status !== 0) throw new Error(`${what} exited ${r.status}: ${r.error?.message ?? ''}\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

describe('npm pack -> offline install -> npx edgec', () => {
  it('installs with runtime dependencies only and compresses, verifies, imports and typechecks', () => {
    // --ignore-scripts: test/global-setup.ts has just built dist/ (prepare would rebuild it under other tests' feet).
    const packed = JSON.parse(ok(run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], ROOT), 'npm pack')) as [{ filename: string; files: { path: string }[] }];
    const files = packed[0].files.map((f) => f.path);
    for (const needed of ['bin/edgec.js', 'dist/cli/main.js', 'dist/index.js', 'dist/index.d.ts', 'csrc/edgec_kernels.h', 'wasm/build/edgec-kernels.wasm', 'README.md', 'package.json']) {
      expect(files, needed).toContain(needed);
    }
    expect(files.some((f) => /^targets\/.+\.json$/.test(f))).toBe(true);
    expect(files.filter((f) => /^(src|test|bench|scripts|fixtures|node_modules)\//.test(f) || f.endsWith('.map') || (f.endsWith('.ts') && !f.endsWith('.d.ts')))).toEqual([]);

    const app = join(work, 'app');
    ok(run('mkdir', ['-p', app], work), 'mkdir');
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
    ok(run('npm', ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', '--omit=dev', join(work, packed[0].filename)], app), 'npm install --offline');
    for (const dep of Object.keys(pkg.dependencies)) expect(existsSync(join(app, 'node_modules', dep)), dep).toBe(true);
    // @types/node arrives anyway, as a dependency of protobufjs; every other devDependency must not.
    for (const dev of Object.keys(pkg.devDependencies).filter((d) => !d.startsWith('@types/'))) {
      expect(existsSync(join(app, 'node_modules', dev)), dev).toBe(false);
    }

    expect(ok(run('npx', ['--offline', 'edgec', '--version'], app), 'edgec --version').trim()).toBe(pkg.version);
    copyFileSync(join(ROOT, 'fixtures/kws-tiny.onnx'), join(app, 'kws-tiny.onnx'));
    const report = JSON.parse(ok(run('npx', ['--offline', 'edgec', 'compress', 'kws-tiny.onnx', '--json'], app), 'edgec compress')) as { name: string; files: string[] };
    expect(report.name).toBe('kws_tiny');
    for (const f of report.files) expect(existsSync(join(app, 'edgec-out/kws-tiny', f)), f).toBe(true);
    const verified = JSON.parse(ok(run('npx', ['--offline', 'edgec', 'verify', 'edgec-out/kws-tiny', '--count', '10', '--json'], app), 'edgec verify')) as { bit_exact: boolean; samples: number };
    expect(verified).toMatchObject({ bit_exact: true, samples: 10 });

    // The API through the package's "exports", and its types through "types" (tsc from this repo).
    const api = ok(run(process.execPath, ['-e', "import('edgec').then((m) => console.log(Object.keys(m).sort().join(' ')))"], app), 'import edgec');
    expect(api.split(' ')).toEqual(expect.arrayContaining(['compress', 'inspect', 'verify', 'UsageError', 'ExitCode']));
    writeFileSync(
      join(app, 'use.ts'),
      [
        "import { compress, inspect, UsageError, type CompressReport, type ProgressEvent } from 'edgec';",
        "const events: ProgressEvent[] = [];",
        "const { report }: { report: CompressReport } = await compress('kws-tiny.onnx', { bits: 'w4a8', onProgress: (e) => events.push(e) });",
        'const macs: number = inspect(\'kws-tiny.onnx\').summary.totals.macs + report.totals.macs;',
        'const code: number = new UsageError(String(macs)).exitCode;',
        '// @ts-expect-error: not a --bits preset',
        "void compress('kws-tiny.onnx', { bits: 'w5a8' });",
        'export { code };',
      ].join('\n'),
    );
    const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
    const flags = ['--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--skipLibCheck', '--types', 'node', '--typeRoots', join(ROOT, 'node_modules/@types'), 'use.ts'];
    ok(run(process.execPath, [tsc, ...flags], app), 'tsc on a consumer of the package types');
  }, 180_000);
});

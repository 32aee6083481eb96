/**
 * The atomic output directory: all files or nothing, an edgec directory is replaced whole, a
 * user's folder is never deleted, and a failure mid-write leaves no trace (not even the parents).
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileError } from '../../src/errors.js';
import { writeOutputDir } from '../../src/pipeline/output-dir.js';

const root = mkdtempSync(join(tmpdir(), 'edgec-outdir-'));
const report = (tag: string) => ({ path: 'report.json', contents: JSON.stringify({ schema: 'edgec.report/1', tag }) });

describe('writeOutputDir', () => {
  it('writes every file, creating missing parents, and leaves no temporary folder', () => {
    const target = join(root, 'a', 'b', 'out');
    writeOutputDir(target, [report('1'), { path: 'm.c', contents: 'int x;\n' }, { path: 'sub/k.h', contents: new Uint8Array([1, 2]) }]);
    expect(readFileSync(join(target, 'm.c'), 'utf8')).toBe('int x;\n');
    expect([...readFileSync(join(target, 'sub/k.h'))]).toEqual([1, 2]);
    expect(readdirSync(join(root, 'a', 'b'))).toEqual(['out']);
  });

  it('replaces an earlier edgec output whole (stale files disappear)', () => {
    const target = join(root, 'replace');
    writeOutputDir(target, [report('old'), { path: 'stale.c', contents: '' }]);
    writeOutputDir(target, [report('new')]);
    expect(readdirSync(target)).toEqual(['report.json']);
    expect(readFileSync(join(target, 'report.json'), 'utf8')).toContain('new');
    expect(readdirSync(root).filter((n) => n.includes('edgec-'))).toEqual([]);
  });

  it('refuses a non-empty folder that is not edgec output, and leaves it untouched', () => {
    const target = join(root, 'mine');
    mkdirSync(target);
    writeFileSync(join(target, 'thesis.tex'), 'precious');
    expect(() => writeOutputDir(target, [report('x')])).toThrow(FileError);
    expect(readdirSync(target)).toEqual(['thesis.tex']);
  });

  it('refuses a target that is a file', () => {
    const target = join(root, 'file');
    writeFileSync(target, 'x');
    expect(() => writeOutputDir(target, [report('x')])).toThrow(/not a directory/);
  });

  it('a failure while writing leaves neither the target, nor temporary files, nor created parents', () => {
    const parent = join(root, 'fresh-parent');
    const target = join(parent, 'out');
    // 'x' is written as a file, so 'x/y' cannot be created: the write fails half-way.
    expect(() => writeOutputDir(target, [report('1'), { path: 'x', contents: '' }, { path: 'x/y', contents: '' }])).toThrow(FileError);
    expect(existsSync(parent)).toBe(false);
    expect(readdirSync(root).filter((n) => n.includes('edgec-'))).toEqual([]);
  });

  it('a failure while replacing keeps the previous output intact', () => {
    const target = join(root, 'keep');
    writeOutputDir(target, [report('old'), { path: 'm.c', contents: 'old' }]);
    expect(() => writeOutputDir(target, [report('new'), { path: 'x', contents: '' }, { path: 'x/y', contents: '' }])).toThrow(FileError);
    expect(readFileSync(join(target, 'm.c'), 'utf8')).toBe('old');
    expect(readdirSync(root).filter((n) => n.includes('edgec-'))).toEqual([]);
  });

  it('refuses file paths that leave the directory', () => {
    expect(() => writeOutputDir(join(root, 'evil'), [{ path: '../escape.c', contents: '' }])).toThrow(/leaves the output directory/);
    expect(existsSync(join(root, 'escape.c'))).toBe(false);
  });
});

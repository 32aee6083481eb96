/**
 * Writes an output directory atomically: every file goes into a fresh temporary directory beside
 * the target (same filesystem, so rename is atomic), and only when all of them are written is it
 * renamed into place. A run that fails at any point, before or during writing, leaves no partial
 * directory behind: the temporary directory (and any parent folders this call created) is removed.
 *
 * An existing target is replaced only when it is empty or is itself an edgec output directory
 * (it holds a report.json with an `edgec.report/` schema); anything else is refused rather than
 * deleted, so a mistyped `-o` cannot wipe a user's folder.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, rmdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, normalize, resolve, sep } from 'node:path';
import { EdgecError, FileError, InternalError } from '../errors.js';

export interface OutputFile {
  /** Relative path inside the directory ('/'-separated, no '..'). */
  path: string;
  contents: string | Uint8Array;
}

export const REPORT_FILE = 'report.json';

export function writeOutputDir(target: string, files: readonly OutputFile[]): void {
  const dir = resolve(target);
  for (const f of files) checkRelative(f.path);
  checkReplaceable(dir, target);

  const createdParents = makeParents(dirname(dir), target);
  const unique = `${process.pid}-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e9).toString(36)}`;
  const tmp = join(dirname(dir), `.${basename(dir)}.edgec-tmp-${unique}`);
  const old = join(dirname(dir), `.${basename(dir)}.edgec-old-${unique}`);
  try {
    mkdirSync(tmp);
    for (const f of files) {
      const path = join(tmp, f.path);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, f.contents);
    }
    const replacing = existsSync(dir);
    if (replacing) renameSync(dir, old);
    try {
      renameSync(tmp, dir);
    } catch (e) {
      if (replacing) renameSync(old, dir);
      throw e;
    }
    if (replacing) rmSync(old, { recursive: true, force: true });
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    for (const p of createdParents) removeIfEmpty(p);
    if (e instanceof EdgecError) throw e;
    throw new FileError(`cannot write ${target} (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
}

function checkRelative(path: string): void {
  const n = normalize(path);
  if (path === '' || isAbsolute(path) || n.startsWith('..') || n.split(sep).includes('..')) {
    throw new InternalError(`output file path "${path}" leaves the output directory`);
  }
}

/** Refuses a target that is a file, or a non-empty directory edgec did not write. */
function checkReplaceable(dir: string, label: string): void {
  if (!existsSync(dir)) return;
  if (!statSync(dir).isDirectory()) throw new FileError(`${label} exists and is not a directory`);
  if (readdirSync(dir).length === 0 || isEdgecOutput(dir)) return;
  throw new FileError(`${label} exists and is not an edgec output directory (no edgec report.json); remove it or choose another -o`);
}

export function isEdgecOutput(dir: string): boolean {
  try {
    const report = JSON.parse(readFileSync(join(dir, REPORT_FILE), 'utf8')) as { schema?: unknown };
    return typeof report.schema === 'string' && report.schema.startsWith('edgec.report/');
  } catch {
    return false;
  }
}

/** mkdir -p that returns the folders it created, deepest first, so a failure can undo them. */
function makeParents(parent: string, label: string): string[] {
  const missing: string[] = [];
  for (let p = parent; !existsSync(p); p = dirname(p)) {
    missing.push(p);
    if (dirname(p) === p) break;
  }
  try {
    mkdirSync(parent, { recursive: true });
  } catch (e) {
    throw new FileError(`cannot create the folder of ${label} (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  if (!statSync(parent).isDirectory()) throw new FileError(`the folder of ${label} is not a directory`);
  return missing;
}

function removeIfEmpty(path: string): void {
  try {
    rmdirSync(path);
  } catch {
    // not empty or already gone: leave it
  }
}

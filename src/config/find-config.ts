/**
 * Finds and reads the project config: `--config FILE`, else the nearest `edgec.config.json` or
 * package.json with an `"edgec"` key, searching from the working directory up to the filesystem
 * root (as npm finds package.json), so a Makefile line anywhere in a project stays short.
 *
 * A config that exists but cannot be used is an error, never silently skipped: bad JSON or a
 * non-object is a UsageError (exit 2) naming the file; an explicit --config that cannot be read is
 * a FileError (exit 4).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { FileError, UsageError } from '../errors.js';

export const CONFIG_FILE = 'edgec.config.json';
export const PACKAGE_KEY = 'edgec';

export interface LoadedConfig {
  /** The file as a user would name it in an error: the path given, or the one found. */
  file: string;
  /** The folder relative paths inside the config resolve against. */
  dir: string;
  /** The config object (package.json: the value of its "edgec" key). */
  data: Record<string, unknown>;
  /** Where in the file the config sits, for messages: '' or 'edgec.' in package.json. */
  prefix: string;
}

/** The explicit file if given, else the nearest config above `cwd`; undefined when there is none. */
export function findConfig(cwd: string, explicit?: string): LoadedConfig | undefined {
  if (explicit !== undefined) {
    const path = resolve(cwd, explicit);
    if (!existsSync(path)) throw new FileError(`--config ${explicit}: no such file`);
    return fromFile(path, explicit, path.endsWith('package.json'));
  }
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    const own = join(dir, CONFIG_FILE);
    if (existsSync(own)) return fromFile(own, own, false);
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      const found = fromFile(pkg, pkg, true, true);
      if (found) return found;
    }
    if (dirname(dir) === dir) return undefined;
  }
}

function fromFile(path: string, label: string, isPackage: boolean, optional = false): LoadedConfig | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new FileError(`cannot read ${label} (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    // A broken package.json further up is npm's business, not ours, unless it was named.
    if (optional) return undefined;
    throw new UsageError(`${label}: not valid JSON (${(e as Error).message.split('\n')[0]})`);
  }
  if (isPackage) {
    if (!isObject(json) || !(PACKAGE_KEY in json)) {
      if (optional) return undefined;
      throw new UsageError(`${label}: no "${PACKAGE_KEY}" key to read the edgec config from`);
    }
    json = json[PACKAGE_KEY];
  }
  const prefix = isPackage ? `${PACKAGE_KEY}.` : '';
  if (!isObject(json)) throw new UsageError(`${label}: ${isPackage ? `"${PACKAGE_KEY}"` : 'the config'} must be a JSON object of command sections, e.g. {"compress": {"bits": "w4a8"}}`);
  return { file: label, dir: dirname(path), data: json, prefix };
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

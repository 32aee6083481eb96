/**
 * Tensor data stored beside the model (`data_location = EXTERNAL`). A model is untrusted input, so
 * its paths are too: a location must be relative, must stay inside the model's own folder after
 * `..` is resolved, and must still be inside it after symlinks are resolved. Anything else is a
 * ModelError naming the tensor and the path; a file that is simply not there is a FileError.
 * Only the bytes the tensor needs are read, and only after checking the file holds them, so a
 * declared size cannot make edgec allocate more than is on disk.
 */
import { closeSync, fstatSync, openSync, readSync, realpathSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { EdgecError, FileError, ModelError } from '../errors.js';
import type { TensorProto } from './proto.js';

export interface ExternalDataContext {
  /** The folder of the model file; external data is only read from inside it. */
  baseDir?: string;
}

/** Reads the `byteCount` bytes of an external tensor. `label` names the tensor and its model file. */
export function readExternalBytes(proto: TensorProto, byteCount: number, ctx: ExternalDataContext, label: string): Uint8Array {
  const entries = new Map((proto.externalData ?? []).map((e) => [e.key ?? '', e.value ?? '']));
  const location = entries.get('location');
  if (!location) throw new ModelError(`${label} is stored externally but names no location`);
  if (ctx.baseDir === undefined) {
    throw new ModelError(`${label} is stored in external file "${location}", but the model was not loaded from a folder`);
  }
  const offset = parseByteCount(entries.get('offset'), 'offset', label);
  const length = parseByteCount(entries.get('length'), 'length', label);
  if (length !== undefined && length !== byteCount) {
    throw new ModelError(`${label}: external data length ${length} does not match its shape, which needs ${byteCount} bytes`);
  }
  const path = resolveInsideFolder(location, ctx.baseDir, label);
  return readRange(path, offset ?? 0, byteCount, label);
}

/** The absolute path of `location`, or a ModelError if it leaves `baseDir` in any way. */
export function resolveInsideFolder(location: string, baseDir: string, label: string): string {
  if (/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(location)) {
    throw new ModelError(`${label}: external data path ${JSON.stringify(location)} contains a control character`);
  }
  const leaves = () => new ModelError(`${label}: external data path "${location}" leaves the model's folder`);
  // Absolute in POSIX or Windows spelling (C:\..., \\server\...): never relative to the model.
  if (isAbsolute(location) || /^[a-zA-Z]:|^[\\/]/.test(location)) throw leaves();
  const base = resolve(baseDir);
  const path = resolve(base, location);
  if (!isInside(base, path)) throw leaves();

  let realPath: string;
  try {
    realPath = realpathSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new FileError(`${label}: external data file "${path}" not found`);
    throw new FileError(`${label}: cannot read external data file "${path}" (${code ?? String(e)})`);
  }
  if (!isInside(realpathSync(base), realPath)) {
    throw new ModelError(`${label}: external data path "${location}" is a link that leaves the model's folder`);
  }
  return realPath;
}

function isInside(folder: string, path: string): boolean {
  const rel = relative(folder, path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

function parseByteCount(text: string | undefined, key: string, label: string): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d{1,15}$/.test(text)) throw new ModelError(`${label}: external data ${key} ${JSON.stringify(text)} is not a byte count`);
  return Number(text);
}

function readRange(path: string, offset: number, byteCount: number, label: string): Uint8Array {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    throw new FileError(`${label}: cannot open external data file "${path}" (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new FileError(`${label}: external data path "${path}" is not a file`);
    if (offset + byteCount > stat.size) {
      throw new ModelError(
        `${label}: external data file "${path}" has ${stat.size} bytes, the tensor needs ${byteCount} from offset ${offset}`,
      );
    }
    const bytes = new Uint8Array(byteCount);
    let done = 0;
    while (done < byteCount) {
      const n = readSync(fd, bytes, done, byteCount - done, offset + done);
      if (n === 0) throw new FileError(`${label}: external data file "${path}" ended early`);
      done += n;
    }
    return bytes;
  } catch (e) {
    if (e instanceof EdgecError) throw e;
    throw new FileError(`${label}: cannot read external data file "${path}" (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  } finally {
    closeSync(fd);
  }
}

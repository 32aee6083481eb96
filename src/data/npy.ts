/**
 * NumPy .npy files <-> Tensor, for test data, `--calib` and `--eval`.
 *
 * The format (numpy/lib/format.py): the magic "\x93NUMPY", a major and minor version byte, the
 * header length (uint16 little-endian in version 1.0, uint32 in 2.0 and 3.0), then an ASCII (3.0:
 * UTF-8) Python dict literal such as `{'descr': '<f4', 'fortran_order': False, 'shape': (360, 64), }`
 * padded with spaces and a newline, then the raw data. edgec reads little-endian C-order data of
 * the dtypes below; anything else (big-endian, Fortran order, object arrays) is refused with a
 * one-line FileError naming the file, since guessing a layout would silently scramble the data.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { FileError } from '../errors.js';
import { MAX_ELEMENTS, allocData, sizeOf, type DType, type Tensor } from '../ir/tensor.js';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"

/** NumPy type codes (without the byte-order character) and the dtype each maps to. */
const CODES: Record<string, { dtype: DType; bytes: number }> = {
  f4: { dtype: 'float32', bytes: 4 },
  f8: { dtype: 'float64', bytes: 8 },
  i8: { dtype: 'int64', bytes: 8 },
  i4: { dtype: 'int32', bytes: 4 },
  i2: { dtype: 'int16', bytes: 2 },
  i1: { dtype: 'int8', bytes: 1 },
  u4: { dtype: 'uint32', bytes: 4 },
  u2: { dtype: 'uint16', bytes: 2 },
  u1: { dtype: 'uint8', bytes: 1 },
  b1: { dtype: 'bool', bytes: 1 },
};

/** Reads a .npy file; errors name `path`. */
export function readNpy(path: string): Tensor {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new FileError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return parseNpy(bytes, path);
}

/** Parses .npy bytes; `name` (usually the file path) is what error messages call the data. */
export function parseNpy(bytes: Uint8Array, name: string): Tensor {
  const fail = (why: string) => new FileError(`${name}: ${why}`);
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) throw fail('not a NumPy .npy file (bad magic)');
  const major = bytes[6]!;
  if (major < 1 || major > 3) throw fail(`unsupported .npy format version ${major}.${bytes[7]}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lengthBytes = major === 1 ? 2 : 4;
  if (bytes.length < 8 + lengthBytes) throw fail('truncated header');
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const dataStart = 8 + lengthBytes + headerLength;
  if (dataStart > bytes.length) throw fail('truncated header');
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(8 + lengthBytes, dataStart));

  const { descr, fortranOrder, shape } = parseHeader(header, fail);
  if (fortranOrder) throw fail('Fortran-order arrays are not supported; save with np.ascontiguousarray');
  const order = descr[0];
  const code = CODES[descr.slice(1)];
  if (!code || (order !== '<' && order !== '|' && order !== '=')) {
    const bigEndian = order === '>' || order === '!';
    throw fail(bigEndian ? `big-endian data ('${descr}') is not supported; save with .astype('<${descr.slice(1)}')` : `unsupported dtype '${descr}'`);
  }
  const count = sizeOf(shape);
  if (count > MAX_ELEMENTS) throw fail(`shape (${shape.join(', ')}) has more than 2^31 elements`);
  if (bytes.length - dataStart < count * code.bytes) {
    throw fail(`truncated data: shape (${shape.join(', ')}) needs ${count * code.bytes} bytes, found ${bytes.length - dataStart}`);
  }
  const data = allocData(code.dtype, count);
  const read = reader(code.dtype, view);
  for (let i = 0, at = dataStart; i < count; i++, at += code.bytes) data[i] = read(at);
  return { dtype: code.dtype, shape, data };
}

function parseHeader(header: string, fail: (why: string) => FileError) {
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    throw fail('malformed header (needs descr, fortran_order and shape)');
  }
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((s) => {
      const d = Number(s.replace(/L$/, '')); // Python 2 wrote longs as `3L`
      if (!Number.isSafeInteger(d) || d < 0) throw fail(`bad dimension "${s}" in shape`);
      return d;
    });
  return { descr, fortranOrder: fortran === 'True', shape };
}

function reader(dtype: DType, view: DataView): (at: number) => number {
  switch (dtype) {
    case 'float32':
      return (at) => view.getFloat32(at, true);
    case 'float64':
      return (at) => view.getFloat64(at, true);
    case 'int64':
      // Exact up to 2^53, like every integer in edgec's Float64Array storage (see ir/tensor.ts).
      return (at) => Number(view.getBigInt64(at, true));
    case 'int32':
      return (at) => view.getInt32(at, true);
    case 'int16':
      return (at) => view.getInt16(at, true);
    case 'int8':
      return (at) => view.getInt8(at);
    case 'uint32':
      return (at) => view.getUint32(at, true);
    case 'uint16':
      return (at) => view.getUint16(at, true);
    case 'bool':
      return (at) => (view.getUint8(at) !== 0 ? 1 : 0);
    default:
      return (at) => view.getUint8(at);
  }
}

/** Encodes a tensor as .npy bytes (version 1.0, or 2.0 when the header needs it). */
export function encodeNpy(tensor: Tensor): Uint8Array {
  const entry = Object.entries(CODES).find(([, c]) => c.dtype === tensor.dtype);
  if (!entry) throw new FileError(`cannot write a ${tensor.dtype} tensor as .npy`);
  const [code, { bytes: itemBytes }] = entry;
  const order = itemBytes === 1 ? '|' : '<';
  const dims = tensor.shape.length === 1 ? `${tensor.shape[0]},` : tensor.shape.join(', ');
  let dict = `{'descr': '${order}${code}', 'fortran_order': False, 'shape': (${dims}), }`;
  // numpy pads the preamble (magic, version, length, header) to a multiple of 64 bytes.
  const version = dict.length + 64 <= 0xffff ? 1 : 2;
  const preamble = version === 1 ? 10 : 12;
  dict += ' '.repeat((64 - ((preamble + dict.length + 1) % 64)) % 64) + '\n';

  const out = new Uint8Array(preamble + dict.length + tensor.data.length * itemBytes);
  const view = new DataView(out.buffer);
  out.set(MAGIC);
  out[6] = version;
  if (version === 1) view.setUint16(8, dict.length, true);
  else view.setUint32(8, dict.length, true);
  for (let i = 0; i < dict.length; i++) out[preamble + i] = dict.charCodeAt(i);
  const write = writer(tensor.dtype, view);
  for (let i = 0, at = preamble + dict.length; i < tensor.data.length; i++, at += itemBytes) write(at, tensor.data[i]!);
  return out;
}

/** Writes a tensor to a .npy file; errors name `path`. */
export function writeNpy(path: string, tensor: Tensor): void {
  const bytes = encodeNpy(tensor);
  try {
    writeFileSync(path, bytes);
  } catch (e) {
    throw new FileError(`cannot write ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

function writer(dtype: DType, view: DataView): (at: number, v: number) => void {
  switch (dtype) {
    case 'float32':
      return (at, v) => view.setFloat32(at, v, true);
    case 'float64':
      return (at, v) => view.setFloat64(at, v, true);
    case 'int64':
      return (at, v) => view.setBigInt64(at, BigInt(Math.trunc(v)), true);
    case 'int32':
      return (at, v) => view.setInt32(at, v, true);
    case 'int16':
      return (at, v) => view.setInt16(at, v, true);
    case 'int8':
      return (at, v) => view.setInt8(at, v);
    case 'uint32':
      return (at, v) => view.setUint32(at, v, true);
    case 'uint16':
      return (at, v) => view.setUint16(at, v, true);
    default:
      return (at, v) => view.setUint8(at, v);
  }
}

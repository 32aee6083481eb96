/**
 * .npy reading checked against files NumPy itself wrote: the byte strings below were made with
 * numpy 2.4 (`np.save`, `numpy.lib.format.write_array(version=(2, 0))`), and the shared models'
 * test data were written by the exporter's NumPy. Writing is checked by reading back.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeNpy, parseNpy, readNpy, writeNpy } from '../../src/data/npy.js';
import { FileError } from '../../src/errors.js';
import { makeTensor } from '../../src/ir/tensor.js';
import { HAVE_SHARED, SHARED_MODELS, SKIP_NO_SHARED } from '../helpers/shared.js';

const numpyWrote = {
  f64v2:
    'k05VTVBZAgB0AAAAeydkZXNjcic6ICc8ZjgnLCAnZm9ydHJhbl9vcmRlcic6IEZhbHNlLCAnc2hhcGUnOiAoMiwgMyksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAAD4PwAAAAAAAALAAAAAAAAACEAAAAAAAAAQQAAAAAAAABRANVgAZi3rYX4=',
  i64: 'k05VTVBZAQB2AHsnZGVzY3InOiAnPGk4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDUsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAADg////////////AAAAAAAAAAAHAAAAAAAAAAAAAAAAAQAA',
  i32: 'k05VTVBZAQB2AHsnZGVzY3InOiAnPGk0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsIDEpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAACA////fw==',
  u8: 'k05VTVBZAQB2AHsnZGVzY3InOiAnfHUxJywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsIDMpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAr6+/z9/v8=',
  bool: 'k05VTVBZAQB2AHsnZGVzY3InOiAnfGIxJywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDMsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoBAAE=',
  scalar:
    'k05VTVBZAQB2AHsnZGVzY3InOiAnPGY0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKCksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAFBA',
  empty:
    'k05VTVBZAQB2AHsnZGVzY3InOiAnPGY0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDAsIDMpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAo=',
  fortran:
    'k05VTVBZAQB2AHsnZGVzY3InOiAnPGY0JywgJ2ZvcnRyYW5fb3JkZXInOiBUcnVlLCAnc2hhcGUnOiAoMiwgMyksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAABAQAAAgD8AAIBAAAAAQAAAoEA=',
  bigEndian:
    'k05VTVBZAQB2AHsnZGVzY3InOiAnPmY0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDMsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAP4AAAEAAAAA=',
  f32: 'k05VTVBZAQB2AHsnZGVzY3InOiAnPGY0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsIDIpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIArNzMw9zcxMvsiqIAAAAIB/',
};
const bytesOf = (key: keyof typeof numpyWrote) => new Uint8Array(Buffer.from(numpyWrote[key], 'base64'));

describe('parseNpy reads what NumPy wrote', () => {
  it('float32 (C order, v1.0), including a subnormal and inf, exactly', () => {
    const t = parseNpy(bytesOf('f32'), 'f32.npy');
    expect(t.dtype).toBe('float32');
    expect(t.shape).toEqual([2, 2]);
    expect(Array.from(t.data)).toEqual([Math.fround(0.1), Math.fround(-0.2), Math.fround(3e-39), Infinity]);
  });

  it('float64 in format version 2.0', () => {
    const t = parseNpy(bytesOf('f64v2'), 'f64.npy');
    expect(t.dtype).toBe('float64');
    expect(t.shape).toEqual([2, 3]);
    expect(Array.from(t.data)).toEqual([1.5, -2.25, 3, 4, 5, 6e300]);
  });

  it('int64, int32, uint8 and bool, with their extreme values', () => {
    const i64 = parseNpy(bytesOf('i64'), 'i64.npy');
    expect([i64.dtype, i64.shape]).toEqual(['int64', [5]]);
    expect(Array.from(i64.data)).toEqual([-(2 ** 53), -1, 0, 7, 2 ** 40]);
    const i32 = parseNpy(bytesOf('i32'), 'i32.npy');
    expect([i32.dtype, i32.shape, Array.from(i32.data)]).toEqual(['int32', [2, 1], [-2147483648, 2147483647]]);
    const u8 = parseNpy(bytesOf('u8'), 'u8.npy');
    expect([u8.dtype, u8.shape, Array.from(u8.data)]).toEqual(['uint8', [2, 3], [250, 251, 252, 253, 254, 255]]);
    const b = parseNpy(bytesOf('bool'), 'b.npy');
    expect([b.dtype, b.shape, Array.from(b.data)]).toEqual(['bool', [3], [1, 0, 1]]);
  });

  it('a 0-d scalar and an empty array', () => {
    const s = parseNpy(bytesOf('scalar'), 's.npy');
    expect([s.shape, Array.from(s.data)]).toEqual([[], [3.25]]);
    const e = parseNpy(bytesOf('empty'), 'e.npy');
    expect([e.shape, e.data.length]).toEqual([[0, 3], 0]);
  });
});

describe('parseNpy refuses what it cannot read, naming the file', () => {
  it('Fortran order', () => {
    expect(() => parseNpy(bytesOf('fortran'), 'data/x.npy')).toThrow(FileError);
    expect(() => parseNpy(bytesOf('fortran'), 'data/x.npy')).toThrow(/^data\/x\.npy: Fortran-order/);
  });
  it('big-endian data', () => {
    expect(() => parseNpy(bytesOf('bigEndian'), 'be.npy')).toThrow(/^be\.npy: big-endian data \('>f4'\)/);
  });
  it('not a .npy file, a truncated header, truncated data', () => {
    expect(() => parseNpy(new TextEncoder().encode('hello, world'), 'a.txt')).toThrow(/^a\.txt: not a NumPy/);
    expect(() => parseNpy(bytesOf('f32').subarray(0, 40), 'h.npy')).toThrow(/^h\.npy: truncated header/);
    expect(() => parseNpy(bytesOf('f32').subarray(0, 130), 'd.npy')).toThrow(/^d\.npy: truncated data/);
  });
  it('a missing file is a FileError (exit code 4)', () => {
    let error: unknown;
    try {
      readNpy('/nonexistent/edgec/x.npy');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(FileError);
    expect((error as FileError).exitCode).toBe(4);
    expect((error as FileError).message).toMatch(/^cannot read \/nonexistent\/edgec\/x\.npy: ENOENT/);
  });
});

describe('writeNpy', () => {
  it('round-trips every dtype it writes and aligns the data to 64 bytes like NumPy', () => {
    const dir = mkdtempSync(join(tmpdir(), 'edgec-npy-'));
    const cases = [
      makeTensor('float32', [2, 3], [0.5, -1, 2, 1e-30, 7, -0]),
      makeTensor('float64', [3], [Math.PI, -1e300, 0]),
      makeTensor('int64', [2, 2], [-(2 ** 40), 0, 5, 2 ** 52]),
      makeTensor('int32', [1], [-7]),
      makeTensor('uint8', [4], [0, 1, 128, 255]),
      makeTensor('bool', [2], [1, 0]),
      makeTensor('float32', [], [9]),
    ];
    cases.forEach((t, i) => {
      const path = join(dir, `t${i}.npy`);
      writeNpy(path, t);
      const back = readNpy(path);
      expect([back.dtype, back.shape]).toEqual([t.dtype, t.shape]);
      expect(Array.from(back.data)).toEqual(Array.from(t.data));
      const headerLength = new DataView(encodeNpy(t).buffer).getUint16(8, true);
      expect((10 + headerLength) % 64).toBe(0);
    });
  });

  it('writes the header NumPy would parse: the same dict as NumPy for the same array', () => {
    const ours = new TextDecoder().decode(encodeNpy(makeTensor('int32', [2, 1], [-2147483648, 2147483647])));
    const theirs = new TextDecoder().decode(bytesOf('i32'));
    const dict = (s: string) => /\{.*\}/.exec(s)?.[0];
    expect(dict(ours)).toBe(dict(theirs));
    // The data bytes are the same as NumPy's.
    expect(encodeNpy(parseNpy(bytesOf('i32'), 'i32.npy')).slice(-8)).toEqual(bytesOf('i32').slice(-8));
  });

  it('refuses a dtype .npy cannot hold here, as a FileError', () => {
    expect(() => encodeNpy(makeTensor('float16', [1], [1]))).toThrow(FileError);
  });
});

describe.skipIf(!HAVE_SHARED)(`shared models' test data${SKIP_NO_SHARED}`, () => {
  it('reads dscnn.test_x.npy (360x1x49x10 float32) and resnet8.test_y.npy (int64 labels)', () => {
    const x = readNpy(`${SHARED_MODELS}/dscnn.test_x.npy`);
    expect([x.dtype, x.shape]).toEqual(['float32', [360, 1, 49, 10]]);
    const y = readNpy(`${SHARED_MODELS}/resnet8.test_y.npy`);
    expect([y.dtype, y.shape]).toEqual(['int64', [360]]);
    expect(Array.from(y.data).every((v) => Number.isInteger(v) && v >= 0 && v < 10)).toBe(true);
  });
});

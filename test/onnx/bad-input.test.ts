/**
 * Bad input gives a typed error with its documented exit code and a one-line message naming the
 * file: never a stack trace, a raw protobufjs exception or an out-of-memory crash.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import { afterAll, describe, expect, it } from 'vitest';
import { EdgecError, FileError, ModelError } from '../../src/errors.js';
import { loadModel } from '../../src/onnx/load-model.js';
import { buildModel } from '../helpers/onnx-builder.js';

const { onnx } = onnxProto;
const root = mkdtempSync(join(tmpdir(), 'edgec-bad-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const good = buildModel({
  nodes: [{ op: 'Add', inputs: ['x', 'b'], outputs: ['y'] }],
  inputs: [{ name: 'x', shape: [1, 4] }],
  outputs: [{ name: 'y', shape: [1, 4] }],
  initializers: [{ name: 'b', shape: [4], data: [1, 2, 3, 4] }],
});

function file(name: string, bytes: Uint8Array | string): string {
  const path = join(root, name);
  writeFileSync(path, bytes);
  return path;
}

function expectError(path: string, errorClass: typeof EdgecError, exitCode: number, pattern: RegExp): void {
  let error: unknown;
  try {
    loadModel(path);
  } catch (e) {
    error = e;
  }
  expect(error, `${path} should be refused`).toBeInstanceOf(errorClass);
  const { message } = error as EdgecError;
  expect((error as EdgecError).exitCode).toBe(exitCode);
  expect(message).not.toContain('\n');
  expect(message).toContain(path);
  expect(message).toMatch(pattern);
}

const withModel = (patch: (m: onnxProto.onnx.ModelProto) => void) => {
  const model = onnx.ModelProto.decode(good);
  patch(model);
  return onnx.ModelProto.encode(model).finish();
};

describe('files that cannot be read: FileError, exit 4', () => {
  it('missing file', () => expectError(join(root, 'absent.onnx'), FileError, 4, /: no such file$/));
  it('a directory', () => {
    const dir = join(root, 'folder.onnx');
    mkdirSync(dir);
    expectError(dir, FileError, 4, /is a directory, not an ONNX model file/);
  });
  it('a device that would stream forever', () => expectError('/dev/zero', FileError, 4, /is not a regular file/));
});

describe('files that are not valid ONNX: ModelError, exit 3', () => {
  it('empty file', () => expectError(file('empty.onnx', ''), ModelError, 3, /is not a valid ONNX model: the file is empty/));

  it('truncated file', () => {
    for (const keep of [0.5, 0.9]) {
      const path = file(`truncated-${keep}.onnx`, good.subarray(0, Math.floor(good.length * keep)));
      expectError(path, ModelError, 3, /is not a valid ONNX model: /);
    }
  });

  it('non-ONNX files', () => {
    expectError(file('notes.onnx', 'hello, this is a text file\n'), ModelError, 3, /is not a valid ONNX model: /);
    expectError(file('data.onnx', JSON.stringify({ graph: { node: [] } })), ModelError, 3, /is not a valid ONNX model: /);
    const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
    expectError(file('image.onnx', png), ModelError, 3, /is not a valid ONNX model: /);
  });

  it('a protobuf without a graph', () => {
    expectError(file('nograph.onnx', withModel((m) => m.graph = null as never)), ModelError, 3, /is not a valid ONNX model: it has no graph/);
  });

  it('a tensor declaring more than 2^31 elements (refused before allocating)', () => {
    const bytes = withModel((m) => {
      m.graph!.initializer![0] = onnx.TensorProto.create({ name: 'b', dims: [65536, 65536], dataType: 1, rawData: new Uint8Array(16) });
    });
    const before = process.memoryUsage().rss;
    expectError(file('huge.onnx', bytes), ModelError, 3, /tensor "b" in .*huge\.onnx declares shape \[65536, 65536\], more than 2\^31 elements/);
    expect(process.memoryUsage().rss - before).toBeLessThan(256 * 2 ** 20);
  });

  it('an external-data path that leaves the model folder', () => {
    const bytes = withModel((m) => {
      m.graph!.initializer![0] = onnx.TensorProto.create({
        name: 'b',
        dims: [4],
        dataType: 1,
        dataLocation: onnx.TensorProto.DataLocation.EXTERNAL,
        externalData: [{ key: 'location', value: '../../etc/passwd' }],
      });
    });
    expectError(file('escape.onnx', bytes), ModelError, 3, /tensor "b" in .*escape\.onnx: external data path "\.\.\/\.\.\/etc\/passwd" leaves the model's folder/);
  });

  it('unsupported opsets', () => {
    for (const version of [0, 22]) {
      const bytes = withModel((m) => (m.opsetImport = [onnx.OperatorSetIdProto.create({ domain: '', version })]));
      expectError(file(`opset${version}.onnx`, bytes), ModelError, 3, new RegExp(`uses opset ${version} of the default ONNX domain; edgec supports opsets 1 to 21`));
    }
    const none = withModel((m) => (m.opsetImport = [onnx.OperatorSetIdProto.create({ domain: 'com.example', version: 1 })]));
    expectError(file('noopset.onnx', none), ModelError, 3, /imports no opset of the default ONNX domain/);
  });

  it('IR versions before 3', () => {
    expectError(file('ir2.onnx', withModel((m) => (m.irVersion = 2))), ModelError, 3, /has IR version 2; edgec reads IR version 3 and later/);
  });

  it('names with control characters (they would break one-line messages)', () => {
    const bytes = withModel((m) => (m.graph!.node![0]!.output = ['y\nfake: error']));
    expectError(file('newline.onnx', bytes), ModelError, 3, /: value name "y\\nfake: error" contains a control character/);
  });

  it('a node reading a value nothing defines', () => {
    const bytes = withModel((m) => (m.graph!.node![0]!.input = ['x', 'nowhere']));
    expectError(file('dangling.onnx', bytes), ModelError, 3, /reads "nowhere", which no node, input or initializer defines/);
  });
});

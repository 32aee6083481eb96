/**
 * External tensor data: read from inside the model's folder exactly as onnxruntime reads it, and
 * refused (ModelError naming tensor and path) when the path leaves the folder: `..`, an absolute
 * path, or a symlink whose target is outside. A missing file is a FileError.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import { afterAll, describe, expect, it } from 'vitest';
import { EdgecError, FileError, ModelError } from '../../src/errors.js';
import { decodeModel, loadModel } from '../../src/onnx/load-model.js';
import { runOrt } from '../helpers/ort.js';

const { onnx } = onnxProto;
const root = mkdtempSync(join(tmpdir(), 'edgec-external-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const WEIGHTS = new Float32Array([0.5, -1.25, 3, 7.75, -0.125, 42]);

/** Writes a model whose initializer `w` ([2, 3] float) lives at `location`; returns its path. */
function externalModel(folder: string, location: string, extra: Record<string, string> = {}): string {
  mkdirSync(folder, { recursive: true });
  const entries = Object.entries({ location, ...extra }).map(([key, value]) => ({ key, value }));
  const bytes = onnx.ModelProto.encode({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 13 }],
    graph: {
      name: 'external',
      initializer: [{ name: 'w', dims: [2, 3], dataType: 1, dataLocation: onnx.TensorProto.DataLocation.EXTERNAL, externalData: entries }],
      node: [{ opType: 'Identity', input: ['w'], output: ['y'] }],
      output: [{ name: 'y', type: { tensorType: { elemType: 1 } } }],
    },
  }).finish();
  const path = join(folder, 'model.onnx');
  writeFileSync(path, bytes);
  return path;
}

const weightBytes = (prefix = 0) => {
  const out = new Uint8Array(prefix + WEIGHTS.byteLength);
  out.set(new Uint8Array(WEIGHTS.buffer), prefix);
  return out;
};

function expectRefused(path: string, pattern: RegExp): void {
  let error: unknown;
  try {
    loadModel(path);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(ModelError);
  expect((error as ModelError).exitCode).toBe(3);
  expect((error as Error).message).toMatch(pattern);
  expect((error as Error).message).not.toContain('\n');
}

describe('external data inside the model folder', () => {
  it('reads a file beside the model as onnxruntime does', async () => {
    const folder = join(root, 'ok');
    const path = externalModel(folder, 'weights.bin');
    writeFileSync(join(folder, 'weights.bin'), weightBytes());
    const ours = loadModel(path).initializers.get('w')!;
    const ref = (await runOrt(path, {})).get('y')!;
    expect(ours.shape).toEqual([2, 3]);
    expect(Array.from(ours.data)).toEqual(Array.from(ref.data));
  });

  it('honours offset and length, in a subfolder', async () => {
    const folder = join(root, 'offset');
    mkdirSync(join(folder, 'data'), { recursive: true });
    writeFileSync(join(folder, 'data', 'all.bin'), weightBytes(64));
    const path = externalModel(folder, 'data/all.bin', { offset: '64', length: String(WEIGHTS.byteLength) });
    const ours = loadModel(path).initializers.get('w')!;
    const ref = (await runOrt(path, {})).get('y')!;
    expect(Array.from(ours.data)).toEqual(Array.from(ref.data));
    expect(Array.from(ours.data)).toEqual(Array.from(WEIGHTS));
  });

  it('refuses a length that disagrees with the shape, or a file too short', () => {
    const folder = join(root, 'lengths');
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'w.bin'), weightBytes().subarray(0, 20));
    expectRefused(externalModel(folder, 'w.bin', { length: '20' }), /tensor "w" in .*model\.onnx: external data length 20 does not match its shape, which needs 24 bytes/);
    expectRefused(externalModel(folder, 'w.bin'), /external data file ".*w\.bin" has 20 bytes, the tensor needs 24 from offset 0/);
  });

  it('is a FileError when the file is missing', () => {
    const path = externalModel(join(root, 'missing'), 'nowhere.bin');
    expect(() => loadModel(path)).toThrow(FileError);
    expect(() => loadModel(path)).toThrow(/tensor "w" in .*model\.onnx: external data file ".*nowhere\.bin" not found/);
  });

  it('is refused when the model came from bytes with no folder', () => {
    const path = externalModel(join(root, 'bytes'), 'w.bin');
    const bytes = new Uint8Array(readFileSync(path));
    expect(() => decodeModel(bytes, { source: 'upload.onnx' })).toThrow(/tensor "w" in upload\.onnx is stored in external file "w\.bin", but the model was not loaded from a folder/);
  });
});

describe('external data paths that leave the model folder', () => {
  // The outside file exists, so a refusal cannot be a mere "not found".
  const outside = join(root, 'secret.bin');
  writeFileSync(outside, weightBytes());

  it('refuses ../', () => {
    expectRefused(externalModel(join(root, 'dotdot'), '../secret.bin'), /tensor "w" in .*model\.onnx: external data path "\.\.\/secret\.bin" leaves the model's folder/);
    expectRefused(externalModel(join(root, 'dotdot2'), 'sub/../../secret.bin'), /leaves the model's folder/);
  });

  it('refuses an absolute path', () => {
    expectRefused(externalModel(join(root, 'absolute'), outside), /external data path ".*secret\.bin" leaves the model's folder/);
  });

  it('refuses a symlink whose target is outside', () => {
    const folder = join(root, 'link');
    const path = externalModel(folder, 'weights.bin');
    symlinkSync(outside, join(folder, 'weights.bin'));
    expectRefused(path, /external data path "weights\.bin" is a link that leaves the model's folder/);
  });

  it('refuses a path with a control character, quoting it', () => {
    expectRefused(externalModel(join(root, 'control'), 'w\n.bin'), /external data path "w\\n\.bin" contains a control character/);
  });

  it('refuses the folder itself', () => {
    const e = (() => {
      try {
        loadModel(externalModel(join(root, 'self'), '.'));
      } catch (err) {
        return err;
      }
    })();
    expect(e).toBeInstanceOf(EdgecError);
  });
});

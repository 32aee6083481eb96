/**
 * `edgec inspect` and `edgec ops` end to end, through the real binary: output, JSON, exit codes,
 * one-line errors, and the MLPerf Tiny MAC counts of the shared models.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildModel } from '../helpers/onnx-builder.js';
import { ROOT, isOneLineError, runEdgec } from '../helpers/cli.js';
import { HAVE_SHARED, SHARED_MODELS, SKIP_NO_SHARED } from '../helpers/shared.js';

const tmp = mkdtempSync(join(tmpdir(), 'edgec-cli-'));
const ESC = '\u001b[';

describe('edgec inspect', () => {
  it('summarises a fixture model as a table, with no colour when not on a TTY', () => {
    const r = runEdgec(['inspect', 'fixtures/kws-tiny.onnx']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Conv\+Relu/);
    expect(r.stdout).toMatch(/total: \d+ layers/);
    expect(r.stdout).not.toContain(ESC);
  });

  it('prints JSON whose layers sum to the totals, and folds the BatchNorms away', () => {
    const r = runEdgec(['inspect', 'fixtures/kws-tiny.onnx', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result.schema).toBe('edgec.inspect/1');
    const layers = result.summary.layers as { op: string; macs: number; params: number }[];
    expect(layers.some((l) => l.op === 'BatchNormalization')).toBe(false);
    expect(layers.reduce((s, l) => s + l.macs, 0)).toBe(result.summary.totals.macs);
    // conv1 25x5x16 outputs x 40 taps + 2 x (dw 25x5x16x9 + pw 25x5x16x16) + fc 16x12
    expect(result.summary.totals.macs).toBe(2000 * 40 + 2 * (2000 * 9 + 2000 * 16) + 192);
  });

  it('keeps BatchNormalization with --raw', () => {
    const r = runEdgec(['inspect', 'fixtures/kws-tiny.onnx', '--json', '--raw']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).summary.layers.filter((l: { op: string }) => l.op === 'BatchNormalization')).toHaveLength(5);
  });

  it.skipIf(!HAVE_SHARED)(`reports the MLPerf Tiny MAC counts of resnet8 and dscnn${SKIP_NO_SHARED}`, () => {
    const macs = (name: string) => JSON.parse(runEdgec(['inspect', `${SHARED_MODELS}/${name}.onnx`, '--json']).stdout).summary.totals.macs;
    expect(Math.abs(macs('resnet8') - 12_501_632) / 12_501_632).toBeLessThanOrEqual(0.001);
    expect(Math.abs(macs('dscnn') - 2_656_640) / 2_656_640).toBeLessThanOrEqual(0.001);
  });
});

describe('edgec inspect on bad input: documented exit code and a one-line message', () => {
  const cases: [string, () => string, number, RegExp][] = [
    ['a missing file', () => join(tmp, 'nope.onnx'), 4, /nope\.onnx/],
    ['an empty file', () => write('empty.onnx', new Uint8Array()), 3, /empty\.onnx/],
    ['a non-ONNX file', () => write('text.onnx', new TextEncoder().encode('hello, this is not a model\n')), 3, /text\.onnx/],
    ['a truncated file', () => write('cut.onnx', fixture().subarray(0, 300)), 3, /cut\.onnx/],
    [
      'an unsupported op',
      () =>
        write(
          'unsupported.onnx',
          buildModel({
            nodes: [{ op: 'Relu', inputs: ['x'], outputs: ['h'] }, { op: 'NonMaxSuppression', name: 'nms_1', inputs: ['h', 'h'], outputs: ['y'] }],
            inputs: [{ name: 'x', shape: [1, 4] }],
            outputs: [{ name: 'y' }],
          }),
        ),
      3,
      /NonMaxSuppression \(node "nms_1"\)/,
    ],
  ];
  for (const [what, make, code, message] of cases) {
    it(`${what} exits ${code}`, () => {
      const r = runEdgec(['inspect', make()]);
      expect(r.code).toBe(code);
      expect(r.stderr).toMatch(message);
      expect(isOneLineError(r.stderr), r.stderr).toBe(true);
    });
  }

  it('a malformed --input-shape exits 2 naming the flag', () => {
    const r = runEdgec(['inspect', 'fixtures/cnn-tiny.onnx', '--input-shape', 'image=1xAx3']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--input-shape/);
    expect(isOneLineError(r.stderr), r.stderr).toBe(true);
  });

  it('an unknown option exits 2', () => {
    expect(runEdgec(['inspect', 'fixtures/cnn-tiny.onnx', '--bogus']).code).toBe(2);
  });
});

describe('help and ops', () => {
  it('--help of every command describes every option', () => {
    const top = runEdgec(['--help']);
    expect(top.code).toBe(0);
    for (const command of ['inspect', 'ops']) {
      expect(top.stdout).toContain(command);
      const r = runEdgec([command, '--help']);
      expect(r.code).toBe(0);
      for (const line of r.stdout.split('\n').filter((l) => /^\s+-/.test(l))) {
        // every option line carries a description after the flag column
        expect(line.trim().split(/\s{2,}/).length, line).toBeGreaterThanOrEqual(2);
      }
    }
    expect(runEdgec(['inspect', '--help']).stdout).toMatch(/--input-shape/);
  });

  it('ops lists the supported ops', () => {
    const ops = JSON.parse(runEdgec(['ops', '--json']).stdout) as string[];
    for (const op of ['Conv', 'Gemm', 'Relu', 'Resize', 'LayerNormalization', 'Softmax']) expect(ops).toContain(op);
  });

  it('--version prints the package version', () => {
    expect(runEdgec(['--version']).stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});

function write(name: string, bytes: Uint8Array): string {
  const path = join(tmp, name);
  writeFileSync(path, bytes);
  return path;
}

function fixture(): Uint8Array {
  return new Uint8Array(readFileSync(join(ROOT, 'fixtures/cnn-tiny.onnx')));
}

describe('colour', () => {
  it('FORCE_COLOR=1 colours the output, NO_COLOR=1 wins over it', () => {
    expect(runEdgec(['inspect', 'fixtures/kws-tiny.onnx'], { FORCE_COLOR: '1' }).stdout).toContain(ESC);
    expect(runEdgec(['inspect', 'fixtures/kws-tiny.onnx'], { FORCE_COLOR: '1', NO_COLOR: '1' }).stdout).not.toContain(ESC);
  });
});

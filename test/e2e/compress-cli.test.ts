/**
 * `edgec compress` and `edgec verify` through the real binary: the output directory and report,
 * determinism, atomic output on failure, flag errors naming the flag, and verify's verdicts
 * (bit-exact on a good directory, exit 70 on a tampered one).
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeQModel, encodeQModel } from '../../src/pipeline/qmodel-file.js';
import { isOneLineError } from '../helpers/cli.js';
import { readTree, runEdgecIn } from './helpers.js';
import { convNet, twoInputNet, unsupportedNet } from './models.js';
import { encodeNpy } from '../../src/data/npy.js';
import { makeTensor } from '../../src/ir/tensor.js';
import { randomTensor } from '../helpers/random.js';

const tmp = mkdtempSync(join(tmpdir(), 'edgec-e2e-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const model = join(tmp, 'conv-net.onnx');
writeFileSync(model, convNet());
const edgec = (...args: string[]) => runEdgecIn(tmp, args);

interface Report {
  schema: string;
  name: string;
  files: string[];
  layers: { name: string; w_bits: number | null; weight_bytes: number; macs: number; params: number; sqnr_db: number | null }[];
  totals: { weights_bytes: number; macs: number; params: number; arena_bytes: number };
  bit_policy: { rule: string; eight_bit_layers: string[] };
  bit_search?: { max_drop: number; objective: string; chosen: { flash_bytes: number; weight_bits: Record<string, number>; meets_drop: boolean }; uniform: { label: string; flash_bytes: number; meets_drop: boolean }[]; realizations: { meets_drop: boolean }[] };
  accuracy: { output_sqnr_db: number | null };
  distillation?: { ran: boolean; frozen_weights: { frozen: number; of: number } | null };
}

describe('edgec compress', () => {
  it('by default: --bits auto, written with C, report.json, the QDQ and fp32 models and the QModel snapshot to edgec-out/<stem>/', () => {
    const r = edgec('compress', 'conv-net.onnx');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe(''); // no spinner off a terminal
    const dir = join(tmp, 'edgec-out', 'conv-net');
    const files = readdirSync(dir).sort();
    for (const f of ['conv_net.c', 'conv_net.h', 'conv_net.qdq.onnx', 'conv_net.fp32.onnx', 'conv_net.qmodel.json', 'report.json']) expect(files).toContain(f);
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as Report;
    expect(report.schema).toBe('edgec.report/2');
    expect(report.name).toBe('conv_net');
    expect(report.files).toEqual(files);
    expect(r.stdout).toMatch(/conv1/);
    expect(r.stdout).toMatch(/arena/);
    // The default is the per-layer search: minimise flash within 1 point of the proxy, the
    // choice realized and checked, and never more flash than a uniform configuration meeting it.
    expect(report.bit_policy.rule).toBe('auto');
    const search = report.bit_search!;
    expect(search).toMatchObject({ max_drop: 1, objective: 'flash_bytes', chosen: { meets_drop: true } });
    expect(Object.keys(search.chosen.weight_bits)).toEqual(['conv1', 'conv2', 'conv3']);
    expect(report.layers.map((l) => l.w_bits)).toEqual(Object.values(search.chosen.weight_bits));
    expect(search.realizations.at(-1)!.meets_drop).toBe(true);
    for (const u of search.uniform.filter((x) => x.meets_drop)) expect(search.chosen.flash_bytes, u.label).toBeLessThanOrEqual(u.flash_bytes);
    expect(r.stdout).toMatch(/bit widths \(--bits auto\): minimising flash under --max-drop 1/);
  });

  it('--json prints report.json; layers add up to the totals; w8a8 tracks fp32 closely', () => {
    const r = edgec('compress', 'conv-net.onnx', '-o', 'json-out', '--bits', 'w8a8', '--json');
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as Report;
    expect(readFileSync(join(tmp, 'json-out', 'report.json'), 'utf8')).toBe(`${JSON.stringify(report, null, 2)}\n`);
    expect(report.layers.map((l) => l.name)).toEqual(['conv1', 'conv2', 'conv3']);
    expect(report.layers.reduce((s, l) => s + l.macs, 0)).toBe(report.totals.macs);
    // conv1 5x8x8 outputs x 27 taps, conv2 7x4x4 x 45, conv3 4x4x4 x 7
    expect(report.totals.macs).toBe(320 * 27 + 112 * 45 + 64 * 7);
    expect(report.totals.params).toBe(5 * 27 + 5 + 7 * 45 + 7 + 4 * 7);
    expect(report.totals.weights_bytes).toBe(5 * 27 + 7 * 45 + 4 * 7);
    expect(report.totals.arena_bytes).toBeGreaterThanOrEqual(3 * 64 + 5 * 64);
    // The report and the C header agree on the sizes the firmware links.
    const header = readFileSync(join(tmp, 'json-out', 'conv_net.h'), 'utf8');
    expect(header).toContain(`#define CONV_NET_ARENA_SIZE ${report.totals.arena_bytes}\n`);
    expect(header).toContain(`#define CONV_NET_WEIGHT_BYTES ${report.totals.weights_bytes}\n`);
    expect(report.accuracy.output_sqnr_db).toBeGreaterThan(25);
    for (const l of report.layers) expect(l.sqnr_db).toBeGreaterThan(25);
  });

  it('w4a8 keeps the first and last weighted layers at 8 bits and says so; --uniform-bits packs all', () => {
    const policy = JSON.parse(edgec('compress', 'conv-net.onnx', '-o', 'w4', '--bits', 'w4a8', '--json').stdout) as Report;
    expect(policy.bit_policy).toMatchObject({ rule: 'first-last-8bit', eight_bit_layers: ['conv1', 'conv3'] });
    expect(policy.layers.map((l) => l.w_bits)).toEqual([8, 4, 8]);
    expect(policy.layers[1]!.weight_bytes).toBe(Math.ceil((7 * 45) / 2));
    const w8 = JSON.parse(edgec('compress', 'conv-net.onnx', '-o', 'u8', '--bits', 'w8a8', '--json').stdout) as Report;
    const w4 = JSON.parse(edgec('compress', 'conv-net.onnx', '-o', 'u4', '--bits', 'w4a8', '--uniform-bits', '--json').stdout) as Report;
    const w2 = JSON.parse(edgec('compress', 'conv-net.onnx', '-o', 'u2', '--bits', 'w2a8', '--uniform-bits', '--json').stdout) as Report;
    expect(w4.bit_policy.rule).toBe('uniform');
    expect(w4.layers.map((l) => l.w_bits)).toEqual([4, 4, 4]);
    expect(w4.totals.weights_bytes).toBeLessThanOrEqual(0.55 * w8.totals.weights_bytes);
    expect(w2.totals.weights_bytes).toBeLessThanOrEqual(0.3 * w8.totals.weights_bytes);
    // Distilled on synthetic data, its 2-bit weights were tracked for oscillations.
    const frozen = w2.distillation!.frozen_weights!;
    expect(frozen.of).toBeGreaterThan(0);
    expect(frozen.frozen).toBeLessThanOrEqual(frozen.of);
  });

  it('is deterministic: two runs give byte-identical directories (the default auto, w4a8 with groups, w8a16)', () => {
    for (const flags of [[], ['--bits', 'w4a8', '--group-size', '8'], ['--bits', 'w8a16']]) {
      expect(edgec('compress', 'conv-net.onnx', '-o', 'det-a', ...flags).code).toBe(0);
      expect(edgec('compress', 'conv-net.onnx', '-o', 'det-b', ...flags).code).toBe(0);
      const a = readTree(join(tmp, 'det-a'));
      const b = readTree(join(tmp, 'det-b'));
      expect([...a.keys()]).toEqual([...b.keys()]);
      for (const [name, bytes] of a) expect(bytes.equals(b.get(name)!), `${flags.join(' ')}: ${name}`).toBe(true);
    }
  });
});

describe('edgec compress failures leave nothing behind', () => {
  const cases: [string, string[], number, RegExp][] = [
    ['an unsupported op', ['unsupported.onnx'], 3, /NonMaxSuppression \(node "nms_1"\)/],
    ['a missing model', ['nope.onnx'], 4, /nope\.onnx/],
    ['a bad --bits', ['conv-net.onnx', '--bits', 'w3a8'], 2, /--bits/],
    ['--group-size with w8a8', ['conv-net.onnx', '--bits', 'w8a8', '--group-size', '16'], 2, /--group-size/],
    ['--group-size with the default auto', ['conv-net.onnx', '--group-size', '16'], 2, /--group-size applies to 4-bit weights only \(--bits w4a8\), not --bits auto/],
    ['a reversed --input-range', ['conv-net.onnx', '--input-range', '1,0'], 2, /--input-range/],
    ['a --name that is not a C identifier', ['conv-net.onnx', '--name', 'my net'], 2, /--name/],
    ['a --name in the kernels\' namespace', ['conv-net.onnx', '--name', 'edgec_net'], 2, /--name/],
    ['a bad --observer', ['conv-net.onnx', '--observer', 'max'], 2, /--observer/],
    ['a missing --calib file', ['conv-net.onnx', '--calib', 'none.npy'], 4, /none\.npy/],
  ];
  writeFileSync(join(tmp, 'unsupported.onnx'), unsupportedNet());
  for (const [what, args, code, message] of cases) {
    it(`${what}: exit ${code}, one line, no output directory`, () => {
      const out = join(tmp, 'fail', what.replace(/\W+/g, '_'));
      const r = edgec('compress', ...args, '-o', out);
      expect(r.code, r.stderr).toBe(code);
      expect(r.stderr).toMatch(message);
      expect(isOneLineError(r.stderr), r.stderr).toBe(true);
      expect(existsSync(out)).toBe(false);
      expect(existsSync(join(tmp, 'fail'))).toBe(false);
    });
  }

  it('refuses to replace a folder that is not edgec output (exit 4), leaving it as it was', () => {
    const mine = join(tmp, 'mine');
    mkdirSync(mine);
    writeFileSync(join(mine, 'notes.txt'), 'keep me');
    const r = edgec('compress', 'conv-net.onnx', '-o', 'mine');
    expect(r.code, r.stderr).toBe(4);
    expect(isOneLineError(r.stderr), r.stderr).toBe(true);
    expect(readdirSync(mine)).toEqual(['notes.txt']);
  });
});

describe('edgec verify', () => {
  it('builds the C and finds it bit-exact with the integer reference; reports fidelity to fp32', () => {
    const c = edgec('compress', 'conv-net.onnx', '-o', 'v', '--bits', 'w4a8');
    expect(c.code, c.stderr).toBe(0);
    const r = edgec('verify', 'v', '--count', '20', '--json');
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout) as { bit_exact: boolean; samples: number; outputs: { name: string; sqnr_db: number; top1_agreement: number | null }[] };
    expect(result.bit_exact).toBe(true);
    expect(result.samples).toBe(20);
    expect(result.outputs[0]!.name).toBe('scores');
    expect(result.outputs[0]!.sqnr_db).toBeGreaterThan(10);
    const text = edgec('verify', 'v', '--count', '5');
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/bit-exact/);
  });

  it('exits 70 with one line when the C and the reference differ (a tampered bias)', () => {
    expect(edgec('compress', 'conv-net.onnx', '-o', 'tampered').code).toBe(0);
    const path = join(tmp, 'tampered', 'conv_net.qmodel.json');
    const q = decodeQModel(readFileSync(path, 'utf8'), path);
    q.layers[2]!.bias = Int32Array.from(q.layers[2]!.bias ?? new Int32Array(4), (b) => b + 100_000);
    writeFileSync(path, encodeQModel(q));
    const r = edgec('verify', 'tampered', '--count', '3');
    expect(r.code, r.stderr).toBe(70);
    expect(isOneLineError(r.stderr), r.stderr).toBe(true);
    expect(r.stderr).toMatch(/differs from the integer reference/);
  });

  it('verifies int16 activations (w8a16) and a model with two inputs', () => {
    expect(edgec('compress', 'conv-net.onnx', '-o', 'v16', '--bits', 'w8a16').code).toBe(0);
    const r16 = JSON.parse(edgec('verify', 'v16', '--count', '10', '--json').stdout) as { bit_exact: boolean; outputs: { sqnr_db: number }[] };
    expect(r16.bit_exact).toBe(true);
    expect(r16.outputs[0]!.sqnr_db).toBeGreaterThan(40); // int16 activations: far finer than int8
    writeFileSync(join(tmp, 'two.onnx'), twoInputNet());
    const c = edgec('compress', 'two.onnx', '-o', 'two', '--input-range', '-1,1', '--json');
    expect(c.code, c.stderr).toBe(0);
    expect((JSON.parse(c.stdout) as { inputs: unknown[] }).inputs).toHaveLength(2);
    const r = edgec('verify', 'two', '--count', '10', '--json');
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as { bit_exact: boolean }).bit_exact).toBe(true);
  });

  it('calibrates on --calib data and verifies on --data; a .npy of the wrong shape exits 2 naming the flag', () => {
    const samples = randomTensor([6, 3, 8, 8], 11, 0, 1);
    writeFileSync(join(tmp, 'calib.npy'), encodeNpy(makeTensor('float32', [6, 3, 8, 8], samples.data)));
    writeFileSync(join(tmp, 'wrong.npy'), encodeNpy(makeTensor('float32', [6, 8, 8], new Float32Array(6 * 64))));
    const c = edgec('compress', 'conv-net.onnx', '-o', 'calibrated', '--calib', 'calib.npy', '--json');
    expect(c.code, c.stderr).toBe(0);
    const report = JSON.parse(c.stdout) as { options: { calib_file: string; input_range: unknown; calibration: string } };
    expect(report.options).toMatchObject({ calib_file: 'calib.npy', input_range: null });
    expect(report.options.calibration).toMatch(/6 samples/);
    const v = edgec('verify', 'calibrated', '--data', 'calib.npy', '--json');
    expect(v.code, v.stderr).toBe(0);
    expect((JSON.parse(v.stdout) as { samples: number }).samples).toBe(6);
    for (const args of [['compress', 'conv-net.onnx', '-o', 'never', '--calib', 'wrong.npy'], ['verify', 'calibrated', '--data', 'wrong.npy']]) {
      const r = edgec(...args);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(args[0] === 'compress' ? /--calib/ : /--data/);
      expect(isOneLineError(r.stderr), r.stderr).toBe(true);
    }
    expect(existsSync(join(tmp, 'never'))).toBe(false);
  });

  it('refuses a folder that is not compress output and a missing compiler (exit 4), a bad --count (exit 2)', () => {
    mkdirSync(join(tmp, 'empty'), { recursive: true });
    const r = edgec('verify', 'empty');
    expect(r.code, r.stderr).toBe(4);
    expect(isOneLineError(r.stderr), r.stderr).toBe(true);
    expect(edgec('compress', 'conv-net.onnx', '-o', 'nocc').code).toBe(0);
    const noCc = runEdgecIn(tmp, ['verify', 'nocc', '--count', '2'], { CC: 'no-such-cc' });
    expect(noCc.code, noCc.stderr).toBe(4);
    expect(noCc.stderr).toMatch(/host C compiler.*no-such-cc.*set CC/);
    expect(isOneLineError(noCc.stderr), noCc.stderr).toBe(true);
    const c = edgec('verify', 'v', '--count', '0');
    expect(c.code).toBe(2);
    expect(c.stderr).toMatch(/--count/);
  });
});

describe('help', () => {
  it('describes every option of compress and verify', () => {
    for (const command of ['compress', 'verify']) {
      const r = edgec(command, '--help');
      expect(r.code).toBe(0);
      for (const line of r.stdout.split('\n').filter((l) => /^\s+-/.test(l))) expect(line.trim().split(/\s{2,}/).length, line).toBeGreaterThanOrEqual(2);
    }
    expect(edgec('compress', '--help').stdout).toMatch(/--group-size[\s\S]*--input-range[\s\S]*--calib[\s\S]*--observer[\s\S]*--uniform-bits/);
  });
});

/**
 * Opset-6 models no one here wrote: libonnx-testdata's pytorch-operator/ folder (exported by
 * PyTorch 0.3, every one at opset 6: Add with broadcast/axis, Gemm with broadcast, Split-2, Clip-6,
 * Slice-1, Reduce*-1 axes, Tile, Reshape...). Each runs through loadModel -> inferTypes -> runGraph
 * against its stored outputs with the conformance suite's tolerances (test/conformance). Tests
 * using an op edgec does not define are skipped by name; KNOWN_FAILURES still run and must fail.
 * Skips visibly when the package is absent.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { onnx } from '../../src/onnx/proto.js';
import { DATA_ROOT, notRunReason, runCase, type BackendCase } from '../conformance/backend-cases.js';

const DIR = join(DATA_ROOT, 'pytorch-operator');
const HAVE = existsSync(DIR);

/** Tests that run but cannot pass, each with the reason; they must still fail. */
const KNOWN_FAILURES: Record<string, string> = {};

describe.skipIf(!HAVE)(`opset-6 models of libonnx-testdata pytorch-operator/${HAVE ? '' : ' [SKIPPED: libonnx-testdata not installed]'}`, () => {
  const cases: BackendCase[] = HAVE
    ? readdirSync(DIR)
        .filter((name) => existsSync(join(DIR, name, 'model.onnx')))
        .sort()
        .map((name) => ({ suite: 'pytorch-operator', name, dir: join(DIR, name) }))
    : [];

  for (const c of cases) {
    const notRun = notRunReason(c);
    const known = KNOWN_FAILURES[c.name];
    if (notRun) {
      it.skip(`${c.name} [not run: ${notRun}]`, () => {});
    } else if (known) {
      it(`${c.name} [known failure, must still fail: ${known}]`, () => {
        expect(runCase(c).problem, 'this test now passes: remove it from KNOWN_FAILURES').toBeDefined();
      });
    } else {
      it(c.name, () => expect(runCase(c).problem).toBeUndefined());
    }
  }

  it('runs most of the folder, and every model in it is opset 6', () => {
    expect(cases.length).toBeGreaterThanOrEqual(30);
    expect(cases.filter((c) => !notRunReason(c)).length).toBeGreaterThanOrEqual(30);
    const opsets = cases.map((c) => Number(onnx.ModelProto.decode(readFileSync(join(c.dir, 'model.onnx'))).opsetImport?.[0]?.version));
    expect(new Set(opsets)).toEqual(new Set([6]));
  });
});

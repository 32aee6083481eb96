/**
 * ONNX conformance: every test under node/ and pytorch-converted/ of Debian's libonnx-testdata,
 * run through loadModel -> inferTypes -> runGraph and compared with the stored outputs (dtype and
 * shape exactly; values within rtol 1e-4 / atol 1e-5, or onnx's runner's rtol 1e-3 / atol 1e-7,
 * whichever is looser per element). A test whose ops edgec does not all define, or whose opset the
 * loader does not read, is reported as not run; excluded.ts lists the rest that cannot pass, and
 * those run expecting failure. Skips visibly when the package is absent.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { EXCLUDED } from './excluded.js';
import { HAVE_TESTDATA, listCases, notRunReason, runCase } from './backend-cases.js';

const SKIP_NOTE = HAVE_TESTDATA ? '' : ' [SKIPPED: libonnx-testdata not installed (apt-get install libonnx-testdata)]';

describe.skipIf(!HAVE_TESTDATA)(`ONNX backend tests from libonnx-testdata${SKIP_NOTE}`, () => {
  const cases = HAVE_TESTDATA ? listCases() : [];
  const tally = { run: 0, passed: 0, boundAsConstants: 0, notRun: 0, excluded: 0 };

  for (const c of cases) {
    const title = `${c.suite}/${c.name}`;
    const notRun = notRunReason(c);
    const excluded = EXCLUDED[c.name];
    if (notRun) {
      tally.notRun++;
      it.skip(`${title} [not run: ${notRun}]`, () => {});
    } else if (excluded) {
      tally.excluded++;
      // Runs anyway: an excluded test that passes means the entry should go.
      it(`${title} [excluded, must still fail: ${excluded}]`, () => {
        let outcome: string | undefined;
        try {
          outcome = runCase(c).problem;
        } catch (e) {
          outcome = e instanceof Error ? e.message : String(e);
        }
        expect(outcome, 'this excluded test now passes: remove it from excluded.ts').toBeDefined();
      });
    } else {
      it(title, () => {
        tally.run++;
        const result = runCase(c);
        if (result.frozen) tally.boundAsConstants++;
        expect(result.problem).toBeUndefined();
        tally.passed++;
      });
    }
  }

  it('every excluded name is a test in the data, and one that edgec would otherwise run', () => {
    const names = new Map(cases.map((c) => [c.name, c]));
    for (const name of Object.keys(EXCLUDED)) {
      const c = names.get(name);
      expect(c, `${name} is not in the test data`).toBeDefined();
      expect(notRunReason(c!), `${name} is already reported as not run`).toBeUndefined();
    }
  });

  afterAll(() => {
    const reasons = [...new Set(Object.values(EXCLUDED))].map((r) => `  - ${r}: ${Object.keys(EXCLUDED).filter((k) => EXCLUDED[k] === r).join(', ')}`);
    console.log(
      [
        `ONNX backend conformance (${cases.length} tests in node/ and pytorch-converted/):`,
        `  ran ${tally.run}, passed ${tally.passed} (${tally.boundAsConstants} with shape operands bound as constants)`,
        `  not run (unsupported op or opset): ${tally.notRun}`,
        `  excluded (still run, still failing as expected): ${tally.excluded}`,
        ...reasons,
      ].join('\n'),
    );
  });
});

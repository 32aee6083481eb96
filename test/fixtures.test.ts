/**
 * fixtures/ is generated, never hand-edited: the committed files must be exactly what
 * `npm run fixtures` writes, and onnxruntime must agree with edgec's engine on them (so the
 * writer produced valid, meaningful ONNX).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inferTypes } from '../src/engine/infer-types.js';
import { runGraph } from '../src/engine/run-graph.js';
import { loadModel } from '../src/onnx/load-model.js';
import { canonicalize } from '../src/passes/index.js';
import { ROOT } from './helpers/cli.js';
import { maxAbsDiff, runOrt } from './helpers/ort.js';
import { randomTensor } from './helpers/random.js';

const FIXTURES = { 'kws-tiny.onnx': [1, 1, 49, 10], 'cnn-tiny.onnx': [1, 3, 32, 32] };

describe('fixtures', () => {
  it('are byte-identical to what scripts/make-fixtures.ts writes', () => {
    const out = mkdtempSync(join(tmpdir(), 'edgec-fixtures-'));
    execFileSync(process.execPath, ['node_modules/tsx/dist/cli.mjs', 'scripts/make-fixtures.ts', '--out', out], { cwd: ROOT });
    for (const file of Object.keys(FIXTURES)) {
      expect(Buffer.compare(readFileSync(join(out, file)), readFileSync(join(ROOT, 'fixtures', file))), file).toBe(0);
    }
  });

  for (const [file, shape] of Object.entries(FIXTURES)) {
    it(`${file}: the engine matches onnxruntime within 1e-5, before and after canonicalisation`, async () => {
      const path = join(ROOT, 'fixtures', file);
      const graph = loadModel(path);
      inferTypes(graph);
      const input = randomTensor(shape, 7, 0, 1);
      const feeds = { [graph.inputs[0]!.name]: input };
      const reference = [...(await runOrt(path, feeds)).values()][0]!;
      const before = [...runGraph(graph, feeds).values()][0]!;
      const after = [...runGraph(canonicalize(graph), feeds).values()][0]!;
      expect(before.shape).toEqual(reference.shape);
      expect(maxAbsDiff(before.data, reference.data)).toBeLessThanOrEqual(1e-5);
      expect(maxAbsDiff(after.data, reference.data)).toBeLessThanOrEqual(1e-5);
    });
  }
});

/**
 * Regenerates fixtures/ from scripts/fixture-models.ts with edgec's own ONNX writer.
 * Usage: npm run fixtures [-- --out DIR]. Deterministic: the same code gives the same bytes
 * (test/fixtures.test.ts checks the committed files are what this script writes).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { saveModel } from '../src/onnx/write-model.js';
import { FIXTURES } from './fixture-models.js';

const outFlag = process.argv.indexOf('--out');
const outDir = outFlag >= 0 ? process.argv[outFlag + 1]! : new URL('../fixtures', import.meta.url).pathname;
mkdirSync(outDir, { recursive: true });
for (const [file, build] of Object.entries(FIXTURES)) {
  const path = join(outDir, file);
  saveModel(build(), path);
  process.stdout.write(`wrote ${path}\n`);
}

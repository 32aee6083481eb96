/**
 * The programmatic `compress`: validate options, run the pipeline (src/pipeline/compress-model.ts)
 * and write the output directory atomically. The CLI renders the returned report.
 *
 * A missed budget (or a model too big for the target's flash or SRAM) still writes the directory,
 * whose report.json and report.html say what exceeds by how much, then throws a
 * BudgetExceededError (exit 5) that carries the result, so the CLI can print it before failing.
 */
import { basename, extname, join } from 'node:path';
import { compressModel } from '../pipeline/compress-model.js';
import { resolveCompressOptions, type CompressOptions } from '../pipeline/options.js';
import { writeOutputDir } from '../pipeline/output-dir.js';
import { reportProgress } from '../pipeline/progress.js';
import { BudgetError } from '../errors.js';
import { budgetMissMessage } from '../report/budget-text.js';
import type { CompressReport } from '../report/compress-report.js';

export type { CompressOptions } from '../pipeline/options.js';

export interface CompressResult {
  /** The output directory as given (or the default `edgec-out/<stem>`). */
  dir: string;
  report: CompressReport;
}

export function defaultOutputDir(modelPath: string): string {
  return join('edgec-out', basename(modelPath, extname(modelPath)) || 'model');
}

export async function compress(modelPath: string, options: CompressOptions = {}): Promise<CompressResult> {
  const resolved = resolveCompressOptions(options);
  const dir = resolved.outDir ?? defaultOutputDir(modelPath);
  const artifacts = await compressModel(modelPath, resolved);
  reportProgress(resolved, { stage: `writing ${dir}` }); // the last point an abort leaves nothing behind
  writeOutputDir(dir, artifacts.files);
  const result = { dir, report: artifacts.report };
  const missed = budgetMissMessage(result.report.budgets, result.report.target);
  // --bits auto found no configuration within the budgets: say what is achievable at best.
  const impossible = result.report.bit_search?.impossible;
  if (missed !== null) throw new BudgetExceededError(impossible ? `${missed}; ${impossible}` : missed, result);
  return result;
}

/** A budget was missed; the output directory was written and `result` describes it. */
export class BudgetExceededError extends BudgetError {
  constructor(
    message: string,
    readonly result: CompressResult,
  ) {
    super(message);
  }
}

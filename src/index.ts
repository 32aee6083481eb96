/**
 * The programmatic API: `import { compress, inspect, verify } from 'edgec'`. The CLI is a thin
 * shell over exactly these functions, so a program gets the same result objects the CLI renders
 * (`compress(...).report` is report.json, byte for byte once serialised as the CLI does), takes the
 * same options the CLI builds from its flags, and gets the same typed errors: every error edgec
 * throws on purpose is an EdgecError whose `exitCode` is the CLI's (README, "Exit codes").
 *
 *   const { dir, report } = await compress('kws.onnx', { bits: 'w4a8', outDir: 'build/kws',
 *     target: 'stm32l4r5', budgets: { maxRamBytes: 64 * 1024 },
 *     signal: AbortSignal.timeout(60_000), onProgress: (e) => console.log(e.stage) });
 *
 * `targets`: the target database (`edgec targets`) as `listTargets()`, `loadTarget(id)`, `targetIds()`.
 */
export { BudgetExceededError, compress, defaultOutputDir, type CompressOptions, type CompressResult } from './api/compress.js';
export { inspect, type InspectOptions, type InspectResult } from './api/inspect.js';
export { verify, DEFAULT_VERIFY_COUNT, type OutputAgreement, type Verification, type VerifyOptions, type VerifyResult } from './api/verify.js';
export { BudgetError, EdgecError, ExitCode, FileError, InternalError, ModelError, UsageError, type ExitCodeValue } from './errors.js';
export { BITS_PRESETS, OBSERVERS, type BitsPreset, type ObserverKind } from './pipeline/options.js';
export type { BudgetCheck, Budgets, BudgetsReport } from './pipeline/budgets.js';
export type { ProgressCallback, ProgressEvent } from './pipeline/progress.js';
export type { CompressReport } from './report/compress-report.js';
export type { ModelSummary } from './analysis/inspect-model.js';
export { DEFAULT_TARGET, listTargets, loadTarget, targetIds } from './targets/load-targets.js';
export type { ResolvedTarget, Target } from './targets/target.js';
export { VERSION as version } from './version.js';

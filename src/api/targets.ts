/**
 * The programmatic `targets`: the target database (targets/*.json) as a result object, optionally
 * one target with --clock / --vdd applied. The CLI renders it (report/targets-text.ts) or prints
 * it as JSON.
 */
import { listTargets, resolveTarget, DEFAULT_TARGET, type TargetOverrides } from '../targets/load-targets.js';
import type { ResolvedTarget, Target } from '../targets/target.js';

export interface TargetsResult {
  schema: 'edgec.targets/1';
  default: string;
  targets: (Target | ResolvedTarget)[];
}

export function targets(options: { target?: string } & TargetOverrides = {}): TargetsResult {
  const { target, ...overrides } = options;
  const list = target !== undefined ? [resolveTarget(target, overrides)] : listTargets();
  return { schema: 'edgec.targets/1', default: DEFAULT_TARGET, targets: list };
}

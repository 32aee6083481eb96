/**
 * The canonicalising passes and `canonicalize`, which runs them in order to a fixed point.
 *
 * Order, and why:
 * 1. clean-up (fold-constants, remove-identity, eliminate-dead-code) until nothing changes: Constant
 *    nodes, Shape chains and pass-throughs vanish first, so the later patterns see real producers
 *    (a Conv -> Identity -> BN becomes Conv -> BN);
 * 2. structural rewrites (fuse-matmul-add before fold-batch-norm, so MatMul+Add+BN folds into one
 *    Gemm; fold-pad; recognise-layer-norm) with the clean-up, until nothing changes;
 * 3. lower-batch-norm: only the BNs fold-batch-norm could not fold become ChannelAffine;
 * 4. fuse-activation last, because a fused activation blocks BN folding into its producer.
 * After every pass that changed something, types are re-inferred from scratch, so a pass bug that
 * leaves a stale type is caught by the next pass's view and by `inferTypes`' own checks.
 */
import { InternalError } from '../errors.js';
import { inferTypes } from '../engine/infer-types.js';
import { cloneGraph, type Graph } from '../ir/graph.js';
import { eliminateDeadCode } from './eliminate-dead-code.js';
import { foldBatchNorm } from './fold-batch-norm.js';
import { foldConstants } from './fold-constants.js';
import { foldPad } from './fold-pad.js';
import { fuseActivation } from './fuse-activation.js';
import { fuseMatMulAdd } from './fuse-matmul-add.js';
import type { Pass } from './graph-edit.js';
import { lowerBatchNorm } from './lower-batch-norm.js';
import { recogniseLayerNorm } from './recognise-layer-norm.js';
import { removeIdentity } from './remove-identity.js';

export type { Pass } from './graph-edit.js';

export interface NamedPass {
  name: string;
  run: Pass;
}

/** Every pass, by the name of its file, in the order `canonicalize` first runs them. */
export const PASSES: readonly NamedPass[] = [
  { name: 'fold-constants', run: foldConstants },
  { name: 'remove-identity', run: removeIdentity },
  { name: 'eliminate-dead-code', run: eliminateDeadCode },
  { name: 'fuse-matmul-add', run: fuseMatMulAdd },
  { name: 'fold-batch-norm', run: foldBatchNorm },
  { name: 'fold-pad', run: foldPad },
  { name: 'recognise-layer-norm', run: recogniseLayerNorm },
  { name: 'lower-batch-norm', run: lowerBatchNorm },
  { name: 'fuse-activation', run: fuseActivation },
];

const CLEAN_UP: Pass[] = [foldConstants, removeIdentity, eliminateDeadCode];
const PHASES: Pass[][] = [
  CLEAN_UP,
  [fuseMatMulAdd, foldBatchNorm, foldPad, recogniseLayerNorm, ...CLEAN_UP],
  [lowerBatchNorm],
  [fuseActivation, eliminateDeadCode],
];

/**
 * Returns a canonical copy of `graph` (which must have its types inferred); `graph` itself is not
 * changed. The copy computes the same outputs, within float rounding of the folded weights.
 */
export function canonicalize(graph: Graph): Graph {
  const out = cloneGraph(graph);
  for (const phase of PHASES) runToFixedPoint(out, phase);
  return out;
}

function runToFixedPoint(graph: Graph, passes: Pass[]): void {
  // Every pass that changes the graph removes a node or a BatchNormalization, so the loop ends;
  // the bound only turns a pass bug into an error instead of a hang.
  const bound = graph.nodes.length + graph.initializers.size + 10;
  for (let round = 0; round < bound; round++) {
    let changed = false;
    for (const pass of passes) {
      if (pass(graph)) {
        changed = true;
        inferTypes(graph);
      }
    }
    if (!changed) return;
  }
  throw new InternalError(`canonicalize: passes did not reach a fixed point on graph "${graph.name}"; this is a bug in edgec, please report it`);
}

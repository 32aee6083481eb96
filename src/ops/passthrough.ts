/**
 * Ops that pass their input through at inference: Identity, and Dropout outside training (the
 * data unchanged, the optional mask all true). Training-mode Dropout with a non-zero ratio is
 * random by definition, so edgec, which runs inference only, refuses it with a model error.
 */
import type { Node } from '../ir/graph.js';
import { makeTensor, type KnownValue, type Tensor } from '../ir/tensor.js';
import { attr, defineOp, opError } from './op-def.js';
import { scalarOf } from './shape-args.js';
import { gradOf } from '../train/op-grads.js';

export const Identity = defineOp({
  type: 'Identity',
  attrs: {},
  inputs: { min: 1, max: 1 },
  outputs: { min: 1, max: 1 },
  inferTypes: ([x]) => [{ dtype: x!.dtype, shape: [...x!.shape] }],
  forward: ([x]) => [x!],
  backward: (_i, [y], [dy]) => [gradOf(dy, y!)],
});

function checkInference(ratio: Tensor | undefined, training: Tensor | undefined, node: Node): void {
  if (!training || scalarOf(training, node, 'training_mode') === 0) return;
  const r = ratio ? scalarOf(ratio, node, 'ratio') : 0.5;
  if (r !== 0) throw opError(node, `training-mode Dropout (ratio ${r}) is random; edgec runs inference only`);
}

export const Dropout = defineOp({
  type: 'Dropout',
  attrs: { seed: attr.int() },
  inputs: { min: 1, max: 3 },
  outputs: { min: 1, max: 2 },
  inferTypes: ([x, ratio, training]: (KnownValue | undefined)[], _a, node) => {
    if (training && training.dtype !== 'bool') throw opError(node, `training_mode has dtype ${training.dtype}, need bool`);
    if (training?.value) checkInference(ratio?.value, training.value, node);
    return [
      { dtype: x!.dtype, shape: [...x!.shape] },
      { dtype: 'bool', shape: [...x!.shape] },
    ];
  },
  forward: ([x, ratio, training], _a, node) => {
    checkInference(ratio, training, node);
    if (node.outputs.length < 2 || node.outputs[1] === '') return [x!];
    const mask = makeTensor('bool', x!.shape);
    mask.data.fill(1);
    return [x!, mask];
  },
  // Inference Dropout is the identity; ratio and training_mode carry no gradient.
  backward: (_i, [y], [dy]) => [gradOf(dy, y!), undefined, undefined],
});

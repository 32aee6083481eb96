/**
 * DepthToSpace: X (N, C, H, W) -> (N, C/b^2, H*b, W*b), moving blocks of channels into b x b
 * spatial blocks. Output (n, c, h*b + i, w*b + j) reads input channel
 *   DCR (depth-column-row, the default): (i*b + j) * C/b^2 + c
 *   CRD (column-row-depth, PyTorch's PixelShuffle): c * b^2 + i*b + j.
 * Pure data movement, so any dtype.
 */
import type { Node } from '../ir/graph.js';
import { makeTensor, type ValueType } from '../ir/tensor.js';
import { requireRank } from './nn-checks.js';
import { attr, defineOp, opError, type OpDef } from './op-def.js';
import { movementBackward } from '../train/op-grads.js';

function outputShape(node: Node, x: ValueType, blocksize: number | undefined, mode: string): number[] {
  if (blocksize === undefined) throw opError(node, 'attribute blocksize is required');
  if (!Number.isInteger(blocksize) || blocksize < 1) throw opError(node, `blocksize ${blocksize} must be a positive integer`);
  if (mode !== 'DCR' && mode !== 'CRD') throw opError(node, `mode "${mode}" is not DCR or CRD`);
  requireRank(node, x, [4], 'input (N, C, H, W)');
  const [n, c, h, w] = x.shape as [number, number, number, number];
  const block = blocksize * blocksize;
  if (c % block !== 0) throw opError(node, `input channels ${c} are not divisible by blocksize^2 = ${block}`);
  return [n, c / block, h * blocksize, w * blocksize];
}

export const DepthToSpace = defineOp({
  type: 'DepthToSpace',
  attrs: { blocksize: attr.int(), mode: attr.string('DCR') },
  inputs: { min: 1, max: 1 },
  outputs: { min: 1, max: 1 },
  inferTypes([x], a, node) {
    return [{ dtype: x!.dtype, shape: outputShape(node, x!, a.blocksize, a.mode) }];
  },
  forward([x], a, node) {
    const shape = outputShape(node, x!, a.blocksize, a.mode);
    const [batch, channels, outH, outW] = shape as [number, number, number, number];
    const b = a.blocksize!;
    const inC = x!.shape[1]!;
    const inH = outH / b;
    const inW = outW / b;
    const y = makeTensor(x!.dtype, shape);
    const src = x!.data;
    const dst = y.data;
    let o = 0;
    for (let n = 0; n < batch; n++) {
      for (let c = 0; c < channels; c++) {
        for (let oh = 0; oh < outH; oh++) {
          const h = Math.floor(oh / b);
          const i = oh % b;
          for (let ow = 0; ow < outW; ow++, o++) {
            const w = Math.floor(ow / b);
            const j = ow % b;
            const inChannel = a.mode === 'DCR' ? (i * b + j) * channels + c : c * b * b + i * b + j;
            dst[o] = src[((n * inC + inChannel) * inH + h) * inW + w]!;
          }
        }
      }
    }
    return [y];
  },
  backward: movementBackward((): OpDef => DepthToSpace),
});

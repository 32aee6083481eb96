/**
 * Every op edgec supports, one import per op file. Adding an op: write its file, add it here, and
 * the registry-wide tests pick it up.
 */
import type { OpDef } from './op-def.js';
import * as binary from './binary.js';
import * as channelAffine from './channel-affine.js';
import * as activation from './activation.js';
import * as cast from './cast.js';
import * as compare from './compare.js';
import * as concat from './concat.js';
import * as constant from './constant.js';
import * as expand from './expand.js';
import * as gather from './gather.js';
import * as pad from './pad.js';
import * as passthrough from './passthrough.js';
import * as reduce from './reduce.js';
import * as reshape from './reshape.js';
import * as shape from './shape.js';
import * as slice from './slice.js';
import * as split from './split.js';
import * as transpose from './transpose.js';
import * as unary from './unary.js';
import * as batchNorm from './batch-norm.js';
import * as conv from './conv.js';
import * as convTranspose from './conv-transpose.js';
import * as depthToSpace from './depth-to-space.js';
import * as gemm from './gemm.js';
import * as layerNorm from './layer-norm.js';
import * as matmul from './matmul.js';
import * as pool from './pool.js';
import * as resize from './resize.js';
import * as softmax from './softmax.js';

export const ALL_OPS: OpDef[] = [
  ...Object.values(binary),
  ...Object.values(channelAffine),
  ...Object.values(activation),
  ...Object.values(cast),
  ...Object.values(compare),
  ...Object.values(concat),
  ...Object.values(constant),
  ...Object.values(expand),
  ...Object.values(gather),
  ...Object.values(pad),
  ...Object.values(passthrough),
  ...Object.values(reduce),
  ...Object.values(reshape),
  ...Object.values(shape),
  ...Object.values(slice),
  ...Object.values(split),
  ...Object.values(transpose),
  ...Object.values(unary),
  ...Object.values(batchNorm),
  ...Object.values(conv),
  ...Object.values(convTranspose),
  ...Object.values(depthToSpace),
  ...Object.values(gemm),
  ...Object.values(layerNorm),
  ...Object.values(matmul),
  ...Object.values(pool),
  ...Object.values(resize),
  ...Object.values(softmax),
];

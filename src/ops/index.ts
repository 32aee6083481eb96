/**
 * Every op edgec supports, one import per op file. Adding an op: write its file, add it here, and
 * the registry-wide tests pick it up.
 */
import type { OpDef } from './op-def.js';
import * as binary from './binary.js';
import * as channelAffine from './channel-affine.js';

export const ALL_OPS: OpDef[] = [
  ...Object.values(binary),
  ...Object.values(channelAffine),
];

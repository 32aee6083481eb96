/**
 * Looks ops up by (domain, type). The list of ops lives in ops/index.ts; this module only indexes
 * it, so tests can walk every op and a missing facet fails CI.
 */
import type { Node } from '../ir/graph.js';
import { ALL_OPS } from './index.js';
import type { OpDef } from './op-def.js';

const byKey = new Map<string, OpDef>();
for (const op of ALL_OPS) {
  const key = keyOf(op.domain ?? '', op.type);
  if (byKey.has(key)) throw new Error(`op ${key} is defined twice in ops/index.ts`);
  byKey.set(key, op);
}

function keyOf(domain: string, type: string): string {
  const d = domain === 'ai.onnx' ? '' : domain;
  return d === '' ? type : `${d}::${type}`;
}

export function findOp(domain: string, type: string): OpDef | undefined {
  return byKey.get(keyOf(domain, type));
}

export function opOf(node: Pick<Node, 'domain' | 'op'>): OpDef | undefined {
  return findOp(node.domain, node.op);
}

/** Every registered op, sorted by type (for `edgec ops` and registry-wide tests). */
export function allOps(): OpDef[] {
  return [...byKey.values()].sort((a, b) => a.type.localeCompare(b.type));
}

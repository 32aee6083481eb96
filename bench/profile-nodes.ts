/**
 * Per-node profile of the benchmark models (`npx tsx bench/profile-nodes.ts [model] [--batch N]`):
 * milliseconds per node for the forward (runNode) and for each node's backward (the op's facet
 * plus the fused activation's gradient), medians over repeated runs, heaviest first. Measures where
 * the time of `npm run bench` goes before changing a kernel.
 */
import { runNode } from '../src/engine/run-graph.js';
import type { Node } from '../src/ir/graph.js';
import { makeTensor, type Tensor } from '../src/ir/tensor.js';
import { backward, forwardWithTape } from '../src/train/backprop.js';
import { opOf } from '../src/ops/registry.js';
import { rng } from '../src/util/random.js';
import { mobilenetV1, sharedModel } from './models.js';

const name = process.argv[2] ?? 'resnet8';
const batchAt = process.argv.indexOf('--batch');
const batch = batchAt > 0 ? Number(process.argv[batchAt + 1]) : 32;
const runs = 9;
const m = name.startsWith('mobilenet') ? mobilenetV1(batch) : sharedModel(name, batch);
if (!m) throw new Error(`bench: ${name} not found`);
const r = rng(1);
const input = makeTensor('float32', m.inputShape, Array.from({ length: m.inputShape.reduce((a, b) => a * b, 1) }, () => r()));

const forwardMs = new Map<Node, number[]>();
function forwardOnce(): void {
  const values = new Map<string, Tensor>(m!.graph.initializers);
  values.set(m!.inputName, input);
  for (const node of m!.graph.nodes) {
    const inputs = node.inputs.map((n) => (n === '' ? undefined : values.get(n)));
    const t0 = performance.now();
    const outs = runNode(node, inputs);
    const list = forwardMs.get(node) ?? [];
    list.push(performance.now() - t0);
    forwardMs.set(node, list);
    node.outputs.forEach((n, k) => values.set(n, outs[k]!));
  }
}

// Backward per node: wrap each op's backward with a timer for the duration of the profile.
const backwardMs = new Map<Node, number[]>();
const wrapped = new Set<object>();
for (const node of m.graph.nodes) {
  const op = opOf(node)!;
  if (!op.backward || wrapped.has(op)) continue;
  wrapped.add(op);
  const inner = op.backward;
  (op as { backward: typeof inner }).backward = (inputs, outputs, grads, attrs, n, wants) => {
    const t0 = performance.now();
    const result = inner(inputs, outputs, grads, attrs, n, wants);
    const list = backwardMs.get(n) ?? [];
    list.push(performance.now() - t0);
    backwardMs.set(n, list);
    return result;
  };
}
const seeds = new Map(m.graph.outputs.map((o) => {
  const shape = m!.graph.types.get(o.name)!.shape;
  return [o.name, makeTensor('float32', shape, Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => r() - 0.5))] as const;
}));
const wrt = [m.inputName, ...[...m.graph.initializers].filter(([, t]) => t.dtype === 'float32').map(([n]) => n)];
const stepMs: number[] = [];
const fwdTapeMs: number[] = [];
for (let i = 0; i < runs + 2; i++) {
  forwardOnce();
  const t0 = performance.now();
  const tape = forwardWithTape(m.graph, { [m.inputName]: input });
  const t1 = performance.now();
  backward(tape, seeds, wrt);
  stepMs.push(performance.now() - t0);
  fwdTapeMs.push(t1 - t0);
}
const median = (xs: number[]) => [...xs].slice(2).sort((a, b) => a - b)[Math.floor((xs.length - 2) / 2)]!;
const label = (n: Node) => `${n.op}${n.activation ? '+' + n.activation.kind : ''} ${n.name}`.slice(0, 48);
let fwdTotal = 0;
let bwdTotal = 0;
const rows = m.graph.nodes.map((n) => {
  const f = median(forwardMs.get(n) ?? [0, 0, 0]);
  const b = backwardMs.has(n) ? median(backwardMs.get(n)!) : 0;
  fwdTotal += f;
  bwdTotal += b;
  return { n, f, b };
});
rows.sort((a, b) => b.f + b.b - (a.f + a.b));
console.log(`${name} batch ${batch}: forward nodes ${fwdTotal.toFixed(1)} ms, backward facets ${bwdTotal.toFixed(1)} ms, ` +
  `forwardWithTape ${median(fwdTapeMs).toFixed(1)} ms, step ${median(stepMs).toFixed(1)} ms`);
for (const { n, f, b } of rows) console.log(`${label(n).padEnd(50)} fwd ${f.toFixed(2).padStart(7)}  bwd ${b.toFixed(2).padStart(7)}`);

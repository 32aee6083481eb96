/**
 * Per-node profile of the benchmark models (`npx tsx bench/profile-nodes.ts [model] [--batch N]`):
 * milliseconds per node for the forward (runNode) and for each node's backward (the op's facet
 * plus the fused activation's gradient), medians over repeated runs, heaviest first. Measures where
 * the time of `npm run bench` goes before changing a kernel. CPU time (summed over threads, so
 * the worker threads' share counts) is printed too: on a loaded machine it is the steadier figure.
 */
import { runNode } from '../src/engine/run-graph.js';
import { inResidentRegion } from '../src/ir/buffer-pool.js';
import type { Node } from '../src/ir/graph.js';
import { makeTensor, type Tensor } from '../src/ir/tensor.js';
import { backward, forwardWithTape, recycleTape } from '../src/train/backprop.js';
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
const forwardCpu = new Map<Node, number[]>();
const backwardCpu = new Map<Node, number[]>();
const cpuSince = (start: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
};
const push = (map: Map<Node, number[]>, node: Node, value: number) => {
  const list = map.get(node) ?? [];
  list.push(value);
  map.set(node, list);
};
/** One forward, node by node, in a resident region as runGraph's (its values live in the kernels' memory). */
const forwardOnce = () => inResidentRegion(forwardNodes);
function forwardNodes(): void {
  const values = new Map<string, Tensor>(m!.graph.initializers);
  values.set(m!.inputName, input);
  for (const node of m!.graph.nodes) {
    const inputs = node.inputs.map((n) => (n === '' ? undefined : values.get(n)));
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const outs = runNode(node, inputs);
    push(forwardMs, node, performance.now() - t0);
    push(forwardCpu, node, cpuSince(c0));
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
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const result = inner(inputs, outputs, grads, attrs, n, wants);
    push(backwardMs, n, performance.now() - t0);
    push(backwardCpu, n, cpuSince(c0));
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
const stepCpu: number[] = [];
const fwdTapeCpu: number[] = [];
for (let i = 0; i < runs + 2; i++) {
  forwardOnce();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const tape = forwardWithTape(m.graph, { [m.inputName]: input });
  const t1 = performance.now();
  fwdTapeCpu.push(cpuSince(c0));
  backward(tape, seeds, wrt);
  recycleTape(tape); // as bench/training-step.ts: the next step reuses the buffers
  stepMs.push(performance.now() - t0);
  stepCpu.push(cpuSince(c0));
  fwdTapeMs.push(t1 - t0);
}
const median = (xs: number[]) => [...xs].slice(2).sort((a, b) => a - b)[Math.floor((xs.length - 2) / 2)]!;
const label = (n: Node) => `${n.op}${n.activation ? '+' + n.activation.kind : ''} ${n.name}`.slice(0, 48);
let fwdTotal = 0;
let bwdTotal = 0;
let fwdCpuTotal = 0;
let bwdCpuTotal = 0;
const rows = m.graph.nodes.map((n) => {
  const f = median(forwardMs.get(n) ?? [0, 0, 0]);
  const b = backwardMs.has(n) ? median(backwardMs.get(n)!) : 0;
  const fc = median(forwardCpu.get(n) ?? [0, 0, 0]);
  const bc = backwardCpu.has(n) ? median(backwardCpu.get(n)!) : 0;
  fwdTotal += f;
  bwdTotal += b;
  fwdCpuTotal += fc;
  bwdCpuTotal += bc;
  return { n, f, b, fc, bc };
});
rows.sort((a, b) => b.f + b.b - (a.f + a.b));
console.log(`${name} batch ${batch}: forward nodes ${fwdTotal.toFixed(1)} ms, backward facets ${bwdTotal.toFixed(1)} ms, ` +
  `forwardWithTape ${median(fwdTapeMs).toFixed(1)} ms, step ${median(stepMs).toFixed(1)} ms`);
console.log(`cpu (summed over threads): forward nodes ${fwdCpuTotal.toFixed(1)} ms, backward facets ${bwdCpuTotal.toFixed(1)} ms, ` +
  `forwardWithTape ${median(fwdTapeCpu).toFixed(1)} ms, step ${median(stepCpu).toFixed(1)} ms`);
const cell = (v: number) => v.toFixed(2).padStart(7);
for (const { n, f, b, fc, bc } of rows) console.log(`${label(n).padEnd(50)} fwd ${cell(f)}  bwd ${cell(b)}   cpu fwd ${cell(fc)}  bwd ${cell(bc)}`);

/**
 * Why a benchmark's median is far from its best run: times each run of a function with what the
 * process did meanwhile (CPU time summed over threads, minor page faults, garbage collection,
 * context switches it was forced into) and compares the slower half of the runs with the faster.
 * If the slow runs did the same CPU work, the time went to waiting for a core (a loaded machine, or
 * two threads sharing one core); if they used more CPU, to the process itself (GC, page faults from
 * fresh allocations, spinning). Used by bench/run.ts on the ResNet-8 forward and training step;
 * `npx tsx bench/spread.ts [model]` runs it alone.
 */
import { loadavg } from 'node:os';
import { PerformanceObserver } from 'node:perf_hooks';

export interface RunRecord {
  wallMs: number;
  cpuMs: number;
  systemMs: number;
  pageFaults: number;
  gcMs: number;
  /** Involuntary context switches: the kernel took a core away from one of the threads. */
  preempted: number;
}

let gcMs = 0;
const observer = new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) gcMs += entry.duration;
});

/** Runs `fn` `runs` times (after 2 warm-up runs), recording each; GC entries arrive asynchronously. */
export async function recordRuns(fn: () => unknown, runs: number): Promise<RunRecord[]> {
  observer.observe({ entryTypes: ['gc'] });
  for (let i = 0; i < 2; i++) fn();
  const records: RunRecord[] = [];
  for (let i = 0; i < runs; i++) {
    await new Promise((resolve) => setImmediate(resolve)); // deliver the previous run's GC entries
    const gc0 = gcMs;
    const usage0 = process.resourceUsage();
    const t0 = performance.now();
    fn();
    const wallMs = performance.now() - t0;
    const usage = process.resourceUsage();
    await new Promise((resolve) => setImmediate(resolve));
    records.push({
      wallMs,
      cpuMs: (usage.userCPUTime + usage.systemCPUTime - usage0.userCPUTime - usage0.systemCPUTime) / 1000,
      systemMs: (usage.systemCPUTime - usage0.systemCPUTime) / 1000,
      pageFaults: usage.minorPageFault - usage0.minorPageFault,
      gcMs: gcMs - gc0,
      preempted: usage.involuntaryContextSwitches - usage0.involuntaryContextSwitches,
    });
  }
  observer.disconnect();
  return records;
}

/** One line per half (fast, slow) with the means of every field. */
export function describeSpread(label: string, records: RunRecord[]): string {
  const sorted = [...records].sort((a, b) => a.wallMs - b.wallMs);
  const half = Math.floor(sorted.length / 2);
  const mean = (rs: RunRecord[], key: keyof RunRecord) => rs.reduce((s, r) => s + r[key], 0) / rs.length;
  const line = (name: string, rs: RunRecord[]) =>
    `  ${name} ${String(rs.length).padStart(2)} runs: wall ${mean(rs, 'wallMs').toFixed(1)} ms, cpu ${mean(rs, 'cpuMs').toFixed(1)} ms ` +
    `(system ${mean(rs, 'systemMs').toFixed(1)}), ${mean(rs, 'pageFaults').toFixed(0)} page faults, gc ${mean(rs, 'gcMs').toFixed(1)} ms, ` +
    `preempted ${mean(rs, 'preempted').toFixed(0)}x, off-cpu ${(100 * (1 - mean(rs, 'cpuMs') / (2 * mean(rs, 'wallMs')))).toFixed(0)}% of 2 cores`;
  return [`${label} (load ${loadavg()[0]!.toFixed(2)}):`, line('fast', sorted.slice(0, half)), line('slow', sorted.slice(half))].join('\n');
}

if (process.argv[1]?.endsWith('spread.ts')) {
  const { sharedModel } = await import('./models.js');
  const { runGraph } = await import('../src/engine/run-graph.js');
  const { makeTensor } = await import('../src/ir/tensor.js');
  const { trainingStep } = await import('./training-step.js');
  const { rng } = await import('../src/util/random.js');
  const m = sharedModel(process.argv[2] ?? 'resnet8', 32);
  if (!m) throw new Error('bench/spread.ts: model not found in ../shared/models');
  const r = rng(1);
  const input = makeTensor('float32', m.inputShape, Array.from({ length: m.inputShape.reduce((a, b) => a * b, 1) }, () => r()));
  console.log(describeSpread(`${m.name} forward`, await recordRuns(() => runGraph(m.graph, { [m.inputName]: input }), 20)));
  console.log(describeSpread(`${m.name} forward+backward`, await recordRuns(trainingStep(m.graph, m.inputName, input)!, 12)));
}

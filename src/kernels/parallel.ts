/**
 * Runs a WebAssembly kernel on several threads at once: the caller splits the work (a batch's
 * images, a pool's planes, chunks of a weight gradient) into one argument list per share; share 0
 * runs on the calling thread, the others on worker threads (node:worker_threads) that hold their
 * own instance of the module over the same shared memory, so nothing is copied between threads.
 *
 * The call stays synchronous, as the kernels' callers expect: workers wait on a shared control
 * block with Atomics.wait, and the caller waits for their results the same way (Node allows it on
 * the main thread). Workers are started on first use and unref'd, so they never keep a process
 * alive. EDGEC_THREADS sets the number of threads (default: the machine's available parallelism).
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { InternalError, UsageError } from '../errors.js';
import type { WasmKernels } from './wasm/module.js';

/** Control block per worker, in int32 slots. */
const SEQ = 0; // job number, bumped by the caller to start a job (-1: stop)
const DONE = 1; // job number the worker last finished
const STATUS = 2; // 0 ok, 1 the kernel threw
const FN = 3; // index into the export names
const ARGC = 4;
const SLOT = 5; // dynamic jobs: index of the [first, end) item pair in the arguments (-1: static job)
const ITEMS = 6; // dynamic jobs: how many items
const GRAIN = 7; // dynamic jobs: items per grab
const ARGS = 8;
const MAX_ARGS = 24;
/** How long the caller waits for a worker before calling it a bug (a kernel runs in milliseconds). */
const WORKER_TIMEOUT_MS = 120_000;
/**
 * How long a worker keeps polling for the next job before it sleeps, and the caller for a
 * worker's end before it does. A sleeping worker woken by Atomics.notify tends to be placed on
 * the waking thread's CPU (Linux wakes cache-hot tasks near their waker), where the two then take
 * turns: on this 2-core machine, ResNet-8's batch-32 forward took 10-12 ms on 2 threads against
 * 12.5 on 1. Polling 0.1 ms keeps each worker on its own core across a forward's back-to-back
 * kernel calls: 8.1 ms (onnxruntime, which polls too, scales the same way). It costs at most
 * SPIN_MS of CPU per call per thread when calls are sparse.
 */
const SPIN_MS = 0.1;

/** The worker's whole program, evaluated as CommonJS so it runs the same from src/ and dist/. */
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { module, memory, control, names, counter } = workerData;
const instance = new WebAssembly.Instance(module, { env: { memory } });
const kernels = names.map((name) => instance.exports[name]);
const ctl = new Int32Array(control);
const next = new Int32Array(counter);
let seen = 0;
for (;;) {
  const spinUntil = performance.now() + ${SPIN_MS};
  while (Atomics.load(ctl, ${SEQ}) === seen && performance.now() < spinUntil);
  Atomics.wait(ctl, ${SEQ}, seen);
  seen = Atomics.load(ctl, ${SEQ});
  if (seen < 0) break;
  const args = Array.from(ctl.subarray(${ARGS}, ${ARGS} + ctl[${ARGC}]));
  const kernel = kernels[ctl[${FN}]];
  const slot = ctl[${SLOT}], items = ctl[${ITEMS}], grain = ctl[${GRAIN}];
  let status = 0;
  try {
    if (slot < 0) kernel(...args);
    else for (let first = Atomics.add(next, 0, grain); first < items; first = Atomics.add(next, 0, grain)) {
      args[slot] = first;
      args[slot + 1] = Math.min(items, first + grain);
      kernel(...args);
    }
  } catch { status = 1; }
  Atomics.store(ctl, ${STATUS}, status);
  Atomics.store(ctl, ${DONE}, seen);
  Atomics.notify(ctl, ${DONE});
}
`;

interface PooledWorker {
  worker: Worker;
  control: Int32Array;
  seq: number;
}

let pool: PooledWorker[] = [];
let poolFor: WasmKernels | undefined;
/** The next unclaimed item of a dynamic job, shared by the caller and every worker. */
const nextItem = new Int32Array(new SharedArrayBuffer(4));

let threadsFor: { given: string | undefined; count: number } | undefined;

/**
 * Threads a kernel call may use: EDGEC_THREADS, or the machine's available parallelism. Read on
 * every kernel call (tests change it), so the parsed value is kept until the variable changes.
 */
export function threadCount(): number {
  const given = process.env['EDGEC_THREADS'];
  if (threadsFor && threadsFor.given === given) return threadsFor.count;
  let count = availableParallelism();
  if (given !== undefined && given !== '') {
    count = Number(given);
    if (!Number.isInteger(count) || count < 1 || count > 256) throw new UsageError(`EDGEC_THREADS must be an integer from 1 to 256, got "${given}"`);
  }
  threadsFor = { given, count };
  return count;
}

/** The module's function exports, sorted (the workers' index), and each name's index; once per module. */
const exportIndex = new WeakMap<WasmKernels, { names: string[]; index: Map<string, number> }>();

function exportNames(kernels: WasmKernels): { names: string[]; index: Map<string, number> } {
  let entry = exportIndex.get(kernels);
  if (!entry) {
    const names = Object.keys(kernels.exports).filter((name) => typeof kernels.exports[name] === 'function').sort();
    entry = { names, index: new Map(names.map((name, i) => [name, i])) };
    exportIndex.set(kernels, entry);
  }
  return entry;
}

function startWorkers(kernels: WasmKernels, count: number): void {
  if (poolFor !== kernels) pool = [];
  poolFor = kernels;
  const { names } = exportNames(kernels);
  while (pool.length < count) {
    const control = new Int32Array(new SharedArrayBuffer((ARGS + MAX_ARGS) * 4));
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { module: kernels.module, memory: kernels.memory, control: control.buffer, names, counter: nextItem.buffer },
    });
    worker.unref();
    pool.push({ worker, control, seq: 0 });
  }
}

/** Splits [0, total) into at most `parts` contiguous ranges of near-equal size (none empty). */
export function splitRange(total: number, parts: number): [number, number][] {
  const count = Math.max(1, Math.min(parts, total));
  return Array.from({ length: count }, (_, i) => [Math.floor((total * i) / count), Math.floor((total * (i + 1)) / count)]);
}

/**
 * Calls the export `name` once per argument list, concurrently, and returns when all are done.
 * Every list must write disjoint memory.
 */
export function runShares(kernels: WasmKernels, name: string, shares: number[][]): void {
  const kernel = exportedKernel(kernels, name);
  const started = startShares(kernels, name, shares.slice(1), { slot: -1, items: 0, grain: 0 });
  try {
    kernel(...shares[0]!);
  } finally {
    for (const w of started) waitFor(w, name);
  }
}

/**
 * Calls the export `name` over `items` independent items claimed `grain` at a time by whichever
 * thread is free (one argument list per thread, as in runShares; arguments slot and slot + 1 are
 * set to each claimed [first, end) range). On a shared machine a descheduled worker then holds
 * up one grain, not half the work. Each item's result must not depend on which thread runs it.
 */
export function runDynamic(kernels: WasmKernels, name: string, shares: number[][], slot: number, items: number, grain: number): void {
  const kernel = exportedKernel(kernels, name);
  Atomics.store(nextItem, 0, 0);
  const started = startShares(kernels, name, shares.slice(1), { slot, items, grain });
  try {
    const args = [...shares[0]!];
    for (let first = Atomics.add(nextItem, 0, grain); first < items; first = Atomics.add(nextItem, 0, grain)) {
      args[slot] = first;
      args[slot + 1] = Math.min(items, first + grain);
      kernel(...args);
    }
  } finally {
    for (const w of started) waitFor(w, name);
  }
}

function exportedKernel(kernels: WasmKernels, name: string): (...args: number[]) => void {
  const kernel = kernels.exports[name];
  if (!kernel) throw new InternalError(`WebAssembly kernel "${name}" is not exported`);
  return kernel;
}

/** Hands one argument list to each worker and wakes it; returns the workers started. */
function startShares(kernels: WasmKernels, name: string, shares: number[][], job: { slot: number; items: number; grain: number }): PooledWorker[] {
  if (shares.length === 0) return [];
  startWorkers(kernels, shares.length);
  const fn = exportNames(kernels).index.get(name)!;
  return shares.map((args, i) => {
    const w = pool[i]!;
    if (args.length > MAX_ARGS) throw new InternalError(`WebAssembly kernel "${name}" takes at most ${MAX_ARGS} arguments`);
    w.control[FN] = fn;
    w.control[ARGC] = args.length;
    w.control[SLOT] = job.slot;
    w.control[ITEMS] = job.items;
    w.control[GRAIN] = job.grain;
    w.control.set(args, ARGS);
    w.seq++;
    Atomics.store(w.control, SEQ, w.seq);
    Atomics.notify(w.control, SEQ);
    return w;
  });
}

function waitFor(w: PooledWorker, name: string): void {
  const deadline = Date.now() + WORKER_TIMEOUT_MS;
  const spinUntil = performance.now() + SPIN_MS;
  while (Atomics.load(w.control, DONE) !== w.seq && performance.now() < spinUntil);
  for (let done = Atomics.load(w.control, DONE); done !== w.seq; done = Atomics.load(w.control, DONE)) {
    if (Date.now() > deadline) throw new InternalError(`worker thread did not finish WebAssembly kernel "${name}" within ${WORKER_TIMEOUT_MS / 1000} s`);
    Atomics.wait(w.control, DONE, done, 1000);
  }
  if (w.control[STATUS] !== 0) throw new InternalError(`WebAssembly kernel "${name}" failed on a worker thread`);
}

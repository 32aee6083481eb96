/**
 * Timing for the benchmark: the median of repeated runs after warm-up (the machine is shared, so
 * the median, not the mean, and the spread is printed too), and onnxruntime-node sessions with the
 * same thread count as edgec's kernels.
 */
import ort from 'onnxruntime-node';

export interface Timing {
  medianMs: number;
  minMs: number;
  maxMs: number;
  /**
   * Median CPU time per run summed over every thread of the process (process.cpuUsage: the main
   * thread, edgec's workers, onnxruntime's pool). On a loaded machine wall time measures the
   * machine; this measures the work.
   */
  cpuMs: number;
}

/** Runs `fn` `warmup` times unmeasured, then `runs` times measured. */
export async function time(fn: () => unknown | Promise<unknown>, runs: number, warmup = 2): Promise<Timing> {
  for (let i = 0; i < warmup; i++) await fn();
  const samples: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const cpuStart = process.cpuUsage();
    const start = process.hrtime.bigint();
    await fn();
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
    const used = process.cpuUsage(cpuStart);
    cpu.push((used.user + used.system) / 1000);
  }
  samples.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  const middle = Math.floor(samples.length / 2);
  return { medianMs: samples[middle]!, minMs: samples[0]!, maxMs: samples[samples.length - 1]!, cpuMs: cpu[middle]! };
}

/** An onnxruntime-node forward on `onnx` with `threads` intra-op threads, ready to time. */
export async function ortForward(onnx: Uint8Array, inputName: string, input: Float32Array, shape: number[], threads: number) {
  const session = await ort.InferenceSession.create(onnx, {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  });
  const feeds = { [inputName]: new ort.Tensor('float32', input, shape) };
  return {
    run: () => session.run(feeds),
    release: () => session.release(),
  };
}

/**
 * Progress and cancellation for long work (compress; distillation inside it). A stage reports a
 * ProgressEvent as it starts and, in long loops, every step with step/total; each report is also
 * the point where an AbortSignal is honoured, so a cancelled run stops at the next report and,
 * since the output directory is only written at the very end (output-dir.ts), leaves nothing.
 *
 * The CLI shows events in a spinner on a terminal; a program gets them through `onProgress`.
 */

export interface ProgressEvent {
  /** What is being done, in words ("calibrating and quantizing (w4a8)", "distilling"). */
  stage: string;
  /** 1-based step of a long loop and the number of steps, when the stage has them. */
  step?: number;
  total?: number;
  /** Figures of the current step worth showing, e.g. { loss: 0.0123 }. */
  metrics?: Record<string, number>;
}

export type ProgressCallback = (event: ProgressEvent) => void;

export interface ProgressOptions {
  onProgress?: ProgressCallback | undefined;
  signal?: AbortSignal | undefined;
}

/**
 * Reports `event` after checking for cancellation (throws the signal's reason, an AbortError
 * DOMException unless the caller gave another). Cheap: call it every step of a loop.
 */
export function reportProgress(options: ProgressOptions, event: ProgressEvent): void {
  options.signal?.throwIfAborted();
  options.onProgress?.(event);
}

/** Yields to the event loop (a spinner draws, an abort() from a timer lands), then checks it. */
export async function yieldToEventLoop(options: ProgressOptions): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
  options.signal?.throwIfAborted();
}

/** One line for a terminal: "distilling 120/500 (loss 0.0123)". */
export function describeProgress(event: ProgressEvent): string {
  const steps = event.step !== undefined && event.total !== undefined ? ` ${event.step}/${event.total}` : '';
  const figures = Object.entries(event.metrics ?? {}).map(([k, v]) => `${k} ${Number(v.toPrecision(4))}`);
  return `${event.stage}${steps}${figures.length > 0 ? ` (${figures.join(', ')})` : ''}`;
}

/**
 * Reads the harness's output file (format in harness-main.ts) and turns SysTick stamps into
 * instruction counts: each interval is (earlier VAL - later VAL) mod 2^24 ticks, times the
 * instructions per tick of the board (boards.ts). An interval over which SysTick reloaded twice
 * or more is longer than the counter can time and is refused rather than reported wrong.
 */
import type { IntData } from '../codegen/host-build.js';
import type { EmittedC } from '../codegen/emit-c.js';
import { InternalError } from '../errors.js';
import { OUT_MAGIC } from './harness-main.js';

export interface SampleCounts {
  /** Executed instructions of the whole NAME_run_* call. */
  instructions: number;
  /** Per layer, in layer order (empty when the C has no EDGEC_LAYER_HOOK). */
  layers: number[];
  /** Copying inputs in and outputs out of the arena (the call minus its layers). */
  boundary: number;
}

export interface ParsedRun {
  outputs: IntData[][];
  counts: SampleCounts[];
}

interface Stamp {
  value: number;
  wraps: number;
}

const COUNTER_MASK = 0xffffff;

/** Ticks times instructions per tick, rounded (a 31.25-instruction tick gives fractions). */
function ticksBetween(a: Stamp, b: Stamp, what: string): number {
  if (b.wraps - a.wraps >= 2) {
    throw new InternalError(`qemu: ${what} ran longer than SysTick can time (over 2^24 ticks); time fewer layers at once`);
  }
  return (a.value - b.value) & COUNTER_MASK;
}

export function parseRunOutput(bytes: Buffer, model: EmittedC, layers: number, samples: number, perTick: number): ParsedRun {
  const outSizes = model.outputs.map((o) => o.size * (o.type === 'int16' ? 2 : 1));
  const stampCount = layers + 3;
  const perSample = 4 + outSizes.reduce((s, n) => s + n, 0) + stampCount * 8;
  const expected = samples * perSample + 4;
  if (bytes.length !== expected || bytes.readUInt32LE(bytes.length - 4) !== OUT_MAGIC) {
    throw new InternalError(`qemu: the image wrote ${bytes.length} bytes of results, expected ${expected} ending in its marker`);
  }
  const outputs: IntData[][] = [];
  const counts: SampleCounts[] = [];
  let at = 0;
  for (let s = 0; s < samples; s++) {
    const status = bytes.readInt32LE(at);
    if (status !== 0) throw new InternalError(`qemu: ${model.name}_${model.entry} returned ${status} on input ${s}`);
    at += 4;
    outputs.push(
      model.outputs.map((o, i) => {
        const chunk = Buffer.from(bytes.subarray(at, (at += outSizes[i]!)));
        return o.type === 'int16' ? new Int16Array(chunk.buffer, chunk.byteOffset, o.size) : new Int8Array(chunk.buffer, chunk.byteOffset, o.size);
      }),
    );
    const stamps: Stamp[] = [];
    for (let k = 0; k < stampCount; k++, at += 8) stamps.push({ value: bytes.readUInt32LE(at), wraps: bytes.readUInt32LE(at + 4) });
    counts.push(countsOf(stamps, layers, perTick, s));
  }
  return { outputs, counts };
}

/** stamps: before the call, before each layer, after the last layer, after the call. */
function countsOf(stamps: Stamp[], layers: number, perTick: number, sample: number): SampleCounts {
  const at = (k: number) => stamps[k]!;
  const last = stamps.length - 1;
  if (layers === 0) {
    const total = Math.round(ticksBetween(at(0), at(last), `inference ${sample}`) * perTick);
    return { instructions: total, layers: [], boundary: total };
  }
  const perLayer: number[] = [];
  for (let i = 0; i < layers; i++) perLayer.push(Math.round(ticksBetween(at(i + 1), at(i + 2), `layer ${i} on input ${sample}`) * perTick));
  const boundary = Math.round((ticksBetween(at(0), at(1), 'copying the inputs in') + ticksBetween(at(last - 1), at(last), 'copying the outputs out')) * perTick);
  return { instructions: boundary + perLayer.reduce((s, n) => s + n, 0), layers: perLayer, boundary };
}

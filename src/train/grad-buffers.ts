/**
 * The gradient buffers one `backward` pass allocates itself (a fused activation's masked gradient,
 * the sum of a value's gradients from several readers), counted by the gradient entries that refer
 * to them and reused once none does: a training step otherwise allocates a fresh multi-megabyte
 * array for each, and the allocation (zeroed pages, page faults) and the garbage collections it
 * triggers cost more than the arithmetic. Buffers the ops' backward facets or the caller (seeds)
 * made are never written or reused: only those allocated here, and only within one pass.
 *
 * Also the fused activations' gradients (kernels/add-fused.ts: SIMD, or TypeScript on float32 bit
 * patterns without a branch).
 */
import type { FusedActivation } from '../ir/graph.js';
import { giveFloat32, isWholeAllocation, storageOf } from '../ir/buffer-pool.js';
import { allocData, makeTensor, type Tensor, type TensorData } from '../ir/tensor.js';
import { addInto, clipMask, reluMask } from '../kernels/add-fused.js';

export class GradBuffers {
  /** Buffers allocated or adopted here -> how many gradient entries refer to them. */
  private readonly refs = new Map<TensorData, number>();
  private readonly free = new Map<number, TensorData[]>();

  /** `foreign`: the allocations (storageOf) of the seeds, the tape's values and the parameters (never adopted). */
  constructor(private readonly foreign: ReadonlySet<unknown> = new Set()) {}

  /**
   * Counts a gradient an op's backward (or a transform) allocated as this pass's, so it is reused
   * once no entry refers to it, as take()'s are: the ops allocate most of a pass's gradients.
   * Only whole float32 buffers the pass did not get from outside (seeds, tape values, parameters)
   * are adopted, and only once (a pass-through op hands on its output gradient, already counted).
   */
  adopt(t: Tensor): void {
    const data = t.data;
    if (!(data instanceof Float32Array) || this.refs.has(data) || this.foreign.has(storageOf(data))) return;
    if (!isWholeAllocation(data)) return;
    this.refs.set(data, 0);
  }

  /** A tensor of `like`'s dtype and shape over a buffer of this pass (contents unspecified). */
  take(like: Tensor): Tensor {
    const length = like.data.length;
    const spare = this.free.get(length)?.find((d) => d.constructor === like.data.constructor);
    if (spare) this.free.set(length, this.free.get(length)!.filter((d) => d !== spare));
    const data = spare ?? allocData(like.dtype, length);
    this.refs.set(data, 0);
    return { dtype: like.dtype, shape: [...like.shape], data };
  }

  /** A gradient entry now refers to `t`. */
  hold(t: Tensor): void {
    const n = this.refs.get(t.data);
    if (n !== undefined) this.refs.set(t.data, n + 1);
  }

  /** A gradient entry no longer refers to `t`; its buffer is reused when none does. */
  release(t: Tensor): void {
    const n = this.refs.get(t.data);
    if (n === undefined) return;
    if (n > 1) return void this.refs.set(t.data, n - 1);
    // n is 1 (the last entry let go) or 0 (a temporary no entry took: dropIfUnheld).
    this.refs.delete(t.data);
    // Float32 buffers go to the pool at once, so the ops' own allocations of this pass reuse them.
    if (t.data instanceof Float32Array && giveFloat32(t.data)) return;
    const list = this.free.get(t.data.length) ?? [];
    list.push(t.data);
    this.free.set(t.data.length, list);
  }

  /** Reuses `t`'s buffer if it is this pass's and no gradient entry took it (a consumed temporary). */
  dropIfUnheld(t: Tensor): void {
    if (this.refs.get(t.data) === 0) this.release(t);
  }

  /** Hands the buffers no gradient entry refers to any more to ir/buffer-pool.ts (the pass is over). */
  recycleFree(): void {
    for (const list of this.free.values()) for (const data of list) if (data instanceof Float32Array) giveFloat32(data);
    this.free.clear();
  }

  /** Whether `t`'s buffer is this pass's and only one gradient entry refers to it (it may be overwritten). */
  exclusive(t: Tensor): boolean {
    return this.refs.get(t.data) === 1;
  }

  /** prev + g, in prev's buffer when it is exclusively this pass's, else in a buffer of this pass. */
  sum(prev: Tensor, g: Tensor): Tensor {
    const out = this.exclusive(prev) ? prev : this.take(prev);
    sumInto(out.data, prev.data, g.data);
    return out;
  }

  /**
   * The gradient through a fused Relu or Clip: dy where the activation passed x through, else 0;
   * in dy's own buffer when `inPlace`. For Relu, x may be the output as well as the input (both
   * are > 0 at the same places).
   */
  activationGrad(x: Tensor, dy: Tensor, act: FusedActivation, inPlace: boolean): Tensor {
    const dx = inPlace ? dy : dy.dtype === 'float32' ? this.take(dy) : makeTensor(dy.dtype, dy.shape);
    activationMask(dx.data, x.data, dy.data, act);
    return dx;
  }
}

/** out = a + b elementwise (out may be a); the SIMD kernel on the common Float32Array. */
function sumInto(out: TensorData, a: TensorData, b: TensorData): void {
  if (out instanceof Float32Array && a instanceof Float32Array && b instanceof Float32Array) return addInto(out, a, b);
  for (let i = 0; i < out.length; i++) out[i] = a[i]! + b[i]!;
}

function activationMask(out: TensorData, x: TensorData, dy: TensorData, act: FusedActivation): void {
  if (out instanceof Float32Array && x instanceof Float32Array && dy instanceof Float32Array) {
    if (act.kind === 'relu') reluMask(out, x, dy);
    else clipMask(out, x, dy, act.min, act.max);
    return;
  }
  const [lo, hi] = act.kind === 'relu' ? [0, Infinity] : [act.min, act.max];
  for (let i = 0; i < out.length; i++) {
    const v = x[i]!;
    out[i] = (act.kind === 'relu' ? v > 0 : v >= lo && v <= hi) ? dy[i]! : 0;
  }
}

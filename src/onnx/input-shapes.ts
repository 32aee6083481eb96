/**
 * Graph input types, with their unknown dimensions bound. Exporters write a symbolic or missing
 * batch dimension (`batch_size`, `N`, or nothing); edgec compiles for one fixed shape, so the first
 * dimension binds to 1. Any other unknown dimension needs the user to say what it is, through the
 * CLI's repeatable `--input-shape name=1x3x32x32`, which also overrides symbolic dimensions.
 */
import { ModelError, UsageError } from '../errors.js';
import type { ValueInfo } from '../ir/graph.js';
import { MAX_ELEMENTS, sizeOf } from '../ir/tensor.js';
import { dtypeFromOnnx } from './dtypes.js';
import { toInt, type ValueInfoProto } from './proto.js';

const FLAG = '--input-shape';

/** Parses repeated `--input-shape name=1x3x32x32` values. */
export function parseInputShapes(flags: string[]): Record<string, number[]> {
  const shapes: Record<string, number[]> = {};
  for (const flag of flags) {
    const eq = flag.lastIndexOf('=');
    const name = flag.slice(0, eq);
    const dims = flag.slice(eq + 1).split(/[x,]/);
    if (eq <= 0 || dims.some((d) => !/^[1-9]\d{0,8}$/.test(d))) {
      throw new UsageError(`${FLAG} "${flag}": expected name=DIMS with positive dimensions, e.g. input=1x3x32x32`);
    }
    if (name in shapes) throw new UsageError(`${FLAG} gives input "${name}" twice`);
    shapes[name] = dims.map(Number);
  }
  return shapes;
}

/** Declared dims: a number, or undefined where the model leaves it symbolic or unset. */
type DeclaredShape = (number | undefined)[] | undefined;

export function declaredShape(info: ValueInfoProto, label: string): DeclaredShape {
  const tensorType = info.type?.tensorType;
  if (!tensorType?.shape) return undefined;
  return (tensorType.shape.dim ?? []).map((d) => {
    if (d.dimParam || !Object.prototype.hasOwnProperty.call(d, 'dimValue')) return undefined;
    const n = toInt(d.dimValue);
    if (n === undefined || n < 0) throw new ModelError(`${label} has an invalid dimension ${String(d.dimValue)}`);
    return n;
  });
}

/**
 * The graph's real inputs (initializers excluded: old IR lists them as inputs too) with every
 * dimension bound. `source` is the model file, for messages.
 */
export function bindGraphInputs(
  infos: ValueInfoProto[],
  initializers: ReadonlySet<string>,
  overrides: Record<string, number[]>,
  source: string,
): ValueInfo[] {
  const inputs = infos.filter((i) => !initializers.has(i.name ?? ''));
  const names = inputs.map((i) => i.name ?? '');
  for (const name of Object.keys(overrides)) {
    if (!names.includes(name)) {
      throw new UsageError(`${FLAG}: ${source} has no input "${name}" (its inputs: ${names.map((n) => `"${n}"`).join(', ') || 'none'})`);
    }
  }
  return inputs.map((info) => {
    const name = info.name ?? '';
    const label = `input "${name}" of ${source}`;
    if (!info.type?.tensorType) throw new ModelError(`${label} is not a tensor, which edgec does not support`);
    const dtype = dtypeFromOnnx(info.type.tensorType.elemType, label);
    const shape = bindShape(declaredShape(info, label), overrides[name], name, label);
    if (sizeOf(shape) > MAX_ELEMENTS) throw new ModelError(`${label} has shape [${shape.join(', ')}], more than 2^31 elements`);
    return { name, dtype, shape };
  });
}

function bindShape(declared: DeclaredShape, override: number[] | undefined, name: string, label: string): number[] {
  if (override) {
    if (declared && declared.length !== override.length) {
      throw new UsageError(`${FLAG} ${name}=${override.join('x')} has rank ${override.length}, but ${label} has rank ${declared.length}`);
    }
    declared?.forEach((d, i) => {
      if (d !== undefined && d !== override[i]) {
        throw new UsageError(`${FLAG} ${name}=${override.join('x')}: dimension ${i} of ${label} is fixed at ${d}`);
      }
    });
    return [...override];
  }
  const example = declared ? declared.map((d, i) => d ?? (i === 0 ? 1 : 'N')).join('x') : '1x3x32x32';
  const hint = `give its shape with ${FLAG} ${name}=${example}`;
  if (!declared) throw new ModelError(`${label} has no declared shape; ${hint}`);
  return declared.map((d, i) => {
    if (d !== undefined) return d;
    if (i === 0) return 1; // the batch dimension
    throw new ModelError(`${label} has an unknown dimension ${i}; ${hint}`);
  });
}

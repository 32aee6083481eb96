/**
 * `--layer-bits name=w8a8,name2=w4a16,...`: widths fixed by hand for some layers, which the search
 * (and the presets) then respect. Either half may be left out (`conv1=w2`, `fc=a16`). Activation
 * widths are one per model (candidates.ts), so an `aN` applies to the whole model and two
 * overrides asking different ones are refused. Unknown layer names and widths the target's
 * kernels lack are one-line UsageErrors naming them.
 */
import { UsageError } from '../errors.js';
import type { Graph } from '../ir/graph.js';
import type { WeightBits } from '../quant/pack.js';
import type { ActivationType } from '../quant/qmodel.js';
import type { Target } from '../targets/target.js';
import { activationBits, weightedLayers } from './weighted-layers.js';

export interface LayerBitsOverride {
  weightBits?: WeightBits;
  activation?: ActivationType;
}

export type LayerBits = Map<string, LayerBitsOverride>;

const SPEC = /^(?:w(8|4|2))?(?:a(8|16))?$/;

/** Parses the flag's value (syntax only: names are checked against the model later). */
export function parseLayerBits(value: string): LayerBits {
  const out: LayerBits = new Map();
  for (const item of value.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    const eq = item.lastIndexOf('=');
    const name = item.slice(0, eq).trim();
    const m = SPEC.exec(item.slice(eq + 1).trim());
    if (eq <= 0 || !m || (m[1] === undefined && m[2] === undefined)) {
      throw new UsageError(`--layer-bits "${item}": expected name=wWaA with W in 8, 4, 2 and A in 8, 16, e.g. conv1=w4a8`);
    }
    if (out.has(name)) throw new UsageError(`--layer-bits: layer "${name}" is given twice`);
    out.set(name, {
      ...(m[1] !== undefined ? { weightBits: Number(m[1]) as WeightBits } : {}),
      ...(m[2] !== undefined ? { activation: m[2] === '16' ? 'int16' : 'int8' } : {}),
    });
  }
  if (out.size === 0) throw new UsageError('--layer-bits: give at least one name=wWaA');
  return out;
}

/**
 * Checks the overrides against the model and the target; returns the activation type they fix
 * for the model (undefined: none asked for).
 */
export function checkLayerBits(overrides: LayerBits, graph: Graph, target: Target): ActivationType | undefined {
  const nodes = new Set(graph.nodes.map((n) => n.name));
  const weighted = new Set(weightedLayers(graph));
  let activation: ActivationType | undefined;
  for (const [name, o] of overrides) {
    if (!nodes.has(name)) throw new UsageError(`--layer-bits: the model has no layer "${name}" (edgec inspect lists the layer names)`);
    if (o.weightBits !== undefined && !weighted.has(name)) throw new UsageError(`--layer-bits: layer "${name}" has no weights to give w${o.weightBits}`);
    if (o.weightBits !== undefined && !target.weight_bits.includes(o.weightBits)) throw new UsageError(`--layer-bits ${name}=w${o.weightBits}: target ${target.id} has no ${o.weightBits}-bit weight kernels`);
    if (o.activation === undefined) continue;
    const bits = activationBits(o.activation);
    if (!target.activation_bits.includes(bits)) throw new UsageError(`--layer-bits ${name}=a${bits}: target ${target.id} has no ${bits}-bit activation kernels`);
    if (activation !== undefined && activation !== o.activation) {
      throw new UsageError(`--layer-bits: activation widths are one per model (the integer kernels run one type throughout); "${name}" asks a${bits}, another layer a${activationBits(activation)}`);
    }
    activation = o.activation;
  }
  return activation;
}

/**
 * What a quantized layer asks of the hardware, read off the QLayer (op, resolved attributes,
 * weight shape) and the QModel's tensor shapes: which coefficient prices it, its MACs (from the
 * op's own `macs` facet, src/ops, never a second formula), the elements it touches, and the
 * geometry Bit Fusion's formula needs.
 */
import type { ValueType } from '../ir/tensor.js';
import { findOp } from '../ops/registry.js';
import type { QLayer, QModel } from '../quant/qmodel.js';
import type { CostKind } from './model-cost.js';

/** Conv-like geometry (a fully connected layer is a 1x1 conv over 1x1 pixels). */
export interface MacGeometry {
  /** Independent rows (batch x leading MatMul dims); 1 for a batch-1 conv. */
  rows: number;
  groups: number;
  /** Per group. */
  outChannels: number;
  inChannels: number;
  /** Output pixels (OH x OW) and kernel taps (KH x KW). */
  outPixels: number;
  kernelTaps: number;
}

export interface LayerWork {
  kind: CostKind;
  macs: number;
  /** Elements read (pools: window reads) or written (elementwise, softmax, copies). */
  elements: number;
  /** Set for the MAC kinds (conv, conv1x1, depthwise, fully_connected). */
  geometry?: MacGeometry;
}

const product = (xs: readonly number[]) => xs.reduce((a, b) => a * b, 1);

const POOLS = new Set(['MaxPool', 'AveragePool', 'GlobalAveragePool', 'GlobalMaxPool']);
const SOFTMAX = new Set(['Softmax', 'LogSoftmax']);
/** Ops that only move bytes (a copy, or nothing when the emitter runs them in place). */
const DATA_MOVEMENT = new Set(['Reshape', 'Flatten', 'Squeeze', 'Unsqueeze', 'Identity', 'Dropout', 'Transpose', 'Concat', 'Split', 'Slice', 'Pad', 'Gather', 'Expand', 'Tile', 'DepthToSpace']);

function valueType(model: QModel, name: string): ValueType {
  const t = model.tensors.get(name);
  return { dtype: 'float32', shape: t ? t.shape : [] };
}

/** MACs by the op's facet, with the weight operand (recorded on the QLayer) back in place. */
function macsOf(layer: QLayer, model: QModel): number {
  const op = findOp(layer.domain ?? '', layer.op);
  if (!op?.macs) return 0;
  const inputs = layer.inputs.map((n) => valueType(model, n));
  if (layer.weights) inputs.splice(1, 0, { dtype: 'float32', shape: layer.weights.shape });
  const outputs = layer.outputs.map((n) => valueType(model, n));
  return op.macs(inputs, outputs, layer.attrs as never);
}

function convGeometry(layer: QLayer, outShape: number[]): MacGeometry {
  const [outChannels = 1, inPerGroup = 1, ...kernel] = layer.weights!.shape;
  const groups = typeof layer.attrs['group'] === 'number' ? layer.attrs['group'] : 1;
  return { rows: outShape[0] ?? 1, groups, outChannels: outChannels / groups, inChannels: inPerGroup, outPixels: product(outShape.slice(2)), kernelTaps: product(kernel) };
}

function fullyConnectedGeometry(layer: QLayer, macs: number): MacGeometry {
  const shape = layer.weights!.shape;
  // Gemm keeps B's layout ([N, K] with transB, else [K, N]); MatMul's B is [K, N].
  const [inFeatures, outFeatures] = layer.op === 'Gemm' && layer.attrs['transB'] ? [shape[1]!, shape[0]!] : [shape[0]!, shape[1]!];
  return { rows: Math.max(1, Math.round(macs / (inFeatures * outFeatures))), groups: 1, outChannels: outFeatures, inChannels: inFeatures, outPixels: 1, kernelTaps: 1 };
}

export function layerWork(layer: QLayer, model: QModel): LayerWork {
  const inShape = model.tensors.get(layer.inputs[0] ?? '')?.shape ?? [];
  const outShape = model.tensors.get(layer.outputs[0] ?? '')?.shape ?? [];
  const outElements = product(outShape);
  const macs = macsOf(layer, model);
  if (layer.weights && (layer.op === 'Conv' || layer.op === 'ConvTranspose')) {
    const geometry = convGeometry(layer, outShape);
    // One input channel per group: depthwise, with or without a channel multiplier.
    const depthwise = geometry.groups > 1 && geometry.inChannels === 1;
    const kind: CostKind = depthwise ? 'depthwise' : geometry.kernelTaps === 1 ? 'conv1x1' : 'conv';
    return { kind, macs, elements: outElements, geometry };
  }
  if (layer.weights && (layer.op === 'Gemm' || layer.op === 'MatMul')) {
    return { kind: 'fully_connected', macs, elements: outElements, geometry: fullyConnectedGeometry(layer, macs) };
  }
  if (POOLS.has(layer.op)) {
    const kernel = layer.attrs['kernel_shape'];
    const window = Array.isArray(kernel) ? product(kernel as number[]) : 0;
    return { kind: 'pool', macs, elements: window > 0 ? outElements * window : product(inShape) };
  }
  if (SOFTMAX.has(layer.op)) return { kind: 'softmax', macs, elements: outElements };
  if (DATA_MOVEMENT.has(layer.op)) return { kind: 'other', macs, elements: outElements };
  return { kind: 'elementwise', macs, elements: outElements };
}

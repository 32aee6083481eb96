/**
 * The four MLPerf Tiny reference topologies (../shared/docs/mcu-data.md, from
 * github.com/mlcommons/tiny benchmark/training), rebuilt layer by layer with seeded weights for
 * the cost-model calibration: only their shapes matter there. BatchNorm is folded and ReLU fused
 * by canonicalize, as in the int8 models MLPerf Tiny measures. VWW's MobileNetV1-0.25 is
 * bench/models.ts's builder, shared rather than written twice.
 */
import { inferTypes } from '../../src/engine/infer-types.js';
import type { Graph } from '../../src/ir/graph.js';
import { canonicalize } from '../../src/passes/index.js';
import { mobilenetV1 } from '../../bench/models.js';
import { ModelBuilder } from './model-builder.js';

export type Benchmark = 'KWS' | 'VWW' | 'IC' | 'AD';
export const BENCHMARKS: readonly Benchmark[] = ['KWS', 'VWW', 'IC', 'AD'];

/** MACs of the reference models (mcu-data.md), which the rebuilt graphs must match. */
export const REFERENCE_MACS: Record<Benchmark, number> = { KWS: 2_656_768, VWW: 7_489_664, IC: 12_501_632, AD: 264_192 };

function canonical(graph: Graph): Graph {
  const out = canonicalize(graph);
  inferTypes(out);
  return out;
}

/** KWS DS-CNN: conv 10x4 s2 1->64, 4 x [dw 3x3 + pw 64], avgpool 25x5, FC 64->12; input 49x10x1. */
export function dscnn(): Graph {
  const b = new ModelBuilder('kws_dscnn', { name: 'input', shape: [1, 1, 49, 10] }, 401);
  const bnRelu = (x: string, c: number) => b.node('Relu', [b.batchNorm(x, c)]);
  // 'same' padding at stride 2: 49x10 -> 25x5 (pads top 4, bottom 5, left 1, right 1).
  let x = bnRelu(b.conv('input', 1, 64, [10, 4], { strides: [2, 2], pads: [4, 1, 5, 1] }), 64);
  for (let i = 0; i < 4; i++) {
    x = bnRelu(b.conv(x, 64, 64, [3, 3], { group: 64, pads: [1, 1, 1, 1] }), 64);
    x = bnRelu(b.conv(x, 64, 64, [1, 1]), 64);
  }
  x = b.node('Flatten', [b.node('AveragePool', [x], { kernel_shape: [25, 5] })]);
  return canonical(b.finish(b.gemm(x, 64, 12)));
}

/** IC ResNet-8: conv 3x3 16, stacks of 16/32/64 (1x1 projection shortcuts), avgpool, FC 64->10. */
export function resnet8(): Graph {
  const b = new ModelBuilder('ic_resnet8', { name: 'input', shape: [1, 3, 32, 32] }, 402);
  const convBn = (x: string, cin: number, cout: number, k: number, stride: number) =>
    b.batchNorm(b.conv(x, cin, cout, [k, k], { strides: [stride, stride], pads: k === 3 ? [1, 1, 1, 1] : [0, 0, 0, 0] }), cout);
  let x = b.node('Relu', [convBn('input', 3, 16, 3, 1)]);
  let channels = 16;
  for (const [out, stride] of [[16, 1], [32, 2], [64, 2]] as const) {
    const y = convBn(b.node('Relu', [convBn(x, channels, out, 3, stride)]), out, out, 3, 1);
    const shortcut = stride === 1 && out === channels ? x : convBn(x, channels, out, 1, stride);
    x = b.node('Relu', [b.node('Add', [y, shortcut])]);
    channels = out;
  }
  x = b.node('Flatten', [b.node('AveragePool', [x], { kernel_shape: [8, 8] })]);
  return canonical(b.finish(b.gemm(x, 64, 10)));
}

/** AD FC autoencoder 640-128-128-128-128-8-128-128-128-128-640, Dense + BN + ReLU but the last. */
export function autoencoder(): Graph {
  const b = new ModelBuilder('ad_autoencoder', { name: 'input', shape: [1, 640] }, 403);
  const widths = [640, 128, 128, 128, 128, 8, 128, 128, 128, 128, 640];
  let x = 'input';
  for (let i = 1; i < widths.length; i++) {
    x = b.gemm(x, widths[i - 1]!, widths[i]!);
    if (i < widths.length - 1) x = b.node('Relu', [b.batchNorm(x, widths[i]!)]);
  }
  return canonical(b.finish(x));
}

export function benchmarkGraph(name: Benchmark): Graph {
  switch (name) {
    case 'KWS':
      return dscnn();
    case 'VWW':
      return mobilenetV1(1, 0.25, 96, 2).graph;
    case 'IC':
      return resnet8();
    case 'AD':
      return autoencoder();
  }
}

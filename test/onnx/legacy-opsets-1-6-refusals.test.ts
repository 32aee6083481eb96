/**
 * Opset 1-6 forms edgec cannot or must not upgrade: each is refused by the loader with a one-line
 * ModelError naming the file and the node. And the two cases where the old spec is lenient and
 * edgec follows the ONNX version converter: an absent `is_test` is inference.
 */
import { describe, expect, it } from 'vitest';
import { ModelError } from '../../src/errors.js';
import { decodeModel } from '../../src/onnx/load-model.js';
import { buildModel, type BuilderInit, type BuilderNode } from '../helpers/onnx-builder.js';

const BN_PARAMS: BuilderInit[] = ['s', 'b', 'm', 'v'].map((name) => ({ name, shape: [2], data: [1, 0.5] }));

function load(opset: number, nodes: BuilderNode[], inputs: Record<string, number[]>, initializers: BuilderInit[] = []) {
  const bytes = buildModel({
    opset,
    irVersion: 3,
    nodes,
    inputs: Object.entries(inputs).map(([name, shape]) => ({ name, shape })),
    outputs: [{ name: 'y' }],
    initializers,
  });
  return decodeModel(bytes, { source: 'old.onnx' });
}

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(ModelError);
    const message = (e as Error).message;
    expect(message).not.toContain('\n');
    return message;
  }
  throw new Error('the model was accepted');
}

describe('opset 1-6 forms the loader refuses', () => {
  it('BatchNormalization-6 with is_test=0 (training mode)', () => {
    const bn: BuilderNode = { op: 'BatchNormalization', name: 'bn1', inputs: ['x', 's', 'b', 'm', 'v'], outputs: ['y'], attrs: { is_test: 0 } };
    expect(refusal(() => load(6, [bn], { x: [1, 2, 3] }, BN_PARAMS))).toMatch(/^old\.onnx: node "bn1" \(BatchNormalization\): is_test=0 is training mode/);
  });

  it('Dropout-6 with is_test=0 (training mode)', () => {
    const dropout: BuilderNode = { op: 'Dropout', name: 'drop', inputs: ['x'], outputs: ['y'], attrs: { is_test: 0, ratio: { float: 0.5 } } };
    expect(refusal(() => load(6, [dropout], { x: [2, 3] }))).toMatch(/node "drop" \(Dropout\): is_test=0 is training mode/);
  });

  it('a broadcast axis that does not fit B into A', () => {
    const add: BuilderNode = { op: 'Add', name: 'add', inputs: ['x', 'b'], outputs: ['y'], attrs: { broadcast: 1, axis: 1 } };
    expect(refusal(() => load(6, [add], { x: [2, 3], b: [3, 4] }))).toMatch(/node "add" \(Add\): broadcast axis 1 does not fit an operand of rank 2 into one of rank 2/);
  });

  it('a broadcast axis whose operand\'s rank cannot be inferred (an unsupported op upstream)', () => {
    const nodes: BuilderNode[] = [
      { op: 'Hardmax', name: 'hm', inputs: ['x'], outputs: ['h'] },
      { op: 'Mul', name: 'scale', inputs: ['h', 'b'], outputs: ['y'], attrs: { broadcast: 1, axis: 1 } },
    ];
    const message = refusal(() => load(6, nodes, { x: [2, 3, 4], b: [3] }));
    expect(message).toMatch(/node "scale" \(Mul\): the shape of "h" is needed to place its pre-opset-7 broadcast operand at axis 1/);
    expect(message).toContain('node "hm" (Hardmax): unsupported op');
  });

  it('Cast-1 to a name that is no ONNX data type', () => {
    const cast: BuilderNode = { op: 'Cast', name: 'c', inputs: ['x'], outputs: ['y'], attrs: { to: 'FLOAT128' } };
    expect(refusal(() => load(5, [cast], { x: [2] }))).toMatch(/node "c" \(Cast\): "to" names no ONNX data type: "FLOAT128"/);
  });

  it('Reshape-1 without its shape attribute', () => {
    const reshape: BuilderNode = { op: 'Reshape', name: 'r', inputs: ['x'], outputs: ['y'] };
    expect(refusal(() => load(4, [reshape], { x: [2, 3] }))).toMatch(/node "r" \(Reshape\) lacks its "shape" attribute/);
  });

  it('Tile-1 with tiles computed at run time', () => {
    const tile: BuilderNode = { op: 'Tile', name: 't', inputs: ['x', 'tiles', 'axis'], outputs: ['y'] };
    const axis: BuilderInit = { name: 'axis', dtype: 'int64', shape: [], data: [0] };
    expect(refusal(() => load(1, [tile], { x: [2, 3], tiles: [] }, [axis]))).toMatch(/node "t" \(Tile\): opset-1 Tile needs constant scalar "tiles" and "axis"/);
  });
});

describe('opset 1-6 leniency, as the ONNX version converter', () => {
  it('BatchNormalization-6 and Dropout-6 without is_test load as inference', () => {
    const nodes: BuilderNode[] = [
      { op: 'BatchNormalization', inputs: ['x', 's', 'b', 'm', 'v'], outputs: ['n'] },
      { op: 'Dropout', inputs: ['n'], outputs: ['y'], attrs: { ratio: { float: 0.2 } } },
    ];
    const graph = load(6, nodes, { x: [1, 2, 3] }, BN_PARAMS);
    expect(graph.nodes.map((n) => n.op)).toEqual(['BatchNormalization', 'Dropout']);
    expect(graph.nodes.map((n) => Object.keys(n.attrs))).toEqual([[], []]);
  });
});

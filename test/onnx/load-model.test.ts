/**
 * What the loader makes of a model's structure, against onnxruntime on the same bytes: Constant
 * nodes as initializers, old-IR initializers listed as inputs, symbolic batch dimensions, the
 * --input-shape overrides and their errors, node naming.
 */
import onnxProto from 'onnx-proto';
import { describe, expect, it } from 'vitest';
import { ModelError, UsageError } from '../../src/errors.js';
import { inferTypes } from '../../src/engine/infer-types.js';
import { runGraph } from '../../src/engine/run-graph.js';
import { decodeModel, parseInputShapes } from '../../src/onnx/load-model.js';
import { buildModel } from '../helpers/onnx-builder.js';
import { maxAbsDiff, runOrt } from '../helpers/ort.js';
import { randomTensor } from '../helpers/random.js';

const { onnx } = onnxProto;
const A = onnx.AttributeProto.AttributeType;

describe('Constant nodes become initializers', () => {
  const raw = new Uint8Array(new Float32Array([1.5, -2, 0.25, 8]).buffer);
  const constants: [string, onnxProto.onnx.IAttributeProto][] = [
    ['c_tensor', { name: 'value', type: A.TENSOR, t: { dims: [2, 2], dataType: 1, rawData: raw } }],
    ['c_int64_tensor', { name: 'value', type: A.TENSOR, t: { dims: [3], dataType: 7, int64Data: [-1, 0, 9] } }],
    ['c_float', { name: 'value_float', type: A.FLOAT, f: 0.5 }],
    ['c_floats', { name: 'value_floats', type: A.FLOATS, floats: [1, 2.5, -3] }],
    ['c_int', { name: 'value_int', type: A.INT, i: 7 }],
    ['c_ints', { name: 'value_ints', type: A.INTS, ints: [4, -5] }],
  ];
  const bytes = onnx.ModelProto.encode({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 13 }],
    graph: {
      name: 'constants',
      node: [
        ...constants.map(([out, a]) => ({ opType: 'Constant', output: [out], attribute: [a] })),
        ...constants.map(([out]) => ({ opType: 'Identity', input: [out], output: [`${out}_out`] })),
      ],
      output: constants.map(([out]) => ({ name: `${out}_out` })),
    },
  }).finish();

  it('each Constant form reads as onnxruntime reads it', async () => {
    const graph = decodeModel(bytes, { source: 'constants.onnx' });
    expect(graph.nodes.map((n) => n.op)).toEqual(constants.map(() => 'Identity'));
    const ref = await runOrt(bytes, {});
    for (const [out] of constants) {
      const ours = graph.initializers.get(out)!;
      const theirs = ref.get(`${out}_out`)!;
      expect(ours.dtype, out).toBe(theirs.dtype);
      expect(ours.shape, out).toEqual(theirs.shape);
      expect(Array.from(ours.data), out).toEqual(Array.from(theirs.data));
    }
    // Their types are known before inference.
    expect(graph.types.get('c_ints')).toEqual({ dtype: 'int64', shape: [2] });
  });

  it('refuses a Constant with no value, naming the node', () => {
    const bad = buildModel({ nodes: [{ op: 'Constant', inputs: [], outputs: ['c'], name: 'empty_const' }], inputs: [], outputs: [{ name: 'c' }] });
    expect(() => decodeModel(bad, { source: 'm.onnx' })).toThrow(/node "empty_const" \(Constant\) in m\.onnx must have exactly one value attribute, found none/);
  });
});

describe('old IR: initializers also listed as graph inputs', () => {
  it('are constants, not inputs, and the model computes as in onnxruntime', async () => {
    const w = randomTensor([3], 2);
    const bytes = buildModel({
      irVersion: 3,
      opset: 8,
      nodes: [{ op: 'Mul', inputs: ['x', 'w'], outputs: ['y'] }],
      inputs: [
        { name: 'x', shape: [2, 3] },
        { name: 'w', shape: [3] },
      ],
      outputs: [{ name: 'y', shape: [2, 3] }],
      initializers: [{ name: 'w', shape: [3], data: w.data }],
    });
    const graph = decodeModel(bytes, { source: 'old.onnx' });
    expect(graph.inputs.map((i) => i.name)).toEqual(['x']);
    expect(graph.initializers.has('w')).toBe(true);
    const x = randomTensor([2, 3], 3);
    inferTypes(graph);
    const ours = runGraph(graph, { x }).get('y')!;
    const ref = (await runOrt(bytes, { x })).get('y')!;
    expect(maxAbsDiff(ours.data, ref.data)).toBe(0);
  });
});

describe('input shapes', () => {
  const model = (shape: (number | string)[] | undefined) =>
    buildModel({
      nodes: [{ op: 'Relu', inputs: ['x'], outputs: ['y'] }],
      inputs: [shape ? { name: 'x', shape } : { name: 'x' }],
      outputs: [{ name: 'y' }],
    });
  const load = (shape: (number | string)[] | undefined, inputShapes?: Record<string, number[]>) =>
    decodeModel(model(shape), { source: 'shapes.onnx', ...(inputShapes ? { inputShapes } : {}) }).inputs[0]!.shape;

  it('binds a symbolic batch dimension to 1', () => {
    expect(load(['batch', 3, 8])).toEqual([1, 3, 8]);
  });

  it('asks for --input-shape when another dimension is unknown', () => {
    expect(() => load(['N', 3, 'height', 'width'])).toThrow(ModelError);
    expect(() => load(['N', 3, 'height', 'width'])).toThrow(
      /input "x" of shapes\.onnx has an unknown dimension 2; give its shape with --input-shape x=1x3xNxN/,
    );
    expect(() => load(undefined)).toThrow(/input "x" of shapes\.onnx has no declared shape; give its shape with --input-shape/);
  });

  it('takes --input-shape overrides for symbolic dims and unknown ranks', () => {
    expect(load(['N', 3, 'height', 'width'], { x: [2, 3, 16, 16] })).toEqual([2, 3, 16, 16]);
    expect(load(undefined, { x: [1, 5] })).toEqual([1, 5]);
  });

  it('reports an override that does not fit, naming the flag', () => {
    expect(() => load(['N', 3], { x: [1, 3, 4] })).toThrow(UsageError);
    expect(() => load(['N', 3], { x: [1, 3, 4] })).toThrow(/--input-shape x=1x3x4 has rank 3, but input "x" of shapes\.onnx has rank 2/);
    expect(() => load(['N', 3], { x: [1, 4] })).toThrow(/--input-shape x=1x4: dimension 1 of input "x" of shapes\.onnx is fixed at 3/);
    expect(() => load(['N', 3], { image: [1, 3] })).toThrow(/--input-shape: shapes\.onnx has no input "image" \(its inputs: "x"\)/);
    try {
      load(['N', 3], { image: [1, 3] });
    } catch (e) {
      expect((e as UsageError).exitCode).toBe(2);
    }
  });

  it('refuses an input declared larger than 2^31 elements', () => {
    expect(() => load([1, 65536, 65536])).toThrow(/input "x" of shapes\.onnx has shape \[1, 65536, 65536\], more than 2\^31 elements/);
  });

  it('parses repeated --input-shape flags', () => {
    expect(parseInputShapes(['x=1x3x32x32', 'mask=1,10'])).toEqual({ x: [1, 3, 32, 32], mask: [1, 10] });
    expect(parseInputShapes(['a=b=4'])).toEqual({ 'a=b': [4] });
    for (const bad of ['x', '=1x3', 'x=', 'x=1x', 'x=0x3', 'x=ax3', 'x=1.5']) {
      expect(() => parseInputShapes([bad]), bad).toThrow(UsageError);
      expect(() => parseInputShapes([bad]), bad).toThrow(/^--input-shape "/);
    }
    expect(() => parseInputShapes(['x=1', 'x=2'])).toThrow(/--input-shape gives input "x" twice/);
  });
});

describe('nodes', () => {
  it('get unique <op>_<index> names when unnamed or clashing, and keep the domain', () => {
    const bytes = onnx.ModelProto.encode({
      irVersion: 8,
      opsetImport: [{ domain: '', version: 13 }],
      graph: {
        name: 'names',
        input: [{ name: 'x', type: { tensorType: { elemType: 1, shape: { dim: [{ dimValue: 2 }] } } } }],
        node: [
          { opType: 'Relu', input: ['x'], output: ['a'] },
          { opType: 'Relu', input: ['a'], output: ['b'], name: 'Relu_0' },
          { opType: 'Neg', input: ['b'], output: ['c'], name: 'dup' },
          { opType: 'Neg', input: ['c'], output: ['d'], name: 'dup', domain: 'ai.onnx' },
        ],
        output: [{ name: 'd' }],
      },
    }).finish();
    const graph = decodeModel(bytes, { source: 'names.onnx' });
    const names = graph.nodes.map((n) => n.name);
    expect(new Set(names).size).toBe(4);
    expect(names).toEqual(['Relu_0_1', 'Relu_0', 'dup', 'Neg_3']);
    expect(graph.nodes.every((n) => n.domain === '')).toBe(true);
  });

  it('maps attribute protos: typed, untyped (old exporters), tensors and subgraphs', () => {
    const bytes = onnx.ModelProto.encode({
      irVersion: 8,
      opsetImport: [{ domain: '', version: 13 }],
      graph: {
        name: 'attrs',
        input: [{ name: 'c', type: { tensorType: { elemType: 9, shape: { dim: [] } } } }],
        node: [
          {
            opType: 'If',
            name: 'branch',
            input: ['c'],
            output: ['y'],
            attribute: [
              { name: 'then_branch', type: A.GRAPH, g: { name: 'then' } },
              { name: 'else_branch', type: A.GRAPH, g: { name: 'else' } },
              { name: 'untyped_int', i: 3 },
              { name: 'untyped_floats', floats: [0.5, 2] },
              { name: 'label', type: A.STRING, s: new TextEncoder().encode('héllo') },
              { name: 'names', type: A.STRINGS, strings: [new TextEncoder().encode('a'), new TextEncoder().encode('b')] },
              { name: 'weights', type: A.TENSOR, t: { dims: [2], dataType: 7, int64Data: [5, -6] } },
            ],
          },
        ],
        output: [{ name: 'y' }],
      },
    }).finish();
    const attrs = decodeModel(bytes, { source: 'attrs.onnx' }).nodes[0]!.attrs;
    expect(attrs['then_branch']).toEqual({ kind: 'graph', value: null });
    expect(attrs['untyped_int']).toEqual({ kind: 'int', value: 3 });
    expect(attrs['untyped_floats']).toEqual({ kind: 'floats', value: [0.5, 2] });
    expect(attrs['label']).toEqual({ kind: 'string', value: 'héllo' });
    expect(attrs['names']).toEqual({ kind: 'strings', value: ['a', 'b'] });
    expect(attrs['weights']!.kind).toBe('tensor');
    expect(attrs['weights']!.kind === 'tensor' && Array.from(attrs['weights']!.value.data)).toEqual([5, -6]);
  });

  it('sorts nodes topologically and reports values written twice', () => {
    const unsorted = buildModel({
      nodes: [
        { op: 'Neg', inputs: ['a'], outputs: ['y'] },
        { op: 'Relu', inputs: ['x'], outputs: ['a'] },
      ],
      inputs: [{ name: 'x', shape: [2] }],
      outputs: [{ name: 'y' }],
    });
    expect(decodeModel(unsorted, { source: 'm.onnx' }).nodes.map((n) => n.op)).toEqual(['Relu', 'Neg']);
    const twice = buildModel({
      nodes: [
        { op: 'Relu', inputs: ['x'], outputs: ['y'], name: 'first' },
        { op: 'Neg', inputs: ['x'], outputs: ['y'], name: 'second' },
      ],
      inputs: [{ name: 'x', shape: [2] }],
      outputs: [{ name: 'y' }],
    });
    expect(() => decodeModel(twice, { source: 'm.onnx' })).toThrow(/node "second" \(Neg\) in m\.onnx writes "y", which is already defined/);
  });
});

/** The programmatic `inspect`: load, check support, canonicalise, summarise. The CLI renders it. */
import { assertSupported, summarizeModel, type ModelSummary } from '../analysis/inspect-model.js';
import { inferTypes } from '../engine/infer-types.js';
import { loadModel, parseInputShapes } from '../onnx/load-model.js';
import { canonicalize } from '../passes/index.js';

export interface InspectOptions {
  /** `name=1x3x32x32` strings, as the --input-shape flag takes them. */
  inputShape?: string[];
  /** Summarise the graph as loaded instead of after canonicalisation. */
  raw?: boolean;
}

export interface InspectResult {
  schema: 'edgec.inspect/1';
  model: string;
  canonical: boolean;
  summary: ModelSummary;
}

export function inspect(modelPath: string, options: InspectOptions = {}): InspectResult {
  const graph = loadModel(modelPath, { inputShapes: parseInputShapes(options.inputShape ?? []) });
  assertSupported(graph, modelPath);
  inferTypes(graph);
  const final = options.raw ? graph : canonicalize(graph);
  return { schema: 'edgec.inspect/1', model: modelPath, canonical: !options.raw, summary: summarizeModel(final) };
}

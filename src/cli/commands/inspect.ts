/** `edgec inspect model.onnx`: layers, shapes, parameters, MACs and activation bytes. */
import type { Command } from 'commander';
import { makeChalk, printJson, printText } from '../output.js';

interface InspectFlags {
  json?: boolean;
  raw?: boolean;
  inputShape: string[];
}

export function registerInspect(program: Command): void {
  program
    .command('inspect')
    .description('show per-layer op, output shape, parameters, MACs and activation bytes of an ONNX model')
    .argument('<model>', 'path to the .onnx file')
    .option('--json', 'print the summary as JSON on stdout (schema in README, "inspect --json")')
    .option('--raw', 'summarise the graph as loaded, before canonicalisation (BatchNorm folding, fusion, ...)')
    .option(
      '--input-shape <name=dims>',
      'bind an input\'s shape, e.g. input=1x3x32x32 (repeatable; symbolic batch dims default to 1)',
      (value: string, previous: string[]) => [...previous, value],
      [] as string[],
    )
    .action(async (model: string, flags: InspectFlags) => {
      // Loaded here, not at the top: `edgec --help` must not pay for the loader (bench/startup.ts).
      const [{ inspect }, { renderInspect }] = await Promise.all([import('../../api/inspect.js'), import('../../report/inspect-text.js')]);
      const result = inspect(model, { inputShape: flags.inputShape, raw: flags.raw === true });
      if (flags.json) printJson(result);
      else printText(renderInspect(model, result.summary, makeChalk()));
    });
}

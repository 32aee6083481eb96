/**
 * `edgec compress model.onnx`: quantize, emit C, write the output directory (atomically). Flags
 * are parsed by src/pipeline/options.ts (each bad value a one-line UsageError naming the flag);
 * progress shows in a spinner on stderr only when stderr is a terminal and --json and --quiet are
 * off. A missed budget still prints the report (text or --json), then fails with exit 5.
 */
import type { Command } from 'commander';
import { checkName, parseBits, parseGroupSize, parseInputRange, parseObserver, type CompressOptions } from '../../pipeline/options.js';
import { makeChalk, printJson, printText, useColor } from '../output.js';
import { parseByteSize, parseDuration, parseEnergy, type Budgets } from '../../pipeline/budgets.js';
import { parseClock, parseTarget, parseVdd } from '../../targets/parse-flags.js';
import { describeProgress } from '../../pipeline/progress.js';
import { parseDistillSteps, parseSeed } from '../../pipeline/distill-options.js';
import { parseMaxDrop, parseOptimize } from '../../pipeline/bit-search-options.js';
import { parseLayerBits } from '../../bits/layer-bits.js';

interface CompressFlags {
  output?: string;
  bits?: string;
  name?: string;
  groupSize?: string;
  inputRange?: string;
  calib?: string;
  observer?: string;
  inputShape: string[];
  uniformBits?: boolean;
  target?: string;
  clock?: string;
  vdd?: string;
  maxFlash?: string;
  maxRam?: string;
  maxLatency?: string;
  maxEnergy?: string;
  json?: boolean;
  quiet?: boolean;
  distill: boolean;
  distillSteps?: string;
  seed?: string;
  eval?: string;
  labels?: string;
  optimize?: string;
  maxDrop?: string;
  layerBits?: string;
}

export function registerCompress(program: Command): void {
  program
    .command('compress')
    .description('quantize an ONNX model and write C sources, report.json and a QDQ ONNX model to a directory')
    .argument('<model>', 'path to the .onnx file')
    .option('-o, --output <dir>', 'output directory (default: edgec-out/<model stem>/); replaced atomically')
    .option('--bits <preset>', 'weight and activation widths: auto (default: per layer, searched against the target and the budgets), or one of w8a8, w4a8, w2a8, w8a16')
    .option('--optimize <what>', 'with --bits auto: minimise flash (default), latency or energy')
    .option('--max-drop <points>', 'with --bits auto: accuracy-proxy budget in points of top-1 (default 1)')
    .option('--layer-bits <list>', 'fix some layers\' widths, e.g. conv1=w8a8,fc=w4 (names as edgec inspect lists them)')
    .option('--name <name>', 'C prefix for NAME_run and file names (default: the model stem made a C identifier)')
    .option('--group-size <n>', 'int4 only: one weight scale per n consecutive inputs of a channel')
    .option('--input-range <lo,hi>', 'calibrate on inputs drawn uniformly from [lo, hi] (default 0,1)')
    .option('--calib <file.npy>', 'calibrate on these inputs instead: N samples of the model input')
    .option('--observer <kind>', 'activation range observer: minmax (default), percentile or mse')
    .option(
      '--input-shape <name=dims>',
      "bind an input's shape, e.g. input=1x3x32x32 (repeatable; symbolic batch dims default to 1)",
      (value: string, previous: string[]) => [...previous, value],
      [] as string[],
    )
    .option('--uniform-bits', 'with w4a8/w2a8, quantize the first and last weighted layers at that width too; with auto, let the search narrow them (default: 8-bit)')
    .option('--target <id>', 'predict latency, energy, flash and RAM on this target (default stm32l4r5; see edgec targets)')
    .option('--clock <MHz>', "the target's clock, e.g. 80 or 80MHz (default: the target's)")
    .option('--vdd <V>', "the target's supply voltage, e.g. 1.8 or 1.8V (default: the target's)")
    .option('--max-flash <size>', 'fail (exit 5) if flash exceeds this, e.g. 256k, 256KiB, 1.5M, 262144 (k = 1024)')
    .option('--max-ram <size>', 'fail (exit 5) if RAM (arena + I/O buffers) exceeds this, e.g. 64k')
    .option('--max-latency <time>', 'fail (exit 5) if the predicted latency exceeds this, e.g. 50ms, 0.05s, 500us')
    .option('--max-energy <energy>', 'fail (exit 5) if the predicted energy per inference exceeds this, e.g. 2mJ, 500uJ')
    .option('--distill-steps <n>', 'steps of quantization-aware distillation (default: 0 at w8, 100 at w4, 400 at w2)')
    .option('--no-distill', 'skip distillation: post-training quantization only')
    .option('--seed <n>', 'seed of the synthetic data and of distillation (default 1); the same seed gives the same output')
    .option('--eval <x.npy>', 'report fp32 and compiled-model accuracy on these inputs (N samples) ...')
    .option('--labels <y.npy>', '... against these labels: class indices (N,), or target outputs for other models')
    .option('--json', 'print report.json on stdout instead of the summary')
    .option('-q, --quiet', 'print nothing but errors (with --json, the JSON still goes to stdout)')
    .action(async (model: string, flags: CompressFlags) => {
      const options = optionsFromFlags(flags);
      // Loaded here, not at the top: `edgec --help` must not pay for the pipeline (bench/startup.ts).
      const [{ default: ora }, { compress, BudgetExceededError }, { renderCompress }] = await Promise.all([
        import('ora'),
        import('../../api/compress.js'),
        import('../../report/compress-text.js'),
      ]);
      // isSilent off a terminal: ora would otherwise still print each stage as a line into logs.
      // A pseudo-terminal of width 0 (some CI runners) counts as no terminal: ora divides by the
      // width to know how many lines to clear, and loops forever on 0.
      const onTerminal = process.stderr.isTTY === true && (process.stderr.columns ?? 0) > 0 && !flags.json && !flags.quiet;
      // The spinner's own colour obeys NO_COLOR too (ora would draw it cyan regardless).
      const spinner = ora({ stream: process.stderr, isEnabled: onTerminal, isSilent: !onTerminal, color: useColor(process.stderr) ? 'cyan' : false });
      spinner.start('loading model');
      options.onProgress = (event) => {
        spinner.text = describeProgress(event);
      };
      const show = (result: { report: Parameters<typeof renderCompress>[0]; dir: string }) => {
        if (flags.json) printJson(result.report);
        else if (!flags.quiet) printText(renderCompress(result.report, result.dir, makeChalk()));
      };
      try {
        const result = await compress(model, options);
        spinner.stop();
        show(result);
      } catch (e) {
        spinner.stop();
        // The directory was written and the report explains the miss: show it, then fail.
        if (e instanceof BudgetExceededError) show(e.result);
        throw e;
      }
    });
}

function optionsFromFlags(flags: CompressFlags): CompressOptions {
  const options: CompressOptions = { inputShape: flags.inputShape, uniformBits: flags.uniformBits === true };
  if (flags.output !== undefined) options.outDir = flags.output;
  if (flags.bits !== undefined) options.bits = parseBits(flags.bits);
  if (flags.name !== undefined) options.name = checkName(flags.name);
  if (flags.groupSize !== undefined) options.groupSize = parseGroupSize(flags.groupSize);
  if (flags.inputRange !== undefined) options.inputRange = parseInputRange(flags.inputRange);
  if (flags.calib !== undefined) options.calib = flags.calib;
  if (flags.observer !== undefined) options.observer = parseObserver(flags.observer);
  if (flags.target !== undefined) options.target = parseTarget(flags.target);
  if (flags.clock !== undefined) options.clockMhz = parseClock(flags.clock);
  if (flags.vdd !== undefined) options.vdd = parseVdd(flags.vdd);
  const budgets: Budgets = {};
  if (flags.maxFlash !== undefined) budgets.maxFlashBytes = parseByteSize('--max-flash', flags.maxFlash);
  if (flags.maxRam !== undefined) budgets.maxRamBytes = parseByteSize('--max-ram', flags.maxRam);
  if (flags.maxLatency !== undefined) budgets.maxLatencyMs = parseDuration('--max-latency', flags.maxLatency);
  if (flags.maxEnergy !== undefined) budgets.maxEnergyUj = parseEnergy('--max-energy', flags.maxEnergy);
  options.budgets = budgets;
  if (!flags.distill) options.distill = false;
  if (flags.distillSteps !== undefined) options.distillSteps = parseDistillSteps(flags.distillSteps);
  if (flags.seed !== undefined) options.seed = parseSeed(flags.seed);
  if (flags.eval !== undefined) options.eval = flags.eval;
  if (flags.labels !== undefined) options.labels = flags.labels;
  if (flags.optimize !== undefined) options.optimize = parseOptimize(flags.optimize);
  if (flags.maxDrop !== undefined) options.maxDrop = parseMaxDrop(flags.maxDrop);
  if (flags.layerBits !== undefined) options.layerBits = parseLayerBits(flags.layerBits);
  return options;
}

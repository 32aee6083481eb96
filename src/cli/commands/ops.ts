/** `edgec ops`: the supported ops, one a line (or JSON). */
import type { Command } from 'commander';

export function registerOps(program: Command): void {
  program
    .command('ops')
    .description('list the ONNX ops edgec supports')
    .option('--json', 'print a JSON array instead of one op a line')
    .action(async (options: { json?: boolean }) => {
      const { allOps } = await import('../../ops/registry.js'); // lazily: every op module loads with it
      const ops = allOps().map((op) => (op.domain ? `${op.domain}::${op.type}` : op.type));
      process.stdout.write(options.json ? `${JSON.stringify(ops)}\n` : `${ops.join('\n')}\n`);
    });
}

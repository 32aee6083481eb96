/**
 * `edgec --help` starts fast (target < 300 ms, measured by bench/startup.ts) because the CLI loads
 * the pipeline only inside the command that runs. This guards that structurally, not by timing:
 * the static (non-type) import graph of src/cli/main.ts must not reach the op registry, the ONNX
 * loader, the quantizer, kernels, code generation, protobufjs or ora. On failure it prints the
 * chain of imports that pulls the module in, so the fix (a dynamic import in the action, or a
 * lighter module for a flag parser) is easy to find.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';

const HEAVY = [/^src\/(ops|onnx|quant|kernels|engine|passes|train|distill|qemu)\//, /^src\/codegen\/(?!c-identifier\.ts$)/, /^src\/pipeline\/compress-model\.ts$/, /^src\/bits\/candidates\.ts$/, /^(protobufjs|onnx-proto|ora)$/];

/** Static value imports and re-exports of a file: `import type` / `export type` are erased by tsc. */
function importsOf(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const found: string[] = [];
  for (const m of text.matchAll(/^(?:import|export)\s+(?!type\b)(?:[^;'"]*?\sfrom\s+)?['"]([^'"]+)['"]/gm)) {
    const spec = m[1]!;
    if (spec.startsWith('.')) found.push(relative(ROOT, resolve(ROOT, dirname(file), spec)).replace(/\.js$/, '.ts'));
    else if (!spec.startsWith('node:')) found.push(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);
  }
  return found;
}

describe('CLI start-up imports', () => {
  it('src/cli/main.ts does not statically reach the pipeline, kernels, protobuf or ora', () => {
    const parent = new Map<string, string>([['src/cli/main.ts', '']]);
    const queue = ['src/cli/main.ts'];
    while (queue.length > 0) {
      const file = queue.shift()!;
      if (!file.startsWith('src/')) continue;
      for (const dep of importsOf(file)) {
        if (parent.has(dep)) continue;
        parent.set(dep, file);
        queue.push(dep);
      }
    }
    const chain = (m: string): string => (parent.get(m) ? `${chain(parent.get(m)!)} -> ${m}` : m);
    const heavy = [...parent.keys()].filter((m) => HEAVY.some((re) => re.test(m))).map(chain);
    expect(heavy).toEqual([]);
    expect(parent.has('src/cli/commands/compress.ts')).toBe(true); // the walk does follow the commands
    expect(parent.size).toBeLessThan(60);
  });
});

/**
 * The harness main.c of host builds (see host-build.ts): reads each sample's inputs from stdin,
 * runs the chosen model's integer or float entry point, writes the outputs to stdout. The model
 * names are C identifiers already (emit-c.ts), so they are spliced in as they are.
 */
import { cActivationType } from './c-format.js';
import type { EmittedC } from './emit-c.js';

function caseOf(m: EmittedC, index: number): string {
  const lines: string[] = [`    case ${index}: {`];
  const decl = (prefix: string, list: EmittedC['inputs'], float: boolean) =>
    list.map((t, i) => `        static ${float ? 'float' : cActivationType(t.type)} ${prefix}${i}[${Math.max(1, t.size)}];`);
  const args = (float: boolean) => [...m.inputs.map((_, i) => `${float ? 'f' : 'q'}in${i}`), ...m.outputs.map((_, i) => `${float ? 'f' : 'q'}out${i}`)].join(', ');
  const io = (float: boolean, fn: 'read' | 'write') => {
    const list = fn === 'read' ? m.inputs : m.outputs;
    const prefix = `${float ? 'f' : 'q'}${fn === 'read' ? 'in' : 'out'}`;
    return list.map((t, i) => `            if (!${fn}_all(${prefix}${i}, sizeof ${prefix}${i}[0], ${t.size})) return 3;`);
  };
  lines.push(...decl('qin', m.inputs, false), ...decl('qout', m.outputs, false), ...decl('fin', m.inputs, true), ...decl('fout', m.outputs, true));
  lines.push('        for (s = 0; s < samples; s++) {', '            if (use_float) {');
  lines.push(...io(true, 'read').map((l) => `    ${l}`), `                if (${m.name}_run(${args(true)}) != 0) return 4;`, ...io(true, 'write').map((l) => `    ${l}`));
  lines.push('            } else {');
  lines.push(...io(false, 'read').map((l) => `    ${l}`), `                if (${m.name}_${m.entry}(${args(false)}) != 0) return 4;`, ...io(false, 'write').map((l) => `    ${l}`));
  lines.push('            }', '        }', '        return 0;', '    }');
  return lines.join('\n');
}

export function hostMain(models: readonly EmittedC[]): string {
  return [
    '/* edgec host harness: prog MODEL_INDEX int|float SAMPLES < inputs > outputs */',
    '#include <stdio.h>',
    '#include <stdlib.h>',
    '#include <string.h>',
    ...models.map((m) => `#include "${m.name}.h"`),
    '',
    'static int read_all(void *p, size_t size, size_t count) { return fread(p, size, count, stdin) == count; }',
    'static int write_all(const void *p, size_t size, size_t count) { return fwrite(p, size, count, stdout) == count; }',
    '',
    'int main(int argc, char **argv)',
    '{',
    '    long s, samples;',
    '    int use_float;',
    '    if (argc != 4) return 2;',
    '    use_float = strcmp(argv[2], "float") == 0;',
    '    samples = strtol(argv[3], 0, 10);',
    '    switch (atoi(argv[1])) {',
    ...models.map(caseOf),
    '    default:',
    '        return 2;',
    '    }',
    '}',
    '',
  ].join('\n');
}

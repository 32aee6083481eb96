/**
 * Hand-written stand-ins for emitted models, to test the QEMU harness against instruction counts
 * known from the instruction set rather than from the harness: a "model" whose layers are
 * assembly loops of `subs; bne` (exactly 2 instructions per iteration), and models that hang or
 * fault. They follow the emitted API (NAME.h / NAME.c, NAME_run_int8, EDGEC_LAYER_HOOK).
 */
import type { EmittedC } from '../../src/codegen/emit-c.js';

/** Instructions of `iterations` passes of the 2-instruction loop (plus its one setup `movw`). */
export const loopInstructions = (iterations: number) => 2 * iterations + 1;

function model(name: string, body: string[]): EmittedC {
  const header = `#ifndef ${name.toUpperCase()}_H
#define ${name.toUpperCase()}_H
#include <stdint.h>
int ${name}_run_int8(const int8_t *input0, int8_t *output0);
#endif
`;
  const source = `#include "${name}.h"
#ifndef EDGEC_LAYER_HOOK
#define EDGEC_LAYER_HOOK(layer) ((void)0)
#endif
/* Exactly 1 + 2 * n instructions: movw, then n x (subs, bne). */
#define SPIN(n) __asm volatile("movw r0, %0\\n1:\\n\\tsubs r0, r0, #1\\n\\tbne 1b" : : "i"(n) : "r0", "cc")
int ${name}_run_int8(const int8_t *input0, int8_t *output0)
{
    int i;
${body.map((l) => `    ${l}`).join('\n')}
    for (i = 0; i < 4; i++) {
        output0[i] = (int8_t)(input0[i] + 1);
    }
    return 0;
}
`;
  return {
    name,
    files: new Map([[`${name}.c`, source], [`${name}.h`, header]]),
    arenaBytes: 0,
    entry: 'run_int8',
    inputs: [{ type: 'int8', size: 4 }],
    outputs: [{ type: 'int8', size: 4 }],
    weightBytes: 0,
    constBytes: 0,
  };
}

/** Layers spinning the given iteration counts (each < 65536: a `mov` immediate). */
export function loopModel(iterations: number[]): EmittedC {
  const body = iterations.flatMap((n, i) => [`EDGEC_LAYER_HOOK(${i});`, `SPIN(${n});`]);
  body.push(`EDGEC_LAYER_HOOK(${iterations.length});`);
  return model('loops', body);
}

/** One loop and no EDGEC_LAYER_HOOK at all: C from before the hook existed. */
export function unhookedModel(iterations: number): EmittedC {
  return model('unhooked', [`SPIN(${iterations});`]);
}

/** 5 MB of constants: more than any of the boards' code memory. */
export function oversizedModel(): EmittedC {
  return model('oversized', ['static const volatile int8_t big[5 * 1024 * 1024] = { 1 };', 'output0[0] = big[input0[0] & 1023];']);
}

export function hangingModel(): EmittedC {
  return model('hangs', ['EDGEC_LAYER_HOOK(0);', 'for (;;) { __asm volatile(""); }', 'EDGEC_LAYER_HOOK(1);']);
}

export function faultingModel(): EmittedC {
  return model('faults', ['EDGEC_LAYER_HOOK(0);', '__asm volatile("udf #0");', 'EDGEC_LAYER_HOOK(1);']);
}

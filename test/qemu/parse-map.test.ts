/**
 * Section sizes from a GNU ld map, on a hand-written excerpt in ld 2.40's layout (sizes checkable
 * by eye): one-line and two-line input sections, symbols, fill, discarded sections before the
 * memory map, debug sections that count for nothing.
 */
import { describe, expect, it } from 'vitest';
import { sectionKind, sizesByObject, sumSizes } from '../../src/qemu/parse-map.js';

const MAP = `Discarded input sections

 .text.unused   0x00000000       0x40 /tmp/b/dscnn.c.o

Memory Configuration
Linker script and memory map

LOAD /tmp/b/edgec_qemu_startup.c.o
.vectors        0x00000000       0x40
 *(.vectors)
 .vectors       0x00000000       0x40 /tmp/b/edgec_qemu_startup.c.o
.text           0x00000040     0x1000
 .text.dscnn_run_int8
                0x00000040       0x64 /tmp/b/dscnn.c.o
                0x00000040                dscnn_run_int8
 .text.edgec_conv_s8
                0x000000a4      0x1f4 /tmp/b/edgec_conv.c.o
 *fill*         0x00000298        0x2 
 .rodata.L0_conv_w
                0x000002a0      0x280 /tmp/b/dscnn.c.o
 .rodata        0x00000520       0x10 /usr/lib/arm-none-eabi/lib/libc.a(lib_a-impure.o)
 .data.x        0x20000000        0x4 /tmp/b/dscnn.c.o
 .bss.arena     0x20000008     0x3e80 /tmp/b/dscnn.c.o
 COMMON         0x20003e88       0x20 /tmp/b/edgec_qemu_main.c.o
 .debug_info    0x00000000      0x999 /tmp/b/dscnn.c.o
`;

describe('link map section sizes', () => {
  it('sums kept input sections per object, by kind', () => {
    const by = sizesByObject(MAP);
    expect(by.get('/tmp/b/dscnn.c.o')).toEqual({ text: 0x64, rodata: 0x280, data: 4, bss: 0x3e80 });
    expect(by.get('/tmp/b/edgec_conv.c.o')).toEqual({ text: 0x1f4, rodata: 0, data: 0, bss: 0 });
    expect(by.get('/tmp/b/edgec_qemu_startup.c.o')).toEqual({ text: 0x40, rodata: 0, data: 0, bss: 0 });
    const model = sumSizes(by, (f) => f.endsWith('dscnn.c.o') || f.endsWith('edgec_conv.c.o'));
    expect(model).toEqual({ text: 0x64 + 0x1f4, rodata: 0x280, data: 4, bss: 0x3e80 });
    const all = sumSizes(by, () => true);
    expect(all).toEqual({ text: 0x40 + 0x64 + 0x1f4, rodata: 0x290, data: 4, bss: 0x3e80 + 0x20 });
  });

  it('classifies section names', () => {
    expect(['.text', '.text.f', '.rodata.str1.4', '.data.y', '.bss.z', 'COMMON', '.debug_line', '.ARM.exidx'].map(sectionKind))
      .toEqual(['text', 'text', 'rodata', 'data', 'bss', 'bss', null, null]);
  });
});

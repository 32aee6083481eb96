/**
 * Section sizes per object file from the GNU ld map of a linked image (-Wl,-Map). The map lists
 * every input section the link kept (after --gc-sections), its size and the object it came from,
 * so summing the model's own objects gives the model's .text / .rodata / .data / .bss in the
 * image: functions the model does not call and the harness's and C library's bytes excluded.
 * (arm-none-eabi-size on the object files would count unused kernel functions too.)
 *
 * Map lines after "Linker script and memory map" (ld 2.40):
 *   ` .text.name    0x00000040       0x10 /path/obj.o`      input section on one line, or
 *   ` .text.a_long_name` then `                0x00000040       0x10 /path/obj.o` on the next;
 *   `                0x00000040                symbol`       symbols (no size): ignored.
 */

export interface SectionSizes {
  text: number;
  rodata: number;
  data: number;
  bss: number;
}

export const ZERO_SIZES: Readonly<SectionSizes> = { text: 0, rodata: 0, data: 0, bss: 0 };

/** Which of the four a section name belongs to, or null (debug info, attributes, exidx...). */
export function sectionKind(section: string): keyof SectionSizes | null {
  if (section === '.vectors' || section === '.text' || section.startsWith('.text.') || section === '.glue_7' || section === '.glue_7t') return 'text';
  if (section === '.rodata' || section.startsWith('.rodata.')) return 'rodata';
  if (section === '.data' || section.startsWith('.data.')) return 'data';
  if (section === '.bss' || section.startsWith('.bss.') || section === 'COMMON') return 'bss';
  return null;
}

/** Object file (as the map names it) -> its kept section sizes. */
export function sizesByObject(map: string): Map<string, SectionSizes> {
  const start = map.indexOf('Linker script and memory map');
  const lines = (start >= 0 ? map.slice(start) : map).split('\n');
  const result = new Map<string, SectionSizes>();
  let pending: string | null = null;
  for (const line of lines) {
    const full = /^ (\S+)\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(\S.*)$/.exec(line);
    const alone = /^ (\S+)$/.exec(line);
    const continued = /^\s{2,}0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(\S.*)$/.exec(line);
    let section: string | null = null;
    let size = 0;
    let file = '';
    if (full) {
      [section, size, file] = [full[1]!, parseInt(full[3]!, 16), full[4]!.trim()];
    } else if (continued && pending !== null) {
      [section, size, file] = [pending, parseInt(continued[2]!, 16), continued[3]!.trim()];
    }
    pending = alone && !alone[1]!.startsWith('*') ? alone[1]! : null;
    if (section === null || size === 0) continue;
    const kind = sectionKind(section);
    if (!kind) continue;
    const sizes = result.get(file) ?? { ...ZERO_SIZES };
    sizes[kind] += size;
    result.set(file, sizes);
  }
  return result;
}

export function addSizes(a: SectionSizes, b: SectionSizes): SectionSizes {
  return { text: a.text + b.text, rodata: a.rodata + b.rodata, data: a.data + b.data, bss: a.bss + b.bss };
}

/** Sums the objects `include` accepts (by the file name the map gives). */
export function sumSizes(byObject: Map<string, SectionSizes>, include: (file: string) => boolean): SectionSizes {
  let total: SectionSizes = { ...ZERO_SIZES };
  for (const [file, sizes] of byObject) if (include(file)) total = addSizes(total, sizes);
  return total;
}

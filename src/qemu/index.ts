/**
 * Emitted C on emulated Cortex-M boards (`edgec verify --qemu`): build a bare-metal image per
 * board, run integer samples in qemu-system-arm, read outputs, instruction counts (whole
 * inference and per layer) and the model's section sizes.
 */
export { QEMU_BOARDS, QEMU_CORES, boardOf, instructionsPerTick, parseQemuCore, type QemuBoard, type QemuCore } from './boards.js';
export { buildQemuImage, type QemuBuildOptions, type QemuImage } from './build-image.js';
export type { SectionSizes } from './parse-map.js';
export type { SampleCounts } from './parse-output.js';
export { DEFAULT_QEMU_TIMEOUT_MS, runImage, runInQemu, type QemuResult, type QemuRun, type QemuRunOptions } from './run-image.js';
export { INSTALL_HINT, findQemuTools, type QemuTools } from './tools.js';

/** Whether arm-none-eabi-gcc, newlib and qemu-system-arm are installed (CI installs them). */
import { findQemuTools } from '../../src/qemu/tools.js';

function probe(): string | null {
  try {
    findQemuTools();
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}

const missing = probe();
export const HAVE_QEMU_TOOLS = missing === null;
/** Put in a describe title when a test skips for want of the tools. */
export const SKIP_NO_QEMU = HAVE_QEMU_TOOLS ? '' : ` [SKIPPED: ${missing}]`;

/**
 * Parsers of the target flags, shared by every command that takes them (`compress`, `targets`):
 * --target <id>, --clock 120 | 120MHz | 1.2GHz, --vdd 1.8 | 1.8V. A bad value is a UsageError
 * naming the flag.
 */
import { UsageError } from '../errors.js';
import { targetIds } from './load-targets.js';

export function parseTarget(value: string): string {
  const id = value.trim().toLowerCase();
  const known = targetIds();
  if (!known.includes(id)) throw new UsageError(`--target: unknown target "${value}" (known: ${known.join(', ')})`);
  return id;
}

const NUMBER = '(\\d+(?:\\.\\d*)?|\\.\\d+)';

/** Clock in MHz from "120", "120MHz", "120 mhz", "1.2GHz", "48000kHz". */
export function parseClock(value: string): number {
  const m = new RegExp(`^${NUMBER}\\s*(ghz|mhz|khz|hz)?$`, 'i').exec(value.trim());
  const unit = (m?.[2] ?? 'mhz').toLowerCase();
  const scale = unit === 'ghz' ? 1000 : unit === 'mhz' ? 1 : unit === 'khz' ? 1e-3 : 1e-6;
  const mhz = m ? Number(m[1]) * scale : NaN;
  if (!(mhz > 0)) throw new UsageError(`--clock: "${value}" is not a clock frequency (examples: 120, 120MHz, 1.2GHz)`);
  return mhz;
}

/** Supply voltage in volts from "1.8", "1.8V", "1800mV". */
export function parseVdd(value: string): number {
  const m = new RegExp(`^${NUMBER}\\s*(mv|v)?$`, 'i').exec(value.trim());
  const volts = m ? Number(m[1]) * ((m[2] ?? 'v').toLowerCase() === 'mv' ? 1e-3 : 1) : NaN;
  if (!(volts > 0)) throw new UsageError(`--vdd: "${value}" is not a supply voltage (examples: 1.8, 1.8V, 3300mV)`);
  return volts;
}

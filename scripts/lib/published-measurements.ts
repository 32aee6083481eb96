/**
 * The published MLPerf Tiny latencies and energies the cost model is calibrated and checked
 * against, transcribed from ../shared/docs/mcu-data.md ("Measured latency (ms) and energy (uJ)
 * per inference"). `target` is the targets/<id>.json the row's board corresponds to.
 */
import type { Benchmark } from './mlperf-tiny.js';

export interface PublishedRow {
  board: string;
  target: string;
  clockMhz: number;
  stack: string;
  /** The rows the CMSIS-NN-class coefficients are fitted to and accepted on. */
  calibration: boolean;
  latencyMs: Record<Benchmark, number>;
  energyUj?: Record<Benchmark, number>;
}

const row = (board: string, target: string, clockMhz: number, stack: string, calibration: boolean, l: number[], e?: number[]): PublishedRow => ({
  board,
  target,
  clockMhz,
  stack,
  calibration,
  latencyMs: { KWS: l[0]!, VWW: l[1]!, IC: l[2]!, AD: l[3]! },
  ...(e ? { energyUj: { KWS: e[0]!, VWW: e[1]!, IC: e[2]!, AD: e[3]! } } : {}),
});

export const PUBLISHED: PublishedRow[] = [
  row('NUCLEO-L4R5ZI', 'stm32l4r5', 120, 'microTVM + CMSIS-NN (v1.0)', true, [99.8, 301.2, 389.6, 8.6], [5230, 15531, 20236, 443]),
  row('nRF5340-DK', 'nrf5340', 128, 'microTVM + CMSIS-NN (v1.1)', true, [76.5, 233.3, 317.9, 6.29]),
  row('EK-RA6M4', 'ra6m4', 200, 'TFLM + CMSIS-NN (v0.7)', true, [50.6, 162.4, 246.2, 4.61], [3797, 11852, 17724, 324]),
  row('EK-RA8D1', 'ra8d1', 480, 'TFLM + CMSIS-NN (v1.2, Helium)', false, [3.46, 13.39, 8.48, 0.53]),
  row('NUCLEO-L4R5ZI', 'stm32l4r5', 120, 'TFLM 2.3 + CMSIS-NN (v0.5)', false, [181.9, 600.6, 704.2, 10.05], [7374, 24313, 29207, 416]),
  row('NUCLEO-L4R5ZI', 'stm32l4r5', 120, 'X-CUBE-AI 7.3 (v1.0)', false, [75.1, 230.5, 226.9, 7.58], [3372, 10067, 10682, 323]),
  row('NUCLEO-L4R5ZI', 'stm32l4r5', 120, 'Plumerai (v1.1)', false, [47.8, 98.8, 167.8, 4.05]),
  row('NUCLEO-L4R5ZI', 'stm32l4r5', 120, 'X-CUBE-AI 9.0 (v1.2)', false, [43.2, 88.9, 165.1, 5.26], [1820, 3895, 6919, 203]),
  row('DISCO-F746NG', 'stm32f746', 216, 'Plumerai (v1.1)', false, [17.8, 34.1, 62.9, 1.71]),
  row('NUCLEO-H7A3ZI-Q', 'stm32h7a3', 280, 'X-CUBE-AI 9.0 (v1.2)', false, [11.3, 23.8, 40.8, 1.23], [1376, 2965, 5090, 166]),
  row('NUCLEO-U575ZI-Q', 'stm32u575', 160, 'X-CUBE-AI 10.2 (v1.3)', false, [29.0, 59.3, 109.5, 3.21], [664, 1372, 2565, 77]),
  row('NUCLEO-G0B1RE', 'rp2040', 64, 'Bosch HALE (v1.2, Cortex-M0+)', false, [474.6, 1414.4, 1522.1, 40.9]),
];

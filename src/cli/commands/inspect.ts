/** `edgec inspect`: placeholder until the inspect work lands (see issue 2). */
import type { Command } from 'commander';

export function registerInspect(_program: Command): void {}

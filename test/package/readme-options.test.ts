/**
 * README.md is the user's manual: every command and every option the CLI defines (walked from
 * the commander program itself, so a new flag is checked the moment it exists) must appear in it,
 * the command as a `edgec <name>` heading, each flag in backticks.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/main.js';
import { ROOT } from '../helpers/cli.js';

const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const program = buildProgram();

describe('README documents the CLI', () => {
  it('has a heading for every command', () => {
    const missing = program.commands.map((c) => c.name()).filter((name) => !new RegExp(`^#+ .*\`edgec ${name}\\b`, 'm').test(readme));
    expect(missing).toEqual([]);
  });

  it('names every option of every command, and the global ones', () => {
    const missing: string[] = [];
    for (const command of [program, ...program.commands]) {
      for (const option of command.options) {
        const flag = option.long ?? option.short!;
        if (!readme.includes(`\`${flag}`) && !readme.includes(`, ${flag}`)) missing.push(`${command.name()} ${flag}`);
      }
    }
    expect(missing).toEqual([]);
  });
});

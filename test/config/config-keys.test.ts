/**
 * Config keys are the commander option definitions: every option of every command (bar --json,
 * --help) is a key, so an option another issue adds is configurable without a second edit. Walks
 * the real program: each key takes a value of its kind and refuses one of another kind, naming it.
 */
import type { Option } from 'commander';
import { describe, expect, it } from 'vitest';
import { applyConfig, configSections, configurableOptions, PATH_PLACEHOLDER } from '../../src/config/apply-config.js';
import type { LoadedConfig } from '../../src/config/find-config.js';
import { buildProgram } from '../../src/cli/main.js';
import { UsageError } from '../../src/errors.js';

const program = buildProgram();
const config = (data: Record<string, unknown>): LoadedConfig => ({ file: 'edgec.config.json', dir: '/project', data, prefix: '' });

function goodValue(option: Option): unknown {
  if (option.isBoolean() || option.negate) return true;
  if (option.variadic || Array.isArray(option.defaultValue)) return ['x=1'];
  return PATH_PLACEHOLDER.test(option.flags) ? 'rel/thing' : '7';
}

describe('config keys from the commander definitions', () => {
  const sections = configSections(program);

  it('has a section for inspect, compress and verify, --json is never a key, and file arguments are recognised', () => {
    const compress = configurableOptions(sections.get('compress')!);
    for (const path of ['output', 'calib', 'eval', 'labels']) expect(PATH_PLACEHOLDER.test(compress.get(path)?.flags ?? ''), path).toBe(true);
    for (const value of ['bits', 'inputRange', 'maxFlash', 'target', 'clock']) expect(PATH_PLACEHOLDER.test(compress.get(value)?.flags ?? '<x.y>'), value).toBe(false);
    expect([...sections.keys()]).toEqual(expect.arrayContaining(['inspect', 'compress', 'verify']));
    for (const command of sections.values()) expect(configurableOptions(command).has('json')).toBe(false);
  });

  for (const [name, command] of sections) {
    for (const [key, option] of configurableOptions(command)) {
      it(`${name}.${key} (${option.flags}) takes its kind of value and names itself when wrong`, () => {
        const fresh = buildProgram();
        const target = fresh.commands.find((c) => c.name() === name)!;
        applyConfig(config({ [name]: { [key]: goodValue(option) } }), fresh, target);
        expect(target.getOptionValueSource(key)).toBe('config');
        const stored = target.getOptionValue(key) as unknown;
        if (PATH_PLACEHOLDER.test(option.flags)) expect(stored).toBe('/project/rel/thing');
        else expect(stored).toEqual(goodValue(option));

        const wrong = { [name]: { [key]: { nested: 1 } } };
        expect(() => applyConfig(config(wrong), buildProgram(), target)).toThrow(UsageError);
        expect(() => applyConfig(config(wrong), buildProgram(), target)).toThrow(`"${name}.${key}" must be`);
      });
    }
  }
});

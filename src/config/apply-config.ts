/**
 * The project config as defaults for command-line flags. Its keys are not a second list to keep
 * up to date: they are the commander option definitions themselves (each option's attribute name,
 * `--group-size` -> `groupSize`), one section per command, so a flag added to a command is a
 * config key the moment it exists. Values go through the command's own flag parsing, so they are
 * checked exactly as flags are; a flag given on the command line always wins.
 *
 *   { "compress": { "bits": "w4a8", "inputShape": ["input=1x1x49x10"] }, "verify": { "count": 20 } }
 *
 * Unknown sections or keys and wrong JSON types are UsageErrors (exit 2) naming the key and file.
 * Values of options whose argument is a file or folder (`<file.npy>`, `<x.npy>`, `<dir>`) are paths relative
 * to the config file's folder, so the config means the same from any working directory.
 */
import { isAbsolute, resolve } from 'node:path';
import type { Command, Option } from 'commander';
import { UsageError } from '../errors.js';
import { isObject, type LoadedConfig } from './find-config.js';

/** Flags that choose how a run prints or where its config comes from: not project defaults. */
const NOT_CONFIGURABLE = new Set(['help', 'json', 'config', 'version']);

/** What a config supplied to one command: kept so a bad value's error can name the file. */
interface ConfigUse {
  file: string;
  /** `--bits` -> `compress.bits` (as written in the file). */
  flags: Map<string, string>;
}

const uses = new WeakMap<Command, ConfigUse>();

/** An option whose argument names a file or folder: `<dir>`, `<file.npy>`, `<x.npy>`. */
export const PATH_PLACEHOLDER = /<[^>]*(file|dir|path|\.[a-z0-9]+)>/i;

/** The config keys of a command: attribute name -> option. */
export function configurableOptions(command: Command): Map<string, Option> {
  const keys = new Map<string, Option>();
  for (const option of command.options) {
    const key = option.attributeName();
    if (!NOT_CONFIGURABLE.has(key) && !keys.has(key)) keys.set(key, option);
  }
  return keys;
}

/** Sections a config may have: the commands that have configurable options. */
export function configSections(program: Command): Map<string, Command> {
  const sections = new Map<string, Command>();
  for (const command of program.commands) if (configurableOptions(command).size > 0) sections.set(command.name(), command);
  return sections;
}

/**
 * Checks the whole config (a typo in the verify section fails `compress` too: better at once than
 * at the next command), then sets the action command's options that the command line left unset.
 */
export function applyConfig(config: LoadedConfig, program: Command, command: Command): void {
  const sections = configSections(program);
  const values = new Map<string, Map<string, unknown>>();
  for (const [name, section] of Object.entries(config.data)) {
    if (name === '$schema') continue;
    const target = sections.get(name);
    if (!target) throw new UsageError(`${config.file}: unknown key "${config.prefix}${name}" (sections: ${[...sections.keys()].join(', ')})`);
    if (!isObject(section)) throw new UsageError(`${config.file}: "${config.prefix}${name}" must be an object of ${name} options`);
    values.set(name, checkSection(config, name, section, configurableOptions(target)));
  }

  const mine = values.get(command.name());
  if (!mine) return;
  const use: ConfigUse = { file: config.file, flags: new Map() };
  const options = configurableOptions(command);
  for (const [key, value] of mine) {
    const source = command.getOptionValueSource(key);
    if (source === 'cli' || source === 'env') continue;
    command.setOptionValueWithSource(key, value, 'config');
    const option = options.get(key)!;
    use.flags.set(option.long ?? `--${key}`, `${config.prefix}${command.name()}.${key}`);
  }
  uses.set(command, use);
}

function checkSection(config: LoadedConfig, name: string, section: Record<string, unknown>, options: Map<string, Option>): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [key, value] of Object.entries(section)) {
    const where = `"${config.prefix}${name}.${key}"`;
    const option = options.get(key);
    if (!option) {
      const hint = options.has(camelCase(key)) ? ` (did you mean "${camelCase(key)}"?)` : ` (${name} options: ${[...options.keys()].join(', ')})`;
      throw new UsageError(`${config.file}: unknown key ${where}${hint}`);
    }
    out.set(key, coerce(config, where, option, value));
  }
  return out;
}

/** The value commander itself would have stored for the flag, or a UsageError naming the key. */
function coerce(config: LoadedConfig, where: string, option: Option, value: unknown): unknown {
  const flag = option.flags;
  const wrong = (expected: string) => new UsageError(`${config.file}: ${where} must be ${expected} (the value of ${flag}), found ${describe(value)}`);
  if (option.isBoolean() || option.negate) {
    if (typeof value !== 'boolean') throw wrong('true or false');
    return value;
  }
  const repeatable = option.variadic || Array.isArray(option.defaultValue);
  const isPath = PATH_PLACEHOLDER.test(flag);
  const scalar = (v: unknown): string => {
    if (typeof v === 'number' && Number.isFinite(v)) return String(v);
    if (typeof v !== 'string') throw wrong(repeatable ? 'an array of strings' : 'a string or a number');
    return isPath && !isAbsolute(v) ? resolve(config.dir, v) : v;
  };
  if (option.optional && typeof value === 'boolean') return value;
  if (repeatable) {
    if (!Array.isArray(value)) throw wrong('an array of strings');
    return value.map(scalar);
  }
  return scalar(value);
}

/**
 * A UsageError's message about a flag whose value came from the config, with the file and key
 * added (`--bits "w5a8": expected ... (from edgec.config.json, "compress.bits")`); others unchanged.
 */
export function withConfigOrigin(program: Command, message: string): string {
  for (const command of program.commands) {
    const use = uses.get(command);
    if (!use) continue;
    for (const [flag, key] of use.flags) {
      if (new RegExp(`${flag}(?![\\w-])`).test(message)) return `${message} (from ${use.file}, "${key}")`;
    }
  }
  return message;
}

function camelCase(key: string): string {
  return key.replace(/^-+/, '').replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  return `${typeof value} ${JSON.stringify(value)}`;
}

/**
 * The one sanitiser between model text and generated C. Names in an ONNX file are untrusted: a
 * node whose name closes a C comment and adds an #include must not become code. Everything model-derived that
 * reaches C goes through here:
 * - `cIdentifier`: a valid C identifier `[A-Za-z_][A-Za-z0-9_]*` that is not a C keyword or a
 *   reserved name, built only from the ASCII letters and digits of the text.
 * - `IdentifierTable`: hands out identifiers unique within one scope (suffixes _2, _3...).
 * - `cCommentText`: text safe inside a C block comment: only letters, digits, space and
 *   `_ - . : , ( ) [ ] = + /` survive (no `*`, so no comment can close or open; no `?`, so no
 *   trigraph; no quote, backslash, `#`, newline or non-ASCII byte), and it is cut to a length.
 */
import { UsageError } from '../errors.js';

const C_KEYWORDS = new Set([
  'auto', 'break', 'case', 'char', 'const', 'continue', 'default', 'do', 'double', 'else', 'enum',
  'extern', 'float', 'for', 'goto', 'if', 'inline', 'int', 'long', 'register', 'restrict', 'return',
  'short', 'signed', 'sizeof', 'static', 'struct', 'switch', 'typedef', 'union', 'unsigned', 'void',
  'volatile', 'while', '_Bool', '_Complex', '_Imaginary', '_Alignas', '_Alignof', '_Atomic',
  '_Generic', '_Noreturn', '_Static_assert', '_Thread_local',
  // Macros and names of the C library and compilers that an identifier must not shadow.
  'bool', 'true', 'false', 'NULL', 'asm', 'fortran', 'main', 'errno', 'assert', 'offsetof',
]);

/**
 * A C identifier from arbitrary text: runs of other characters become one '_', leading and
 * trailing '_' are dropped (so no reserved `_X` / `__` prefix), a leading digit gets an 'n' prefix
 * and keywords or stdint names get a trailing '_'. Empty results become `fallback`.
 */
export function cIdentifier(text: string, fallback = 'x', maxLength = 48): string {
  let id = text.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_+/, '').replace(/_+$/, '');
  if (id.length > maxLength) id = id.slice(0, maxLength).replace(/_+$/, '');
  if (id === '') id = fallback;
  if (/^[0-9]/.test(id)) id = `n${id}`;
  if (C_KEYWORDS.has(id) || /^(int|uint)[0-9]*_t$/.test(id)) id = `${id}_`;
  return id;
}

/** Unique identifiers in one scope: the same text twice gets `_2`, `_3`... (stable by call order). */
export class IdentifierTable {
  private readonly taken = new Set<string>();

  constructor(reserved: Iterable<string> = []) {
    for (const r of reserved) this.taken.add(r);
  }

  /** A fresh identifier derived from `text` (prefix is trusted C, e.g. 'w_'). */
  claim(text: string, prefix = '', fallback = 'x'): string {
    const base = `${prefix}${cIdentifier(text, fallback)}`;
    let id = base;
    for (let n = 2; this.taken.has(id); n++) id = `${base}_${n}`;
    this.taken.add(id);
    return id;
  }
}

/** Model text made safe for the inside of a C block comment (see the header). */
export function cCommentText(text: string, maxLength = 80): string {
  const safe = text.replace(/[^A-Za-z0-9 _\-.:,()[\]=+/]/g, '_');
  return safe.length > maxLength ? `${safe.slice(0, maxLength - 3)}...` : safe;
}

/** The model name made an upper-case macro prefix (NAME_INPUT_SIZE...). */
export function cMacroPrefix(identifier: string): string {
  return identifier.toUpperCase();
}

/** Checks a user-given --name: it is used verbatim, so it must be a valid, safe C identifier. */
export function checkCName(name: string): string {
  if (cIdentifier(name) !== name) throw new UsageError(`--name "${name.replace(/[^\x20-\x7e]/g, '?')}" is not a C identifier (try "${cIdentifier(name, 'model')}")`);
  return name;
}

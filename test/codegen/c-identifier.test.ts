/** The sanitiser: identifiers, uniqueness, comment text (hand-checked cases). */
import { describe, expect, it } from 'vitest';
import { IdentifierTable, cCommentText, cIdentifier } from '../../src/codegen/c-identifier.js';

describe('C identifiers from model text', () => {
  it.each([
    ['/stem/stem.0/Conv', 'stem_stem_0_Conv'],
    ['9lives', 'n9lives'],
    ['int', 'int_'],
    ['int8_t', 'int8_t_'],
    ['__reserved', 'reserved'],
    ['ünïcødé', 'n_c_d'],
    ['*/ #include "x" /*', 'include_x'],
    ['', 'x'],
  ])('%j -> %s', (text, id) => {
    expect(cIdentifier(text)).toBe(id);
    expect(id).toMatch(/^[A-Za-z_][A-Za-z0-9_]*$/);
  });
  it('hands out unique names in one scope', () => {
    const t = new IdentifierTable(['main']);
    expect([t.claim('a.b'), t.claim('a-b'), t.claim('a b'), t.claim('main')]).toEqual(['a_b', 'a_b_2', 'a_b_3', 'main_']);
  });
  it('comment text cannot close a comment, form a trigraph or carry quotes, backslashes, # or newlines', () => {
    const safe = cCommentText('a */ b "c" \\d ??/ #e\nf ü');
    expect(safe).toMatch(/^[A-Za-z0-9 _\-.:,()[\]=+/]*$/);
    expect(safe).not.toContain('*/');
  });
});

/**
 * Safe HTML by construction: the `html` tag escapes every interpolated value unless it is already
 * markup made by `html` (or `trusted`, for the few constant strings that are markup). Model-derived
 * names (layer, tensor, file names) are untrusted: a model named `<script>` must render as text.
 */

/** Markup that is already escaped. */
export class Markup {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

/** A constant written in this codebase as markup (never pass model-derived text). */
export function trusted(text: string): Markup {
  return new Markup(text);
}

/** Escapes text for element content and quoted attribute values alike. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

type Value = Markup | string | number | null | undefined | readonly Value[];

function render(v: Value): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Markup) return v.text;
  if (Array.isArray(v)) return (v as readonly Value[]).map(render).join('');
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  return escapeHtml(v as string);
}

export function html(strings: TemplateStringsArray, ...values: Value[]): Markup {
  let out = strings[0]!;
  values.forEach((v, i) => {
    out += render(v) + strings[i + 1]!;
  });
  return new Markup(out);
}

/** A coordinate for SVG: one decimal, no "-0", so output bytes do not depend on float noise. */
export function px(v: number): string {
  const s = (Math.round(v * 10) / 10).toFixed(1).replace(/\.0$/, '');
  return s === '-0' ? '0' : s;
}

/** Shortens a label to `max` characters with an ellipsis (the full text goes in a <title>). */
export function shorten(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}\u2026`;
}

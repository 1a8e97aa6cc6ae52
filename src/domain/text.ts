/**
 * Text from a scenario file as messages show it: never more than a short excerpt, and with every
 * character a reader could not see, or that a terminal would act on, written as an escape
 * (`\u00a0` for a no-break space, `\u001b` for ESC), so `"5 gonka"` with a no-break space does not
 * look valid and a file cannot hide or rewrite its own error line.
 */

/**
 * Characters written as `\uXXXX`: the C0 controls but tab and line feed (a message escapes those
 * too, see quote), DEL and the C1 controls, lone surrogates, and the invisible or
 * direction-changing format characters (no-break and other spaces than U+0020, soft hyphen,
 * zero-width characters, bidirectional marks, embeddings, overrides and isolates, the BOM).
 */
const INVISIBLE =
  /[\x00-\x08\x0b-\x1f\x7f-\x9f\u00a0\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u2000-\u200f\u2028-\u202f\u205f-\u206f\u3000\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff9-\ufffb]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

const hex4 = (c: string): string => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

/** `s` with every invisible or control character (tab and line feed kept) written as `\uXXXX`. */
export function escapeInvisible(s: string): string {
  return s.replace(INVISIBLE, hex4);
}

/** The longest excerpt of input text a message shows. */
export const EXCERPT = 60;

/** The first `max` characters of `s`, or fewer and "..." when it is longer. */
export function excerpt(s: string, max = EXCERPT): string {
  return s.length > max ? `${s.slice(0, max - 3)}...` : s;
}

/**
 * Input text in a message, quoted: an excerpt, as JSON writes a string, with the invisible
 * characters escaped too: `"alice"`, `"5\u00a0gonka"`, `"a\tb"`.
 */
export function quote(s: string, max = EXCERPT): string {
  return JSON.stringify(excerpt(s, max)).replace(INVISIBLE, hex4);
}

/** Input text in a message without quotes (a key in a path, a number as written): an excerpt, escaped. */
export function shown(s: string, max = EXCERPT): string {
  return escapeInvisible(excerpt(s, max)).replace(/[\t\n]/g, (c) => (c === '\t' ? '\\t' : '\\n'));
}

/**
 * What reaches the terminal: every character of input text a terminal would act on (ESC and the
 * other C0 and C1 controls, DEL, the bidirectional controls, line and paragraph separators) is
 * written as a `\uXXXX` escape, whether or not colour is on, so a scenario or a file name cannot
 * move the cursor, retitle the window, ring the bell, hide or rewrite a line. Tab and line feed
 * stay. The only escape sequences written are the palette's colour codes: the palette marks
 * them with MARK in place of ESC, and only a MARK that starts a colour code becomes ESC here.
 */

/**
 * Stands for ESC in the palette's colour codes until the text is written: a lone high surrogate,
 * which input text never holds (the loader refuses one in a scenario; arguments and file names
 * are decoded UTF-8, and messages quote input through JSON, which escapes one).
 */
export const MARK = '\udbff';

const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/g;
const COLOUR_CODE = /\udbff(\[[0-9;]*m)/g;

/** `text` as it may be written to stdout or stderr (see above). */
export function terminalSafe(text: string): string {
  const escaped = text.replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return escaped.includes(MARK) ? escaped.replace(COLOUR_CODE, '\x1b$1') : escaped;
}

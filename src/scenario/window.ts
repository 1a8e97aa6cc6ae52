/**
 * A YAML syntax error in a big file, without the `yaml` package parsing the whole file (it is
 * seven times as slow as the fast readers, and took 25 s and 1.8 GB for a 20 MB file with one
 * broken line). js-yaml, the second fast reader, has already stopped at the first error; the
 * positioned parser reads only the entries around it — the entry of the top-level section where
 * the error is, the one before and the one after — under the section's key line, and its errors
 * are placed back where they are in the file. An error is local to its entry in a scenario file
 * (one event, one participant), so these are the errors the whole file gets as far as the window
 * reaches; past it the whole file's parse may list every later token as one more error, or the
 * errors of other broken entries, which are not reported here. When the window shows no error,
 * or one at its very end (an unclosed quote runs on past it), or the file has no such sections,
 * the caller parses the whole file. tests/scenario/window.test.ts compares the two.
 */
import type { Document } from 'yaml';
import { yamlPackage } from './source.js';

/** Files longer than this (characters) are windowed. */
export const WINDOWED_FROM = 1 << 20;

/** One error of the window, at an offset into the whole text. */
export interface WindowError {
  readonly offset: number;
  readonly code: string;
  readonly message: string;
}

const lineStart = (text: string, i: number): number => text.lastIndexOf('\n', i - 1) + 1;
const nextLine = (text: string, i: number): number => {
  const nl = text.indexOf('\n', i);
  return nl < 0 ? text.length : nl + 1;
};
function indentOf(text: string, start: number): number {
  let i = start;
  while (text.charCodeAt(i) === 0x20) i++;
  return i - start;
}
/** Whether the line at `start` holds something (not blank, not only a comment). */
function isContent(text: string, start: number): boolean {
  const c = text.charCodeAt(start + indentOf(text, start));
  return !(Number.isNaN(c) || c === 0x0a || c === 0x0d || c === 0x23);
}

/**
 * The errors the positioned parser finds around `at` (js-yaml's first error), placed in the
 * whole text; undefined when the window shows none or cannot be made.
 */
export function syntaxErrorsNear(text: string, at: number): WindowError[] | undefined {
  const errorLine = lineStart(text, Math.min(at, text.length));
  // the top-level key line of the section (`events:`), nothing after its colon
  let header = errorLine;
  while (header > 0 && !(isContent(text, header) && indentOf(text, header) === 0)) header = lineStart(text, header - 1);
  if (header === errorLine || !isContent(text, header) || indentOf(text, header) !== 0) return undefined;
  const headerText = text.slice(header, nextLine(text, header)).replace(/\r?\n$/, '');
  if (!/^[^\s#][^#]*:[ \t]*(#.*)?$/.test(headerText)) return undefined;
  // the indent of its entries: its first content line's
  let first = nextLine(text, header);
  while (first < text.length && !isContent(text, first)) first = nextLine(text, first);
  const indent = indentOf(text, first);
  if (indent === 0 || first > errorLine) return undefined;
  // back to the start of the error's entry, and of the entry before it
  const entryBefore = (from: number): number | undefined => {
    for (let line = from; line > header; line = lineStart(text, line - 1)) {
      if (!isContent(text, line)) continue;
      const n = indentOf(text, line);
      if (n === indent) return line;
      if (n < indent) return undefined;
    }
    return undefined;
  };
  const entry = entryBefore(errorLine);
  if (entry === undefined) return undefined;
  const start = (entry > first ? entryBefore(lineStart(text, entry - 1)) : undefined) ?? entry;
  // on past the entry after it
  let end = nextLine(text, errorLine);
  for (let entries = 0; end < text.length; end = nextLine(text, end)) {
    if (!isContent(text, end)) continue;
    const n = indentOf(text, end);
    if (n < indent) break;
    if (n === indent && ++entries === 2) break;
  }
  // not worth it for a window of most of the file
  if (end - start > text.length / 4) return undefined;
  const window = `${headerText}\n${text.slice(start, end)}`;
  const { parseDocument } = yamlPackage();
  const doc: Document.Parsed = parseDocument(window, { uniqueKeys: false, prettyErrors: false });
  // no error, or one at the window's end (an unclosed quote runs on past it): the whole file decides
  if (doc.errors.length === 0 || doc.errors.some((e) => e.pos[1] >= window.length)) return undefined;
  const body = headerText.length + 1;
  return doc.errors.map((e) => ({
    offset: e.pos[0] < body ? header + e.pos[0] : start + (e.pos[0] - body),
    code: e.code,
    message: e.message,
  }));
}

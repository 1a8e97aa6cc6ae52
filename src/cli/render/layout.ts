/**
 * Text layout shared by `explain` and `compare`: prose wrapped at a width, amounts written
 * exactly in a readable unit, and small aligned tables that fall back to a list when they would
 * not fit. Pure functions over plain text; colour is applied by the callers to whole lines or
 * to padded cells, so widths are always measured on plain text.
 */
import { formatGonka, groupDigits, NGONKA_PER_GONKA } from '../../domain/money.js';

/** The width every line of `explain` and `compare` stays within. */
export const WIDTH = 80;

/** Columns of a line (code points: every symbol we print is one column wide). */
export const columns = (line: string): number => [...line].length;

/**
 * Wraps `text` at `width`: words are kept whole, runs of spaces collapse, the first line starts
 * with `first`, the others with `rest` (a hanging indent for bullets).
 */
export function wrap(text: string, width: number = WIDTH, first = '', rest = first): string[] {
  const words = text.split(/\s+/).filter((w) => w !== '');
  const lines: string[] = [];
  let line = first;
  let empty = true;
  for (const word of words) {
    if (!empty && columns(line) + 1 + columns(word) > width) {
      lines.push(line);
      line = rest + word;
      continue;
    }
    line = empty ? line + word : `${line} ${word}`;
    empty = false;
  }
  if (!empty) lines.push(line);
  return lines;
}

/** A multi-line text as paragraphs: lines are joined, blank lines separate paragraphs. */
export function paragraphs(text: string): string[] {
  return text
    .split(/\n\s*\n/)
    .map((p) => p.replace(/\s+/g, ' ').trim())
    .filter((p) => p !== '');
}

const SMALL = 1_000_000n; // 0.001 gonka

/**
 * An amount in prose, exact: gonka, or ngonka below 0.001 gonka; a fraction of a gonka with more
 * than three decimals also gives its ngonka, so a reader never counts zeros. Zero has no unit.
 *   400000000 → "0.4 gonka", 403 → "403 ngonka", 5100000 → "0.0051 gonka (5,100,000 ngonka)", 0 → "0"
 */
export function money(n: bigint): string {
  if (n === 0n) return '0';
  const abs = n < 0n ? -n : n;
  if (abs !== 0n && abs < SMALL) return `${groupDigits(n)} ngonka`;
  const gonka = formatGonka(n);
  const decimals = gonka.includes('.') ? gonka.length - gonka.indexOf('.') - 1 : 0;
  if (abs < NGONKA_PER_GONKA && decimals > 3) return `${gonka} gonka (${groupDigits(n)} ngonka)`;
  return `${gonka} gonka`;
}

/** One unit for a group of amounts shown together (a table, a `before → after` pair). */
export interface Unit {
  readonly name: 'gonka' | 'ngonka';
  readonly format: (n: bigint) => string;
}

const GONKA: Unit = { name: 'gonka', format: formatGonka };
const NGONKA: Unit = { name: 'ngonka', format: groupDigits };

/** ngonka when every amount is below 0.001 gonka (and one is not 0), else gonka: always exact. */
export function unitFor(values: Iterable<bigint>): Unit {
  let any = false;
  for (const v of values) {
    const abs = v < 0n ? -v : v;
    if (abs >= SMALL) return GONKA;
    if (abs !== 0n) any = true;
  }
  return any ? NGONKA : GONKA;
}

export type Paint = (s: string) => string;

export interface TableOptions {
  /** Columns aligned right (amounts). */
  readonly right?: readonly number[];
  /** Indent of every line. */
  readonly indent?: string;
  /** Colour for a body cell, applied after padding. */
  readonly paint?: (row: number, col: number) => Paint | undefined;
  /** Colour for the head line. */
  readonly head?: Paint;
}

/** An aligned table, two spaces between columns, trailing spaces trimmed; no head line when every head cell is empty. */
export function table(head: readonly string[], rows: readonly (readonly string[])[], opts: TableOptions = {}): string[] {
  const right = new Set(opts.right ?? []);
  const indent = opts.indent ?? '  ';
  const widths = head.map((h, c) => Math.max(columns(h), ...rows.map((r) => columns(r[c] ?? ''))));
  const pad = (text: string, c: number): string => {
    const gap = ' '.repeat((widths[c] ?? 0) - columns(text));
    return right.has(c) ? gap + text : text + gap;
  };
  const line = (cells: readonly string[], paint: (c: number) => Paint | undefined): string => {
    const parts = cells.map((cell, c) => {
      const padded = pad(cell, c);
      const p = paint(c);
      if (!p) return padded;
      // Paint the text only, not the padding, so trimming and widths stay plain.
      const start = padded.length - padded.trimStart().length;
      const body = padded.trim();
      return padded.slice(0, start) + p(body) + padded.slice(start + body.length);
    });
    return (indent + parts.join('  ')).trimEnd();
  };
  const headless = head.every((h) => h === '');
  const headLine = line(head, () => undefined);
  const out = headless ? [] : [opts.head ? opts.head(headLine) : headLine];
  rows.forEach((r, i) => out.push(line(r, (c) => opts.paint?.(i, c))));
  return out;
}

/** The plain width of a table before colour: the longest line. */
export function tableWidth(head: readonly string[], rows: readonly (readonly string[])[], opts: TableOptions = {}): number {
  return Math.max(...table(head, rows, { ...opts, paint: undefined, head: undefined }).map(columns));
}

/**
 * A table when it fits `width`, otherwise one entry per row: the first column, then
 * `head: value` pairs wrapped under it. Nothing is ever cut.
 */
export function fitTable(
  head: readonly string[],
  rows: readonly (readonly string[])[],
  opts: TableOptions = {},
  width: number = WIDTH,
): string[] {
  if (tableWidth(head, rows, opts) <= width) return table(head, rows, opts);
  const indent = opts.indent ?? '  ';
  const out: string[] = [];
  rows.forEach((r) => {
    const pairs = r
      .slice(1)
      .map((cell, c) => (cell === '' ? '' : `${head[c + 1] ?? ''} ${cell.trim()}`))
      .filter((s) => s !== '');
    const name = (r[0] ?? '').trim();
    out.push(...wrap(`${name}${name === '' ? '' : ':'} ${pairs.join(', ')}`, width, indent, `${indent}    `));
  });
  return out;
}

/** A heading rule: `── title ─────…` filling the width. */
export function rule(title: string, width: number = WIDTH): string {
  const start = `── ${title} `;
  return start + '─'.repeat(Math.max(3, width - columns(start)));
}

/** "a", "a and b", "a, b and c". */
export function listWords(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** "1 entry", "2 entries". */
export function plural(n: number | bigint, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 || n === 1n ? one : many}`;
}

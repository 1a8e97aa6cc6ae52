/**
 * Colour as a parameter: renderers take a Palette and never import chalk. `chalkPalette` is the
 * only place colour is produced, as marked codes that become escape sequences only when written
 * (terminal.ts).
 */
import { Chalk } from 'chalk';
import { MARK } from './terminal.js';

export interface Palette {
  readonly bold: (s: string) => string;
  readonly dim: (s: string) => string;
  readonly red: (s: string) => string;
  readonly green: (s: string) => string;
  readonly yellow: (s: string) => string;
  readonly cyan: (s: string) => string;
}

const same = (s: string): string => s;
export const plain: Palette = { bold: same, dim: same, red: same, green: same, yellow: same, cyan: same };

/**
 * A chalk style whose escape sequences are marked (terminal.ts): ESC in its argument can only
 * come from input, so it is escaped first; the marks of styles applied inside are turned back
 * into ESC for chalk, which re-opens an outer style after an inner one closes.
 */
function marked(style: (s: string) => string): (s: string) => string {
  return (s) => style(s.replace(/\x1b/g, '\\u001b').replaceAll(MARK, '\x1b')).replaceAll('\x1b', MARK);
}

export function chalkPalette(): Palette {
  const c = new Chalk({ level: 1 });
  return { bold: marked(c.bold), dim: marked(c.dim), red: marked(c.red), green: marked(c.green), yellow: marked(c.yellow), cyan: marked(c.cyan) };
}

/** Colour only on a terminal, never with --no-color or NO_COLOR (any value but empty). */
export function wantsColour(isTTY: boolean, noColorFlag: boolean, env: Readonly<Record<string, string | undefined>>): boolean {
  if (noColorFlag) return false;
  if (env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '') return false;
  return isTTY;
}

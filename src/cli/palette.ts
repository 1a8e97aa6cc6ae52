/**
 * Colour as a parameter: renderers take a Palette and never import chalk. `chalkPalette` is the
 * only place colour is produced.
 */
import { Chalk } from 'chalk';

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

export function chalkPalette(): Palette {
  const c = new Chalk({ level: 1 });
  return { bold: c.bold, dim: c.dim, red: c.red, green: c.green, yellow: c.yellow, cyan: c.cyan };
}

/** Colour only on a terminal, never with --no-color or NO_COLOR (any value but empty). */
export function wantsColour(isTTY: boolean, noColorFlag: boolean, env: Readonly<Record<string, string | undefined>>): boolean {
  if (noColorFlag) return false;
  if (env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '') return false;
  return isTTY;
}

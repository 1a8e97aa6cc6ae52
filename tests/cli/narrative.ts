/**
 * Shared by the explain and compare tests: the bundled scenario files, the explain command
 * in-process, and cutting one step's block or one section out of its output.
 */
import { readdirSync } from 'node:fs';
import { runCli } from './fakeIo.js';

export const SCENARIOS = readdirSync('scenarios')
  .filter((f) => f.endsWith('.yaml'))
  .sort()
  .map((f) => `scenarios/${f}`);

/** The bundled scenario whose name starts with `prefix-` (e.g. `03`). */
export const file = (prefix: string): string => {
  const found = SCENARIOS.find((f) => f.startsWith(`scenarios/${prefix}-`));
  if (!found) throw new Error(`no scenario ${prefix}`);
  return found;
};

/** `epochsim explain ARGS --no-color`; stderr must be empty. */
export async function explain(args: string[], files?: Record<string, string>): Promise<string> {
  const r = await runCli(['explain', ...args, '--no-color'], files ? { files } : {});
  expect(r.stderr).toBe('');
  return r.stdout;
}

/** From the first line starting with `heading` to the line before the next `── ` heading, without trailing blanks. */
function cut(text: string, heading: string, what: string): string {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.startsWith(heading));
  if (start < 0) throw new Error(`no ${what}`);
  let end = lines.findIndex((l, i) => i > start && l.startsWith('── '));
  if (end < 0) end = lines.length;
  return lines.slice(start, end).join('\n').trimEnd();
}

/** The block of step `n`. */
export const block = (text: string, n: number): string => cut(text, `── Step ${n} ·`, `step ${n}`);

/** The section headed `── title`. */
export const section = (text: string, title: string): string => cut(text, `── ${title} `, `section ${title}`);

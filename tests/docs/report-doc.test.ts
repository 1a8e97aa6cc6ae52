/**
 * docs/how-to/report.md shows real commands: every `$ epochsim ARGS` line of its ```console
 * blocks is run (in-process, with files written to memory, never to the disk) and what it prints
 * — stdout, then stderr — must be the lines below it.
 */
import { readFileSync } from 'node:fs';
import { runCli } from '../cli/fakeIo.js';

const DOC = 'docs/how-to/report.md';

interface Shown {
  readonly args: string[];
  readonly output: string;
}

/** Each command of the doc's console blocks, with the output shown under it. */
function commands(text: string): Shown[] {
  const out: Shown[] = [];
  for (const block of text.matchAll(/```console\n([\s\S]*?)```/g)) {
    let current: { args: string[]; lines: string[] } | undefined;
    for (const line of (block[1] as string).split('\n').slice(0, -1)) {
      if (line.startsWith('$ ')) {
        if (current) out.push({ args: current.args, output: current.lines.map((l) => `${l}\n`).join('') });
        const words = line.slice(2).split(/ +/);
        if (words[0] !== 'epochsim') throw new Error(`${DOC}: a command that is not epochsim's: ${line}`);
        current = { args: words.slice(1), lines: [] };
      } else if (current) current.lines.push(line);
      else throw new Error(`${DOC}: output before any command: ${line}`);
    }
    if (current) out.push({ args: current.args, output: current.lines.map((l) => `${l}\n`).join('') });
  }
  return out;
}

const shown = commands(readFileSync(DOC, 'utf8'));

test('the doc shows commands (a check of the check)', () => {
  expect(shown.length).toBeGreaterThanOrEqual(3);
});

test.each(shown.map((s) => [s.args.join(' '), s] as const))('epochsim %s prints what the doc shows', async (_, s) => {
  const r = await runCli(s.args, { files: {} });
  expect(r.stdout + r.stderr).toBe(s.output);
});

/**
 * docs/how-to/explore.md shows real output: every `$ epochsim …` line of its console blocks is
 * run in-process (in order, sharing one set of files) and must print exactly the lines below
 * it; the YAML block is the file the first command writes. The depth-6 run is the issue's
 * acceptance (deferred and immediate hold every invariant over every state), so it runs here.
 */
import { readFileSync } from 'node:fs';
import { runCli } from '../cli/fakeIo.js';

const DOC = 'docs/how-to/explore.md';
const text = readFileSync(DOC, 'utf8');

interface Shown {
  readonly args: string[];
  readonly output: string;
}

/** Each command of the console blocks and the output lines that follow it. */
function commands(): Shown[] {
  const out: Shown[] = [];
  for (const m of text.matchAll(/```console\n([\s\S]*?)```/g)) {
    let current: { args: string[]; lines: string[] } | undefined;
    const flush = (): void => {
      if (current) out.push({ args: current.args, output: current.lines.map((l) => `${l}\n`).join('') });
    };
    for (const line of (m[1] ?? '').replace(/\n$/, '').split('\n')) {
      if (line.startsWith('$ epochsim ')) {
        flush();
        current = { args: line.slice('$ epochsim '.length).split(' '), lines: [] };
      } else current?.lines.push(line);
    }
    flush();
  }
  return out;
}

const files: Record<string, string> = {};
const shown = commands();

describe(DOC, () => {
  it('shows three commands', () => {
    expect(shown.map((c) => c.args.join(' '))).toEqual([
      'explore --rules pr-1000 --depth 3 --strict',
      'explore --rules pr-1000 --depth 2 --strict',
      'explore --depth 6',
    ]);
  });

  it.each(shown.map((c) => [c.args.join(' '), c] as const))('epochsim %s prints what the doc shows', async (_, c) => {
    const r = await runCli(c.args, { files });
    expect(r.stdout).toBe(c.output);
    expect(r.stderr).toMatch(/^explore: [0-9,]+ states in [0-9.]+ s \([0-9,—]+ states\/s\)\n$/);
    expect(r.code).toBe(r.stdout.includes('\n✗ ') ? 1 : 0);
  }, 300_000);

  it('shows the scenario the first command writes', () => {
    const yaml = /```yaml\n([\s\S]*?)```/.exec(text)?.[1];
    expect(yaml).toBe(files['explore-failures/pr-1000-divergence-payout_trapped.yaml']);
  });
});

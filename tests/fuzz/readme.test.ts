/**
 * The README's fuzz section shows real output; these tests keep it true: the campaigns it shows
 * (timing figures masked: the README's come from a real clock, the fake Io's advance 1 ms a
 * read), the shrunk file the strict campaign writes, and the end of `run` of that file.
 */
import { readFileSync } from 'node:fs';
import { runCli } from '../cli/fakeIo.js';

const readme = readFileSync('README.md', 'utf8');
const start = readme.indexOf('## Fuzzing: `fuzz`');
const section = readme.slice(start, readme.indexOf('\n## ', start + 1));

/** The first fenced block of `lang` after `marker` in the fuzz section. */
function blockAfter(marker: string, lang = 'text'): string {
  const at = section.indexOf(marker);
  if (at < 0) throw new Error(`the README's fuzz section has no "${marker}"`);
  const open = section.indexOf(`\`\`\`${lang}\n`, at);
  const close = section.indexOf('\n```', open + lang.length + 4);
  return section.slice(open + lang.length + 4, close + 1);
}

const untimed = (text: string): string => text.replace(/ in [0-9.]+ s \([0-9,—]+ runs\/s\)$/gm, ' in T s (R runs/s)');

/** `$ bin/epochsim fuzz …` and what it prints, run in-process. */
async function sample(block: string, files: Record<string, string> = {}): Promise<{ text: string; code: number }> {
  const [command] = block.split('\n');
  const args = (command ?? '').replace(/^\$ bin\/epochsim /, '').split(' ');
  const r = await runCli(args, { files });
  expect(r.stderr).toBe('');
  return { text: `${command}\n${r.stdout}`, code: r.code };
}

const FILE = 'fuzz-failures/seed-14-pr-1000-divergence-payout_trapped.yaml';

describe('the README fuzz section', () => {
  it('shows what the strict pr-1000 campaign prints and writes, and how `run` of the file ends', async () => {
    const block = blockAfter('(PR #1000 as coded, strict)');
    const files: Record<string, string> = {};
    const r = await sample(block, files);
    expect(r.code).toBe(1);
    expect(untimed(block)).toBe(untimed(r.text));
    expect(blockAfter('Exit code 1. The file it wrote', 'yaml')).toBe(files[FILE]);
    const end = blockAfter('of it ends:');
    const run = await runCli(['run', FILE], { files });
    expect(run.code).toBe(0);
    expect(run.stdout.endsWith(end)).toBe(true);
  });

  it('shows what the campaign prints without --strict', async () => {
    const block = blockAfter('Without `--strict` the same campaign');
    const r = await sample(block);
    expect(r.code).toBe(0);
    expect(untimed(block)).toBe(untimed(r.text));
  });

  it('shows what 1 000 runs of the v1 rulesets print', async () => {
    const block = blockAfter('The v1 rulesets, 1 000 runs');
    const r = await sample(block);
    expect(r.code).toBe(0);
    expect(untimed(block)).toBe(untimed(r.text));
  }, 60_000);
});

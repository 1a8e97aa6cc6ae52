/**
 * Docs that cannot rot: every command shown in README.md and docs/ is run and its output
 * compared; every scenario snippet is loaded; every relative link resolves, anchors included.
 * The conventions are in tests/docs/markdown.ts (and docs/README.md for writers).
 */
import { readdirSync, readFileSync, existsSync, statSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { runScenario } from '../../src/engine/replay/run.js';
import { loadScenario } from '../../src/scenario/load.js';
import { runCli } from '../cli/fakeIo.js';
import { anchorsOf, blocksOf, commandsOf, linksOf, matchesTranscript, type Block } from './markdown.js';

function pages(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .flatMap((e) => (e.isDirectory() ? pages(join(dir, e.name)) : e.name.endsWith('.md') ? [join(dir, e.name)] : []));
}

const PAGES = ['README.md', ...pages('docs'), 'scenarios/README.md'];

/**
 * What varies between runs and machines, made the same on both sides: check's per-file times,
 * and the "in S s (R runs/s)" of campaigns.
 */
function untimed(text: string): string {
  return text
    .replace(/ +(?:<1|\d+) ms\b/g, ' N ms')
    .replace(/ in \d+(?:\.\d+)? s \([\d,.]+ ([a-z]+)\/s\)/g, ' in N s (N $1/s)');
}

/** What a `$ cat FILE` prints: a file the page made, else the repository's. */
function cat(path: string, files: Record<string, string>): string {
  return files[normalize(path)] ?? readFileSync(path, 'utf8');
}

describe.each(PAGES)('%s', (page) => {
  const text = readFileSync(page, 'utf8');
  const blocks = blocksOf(text);

  test('every command it shows prints what it shows', async () => {
    const files: Record<string, string> = {};
    const failures: string[] = [];
    for (const block of blocks) {
      if (block.lang === 'yaml' && block.attrs['file'] !== undefined) files[normalize(block.attrs['file'])] = block.body;
      if (block.lang !== 'console') continue;
      for (const c of commandsOf(block)) {
        const [tool, ...args] = c.argv;
        let code: number;
        let printed: string;
        if (tool === 'epochsim' || tool === 'bin/epochsim') {
          const r = await runCli(args, { files, ...(c.env === undefined ? {} : { env: c.env }) });
          code = r.code;
          printed = r.stdout + r.stderr;
        } else if (tool === 'cat' && args.length === 1) {
          code = 0;
          printed = cat(args[0] as string, files);
        } else {
          failures.push(`${page}:${c.line}: a transcript runs epochsim or cat, not: ${c.argv.join(' ')}`);
          continue;
        }
        if (code !== c.exit) failures.push(`${page}:${c.line}: ${c.argv.join(' ')} exited ${code}, the page says ${c.exit}\n${printed}`);
        if (!matchesTranscript(untimed(c.expected), untimed(printed))) {
          failures.push(`${page}:${c.line}: ${c.argv.join(' ')} printed:\n${printed}\n--- the page shows:\n${c.expected}`);
        }
      }
    }
    expect(failures).toEqual([]);
  }, 300_000); // a page may run a long command: the explore how-to checks every state up to depth 6 (about 35 s under ts-jest)

  test('every scenario it shows loads; every fragment is YAML', () => {
    const problems: string[] = [];
    for (const block of blocks.filter((b: Block) => b.lang === 'yaml')) {
      const name = block.attrs['file'] ?? `${page}:${block.line}`;
      const whole = block.attrs['file'] !== undefined || /^events:/m.test(block.body);
      if (whole) {
        const r = loadScenario(block.body, name);
        if (r.ok === ('invalid' in block.attrs)) {
          problems.push(`${page}:${block.line}: ${r.ok ? 'marked invalid but loads' : r.issues.map((i) => `${i.line}:${i.col}: ${i.message}`).join('; ')}`);
        }
        // a scenario shown runs clean, unless the page marks it as one that fails
        if (r.ok && runScenario(r.scenario).ok === 'fails' in block.attrs) {
          problems.push(`${page}:${block.line}: ${'fails' in block.attrs ? 'marked fails but runs clean' : 'does not run clean (a failed event, checkpoint or invariant)'}`);
        }
      } else {
        try {
          parseYaml(block.body);
        } catch (error) {
          problems.push(`${page}:${block.line}: not YAML: ${String(error)}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  test('only a console block shows an epochsim command (so every shown command is run)', () => {
    const hidden = blocks.filter((b) => b.lang !== 'console' && /^\$ (bin\/)?epochsim\b/m.test(b.body)).map((b) => `${page}:${b.line} (${b.lang || 'no language'})`);
    expect(hidden).toEqual([]);
  });

  test('every relative link resolves, to a file and to a heading of it', () => {
    const broken: string[] = [];
    for (const { line, target } of linksOf(text)) {
      const [path = '', anchor] = target.split('#');
      const file = path === '' ? page : normalize(join(dirname(page), decodeURIComponent(path)));
      if (!existsSync(file)) {
        broken.push(`${page}:${line}: ${target}: no such file`);
        continue;
      }
      if (anchor !== undefined && anchor !== '' && statSync(file).isFile() && file.endsWith('.md') && !anchorsOf(readFileSync(file, 'utf8')).has(anchor)) {
        broken.push(`${page}:${line}: ${target}: no heading with that anchor`);
      }
    }
    expect(broken).toEqual([]);
  });
});

describe('the harness (a check of the check)', () => {
  test('a wrong output, a wrong exit code and a broken link are caught', async () => {
    const { commandsOf: cmds } = await import('./markdown.js');
    const [block] = blocksOf('```console\n$ epochsim rules nope   # exit 2\nwrong\n```\n');
    const [c] = cmds(block as Block);
    expect(c).toEqual({ line: 2, argv: ['epochsim', 'rules', 'nope'], exit: 2, expected: 'wrong\n' });
    const [withEnv] = cmds(blocksOf("```console\n$ A_1=x B='y z' epochsim fuzz --shard auto\n```\n")[0] as Block);
    expect(withEnv).toEqual({ line: 2, env: { A_1: 'x', B: 'y z' }, argv: ['epochsim', 'fuzz', '--shard', 'auto'], exit: 0, expected: '' });
    const r = await runCli(['rules', 'nope']);
    expect(r.code).toBe(2);
    expect(matchesTranscript(c?.expected ?? '', r.stdout + r.stderr)).toBe(false);
    expect(matchesTranscript('a\n…\nd\n', 'a\nb\nc\nd\n')).toBe(true);
    expect(matchesTranscript('a\n…\nd\n', 'a\nb\nc\n')).toBe(false);
    expect(linksOf('see [x](nowhere.md#y) and `[not](a link)`')).toEqual([{ line: 1, target: 'nowhere.md#y' }]);
    expect([...anchorsOf('# Hello, `world`!\n## Hello world\n## Hello world\n')]).toEqual(['hello-world', 'hello-world-1', 'hello-world-2']);
  });
});

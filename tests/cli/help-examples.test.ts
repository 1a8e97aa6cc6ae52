/**
 * Every command's --help gives at least one example, and every example is real: it runs on the
 * shipped files and exits as it says (0, or the `# exit N: why` written after it). A leading
 * `cat FILE |` becomes stdin; what follows a pipe or a redirect is the shell's, not epochsim's.
 * Examples run in-process on an in-memory file system (nothing is written to the checkout).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runCli } from './fakeIo.js';

/**
 * Runs the built CLI in an empty folder: worker threads (`--workers`) start dist/'s worker
 * files, which ts-jest's in-process CLI does not have.
 */
function built(argv: readonly string[]): { code: number; stderr: string } {
  const cwd = mkdtempSync(join(tmpdir(), 'epochsim-help-'));
  try {
    const r = spawnSync(process.execPath, [resolve('bin/epochsim'), ...argv], { cwd, encoding: 'utf8', maxBuffer: 64 << 20 });
    return { code: r.status ?? -1, stderr: r.stderr };
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
}

interface Example {
  readonly line: string;
  readonly argv: string[];
  readonly stdin?: string;
  readonly exit: number;
}

function examplesOf(help: string): Example[] {
  return help
    .split('\n')
    .filter((l) => l.startsWith('  $ '))
    .map((l) => {
      const line = l.slice(4);
      const m = /^(?:cat (\S+) \| )?epochsim((?: [^|>#]*?)?)(?: [|>] [^#]*?)?(?:\s+# exit (\d+): .+)?$/.exec(line);
      if (m === null) throw new Error(`an example --help shows that this test cannot read: ${line}`);
      const argv = (m[2] ?? '').trim().split(/ +/).filter((w) => w !== '');
      return { line, argv, exit: Number(m[3] ?? 0), ...(m[1] === undefined ? {} : { stdin: readFileSync(m[1], 'utf8') }) };
    });
}

let commands: string[] = [];

beforeAll(async () => {
  const top = await runCli(['--help']);
  const section = top.stdout.split('Commands:\n')[1] ?? '';
  commands = [...section.matchAll(/^ {2}([a-z]+) /gm)].map((m) => m[1] as string).filter((c) => c !== 'help');
});

test('the command list is read from the top-level help (a check of the check)', () => {
  expect(commands).toEqual(expect.arrayContaining(['run', 'check', 'explain', 'compare', 'report', 'schema', 'rules', 'fuzz']));
});

test('every command, and the top level, gives at least one example', async () => {
  const without: string[] = [];
  for (const c of ['', ...commands]) {
    const r = await runCli(c === '' ? ['--help'] : [c, '--help']);
    if (examplesOf(r.stdout).length === 0) without.push(c || '(top level)');
  }
  expect(without).toEqual([]);
});

test('every example runs on shipped files and exits as it says', async () => {
  const wrong: string[] = [];
  for (const c of ['', ...commands]) {
    const help = (await runCli(c === '' ? ['--help'] : [c, '--help'])).stdout;
    for (const ex of examplesOf(help)) {
      const r = ex.argv.includes('--workers') ? built(ex.argv) : await runCli(ex.argv, { files: {}, ...(ex.stdin === undefined ? {} : { stdin: ex.stdin }) });
      if (r.code !== ex.exit) wrong.push(`${c || 'epochsim'} --help: ${ex.line}: exited ${r.code}, expected ${ex.exit}\n${r.stderr.slice(0, 400)}`);
    }
  }
  expect(wrong).toEqual([]);
}, 120_000);

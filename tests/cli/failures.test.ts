/**
 * Hostile input and failing outputs, in-process (the fake Io simulates the failing disk, the
 * closed stdout, the interrupt): one clear line and its exit code, never a stack trace, never
 * success when output was lost; no report over an input; terminal control from input escaped.
 * The same conditions through the real process: hostile.test.ts.
 */
import { readFileSync } from 'node:fs';
import { loadScenario } from '../../src/scenario/load.js';
import { BAD_SCENARIO, runCli } from './fakeIo.js';

const S01 = 'scenarios/01-deferred-same-epoch.yaml';
const PASSING = readFileSync(S01, 'utf8');

describe('a failing stdout', () => {
  // every command, and the program's own --help and --version
  test.each([
    [['run', S01]],
    [['run', S01, '--json']],
    [['explain', S01]],
    [['compare', S01]],
    [['check', S01]],
    [['schema']],
    [['rules']],
    [['fuzz', '--seed', '5', '--runs', '2', '--steps', '10']],
    [['--help']],
    [['--version']],
  ])('%j on a full disk: one line on stderr, exit 74', async (argv) => {
    const r = await runCli(argv, { stdoutError: 'ENOSPC' });
    expect(r.code).toBe(74);
    expect(r.stderr.endsWith('epochsim: the output was lost: writing to stdout failed: no space left on the device\n')).toBe(true);
    expect(r.stderr).not.toMatch(/ENOSPC|\n {4}at /);
  });

  test('a closed stdout is said so, exit 74; a failing scenario too (not 1: its report is lost)', async () => {
    const r = await runCli(['run', S01], { stdoutError: 'EBADF' });
    expect(r).toMatchObject({ code: 74, stderr: 'epochsim: the output was lost: stdout is closed\n' });
    const failing = await runCli(['run', 'x.yaml'], {
      stdoutError: 'EBADF',
      files: { 'x.yaml': 'name: x\nparticipants: {}\nevents:\n  - end_epoch\n' },
    });
    expect(failing.code).toBe(74);
  });

  test('an input error stays exit 2: nothing was written to stdout', async () => {
    const r = await runCli(['run', 'bad.yaml'], { stdoutError: 'ENOSPC', files: { 'bad.yaml': BAD_SCENARIO } });
    expect(r.code).toBe(2);
    expect(r.stderr).not.toContain('output was lost');
  });
});

describe('reports and goldens never replace an input, and failures are said in words', () => {
  test('check x.yaml --junit x.yaml is refused before anything runs; the scenario stays', async () => {
    const files = { 'x.yaml': PASSING };
    const r = await runCli(['check', 'x.yaml', '--junit', 'x.yaml'], { files });
    expect(r).toEqual({
      code: 2,
      stdout: '',
      stderr: 'epochsim: --junit x.yaml is the scenario x.yaml; the report would replace it (name another file)\n',
    });
    expect(files['x.yaml']).toBe(PASSING);
    // the same file by another spelling of its path
    const again = await runCli(['check', 'x.yaml', '--junit', './x.yaml'], { files });
    expect(again.code).toBe(2);
    expect(files['x.yaml']).toBe(PASSING);
  });

  test('--update does not write a golden file over a scenario being checked', async () => {
    const files: Record<string, string> = { 's/a.yaml': PASSING, 's/a.json': 'not a scenario' };
    // s/a.json is both the golden file of s/a.yaml and (given by name) a scenario being checked
    const r = await runCli(['check', 's/a.yaml', 's/a.json', '--golden', 's', '--update'], { files });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('epochsim: golden file s/a.json is the scenario s/a.json; --update would replace it (give the golden files their own folder)\n');
    expect(files['s/a.json']).toBe('not a scenario');
  });

  test('--junit FILE/x.xml with FILE a file: the file in the way is named (it said EEXIST)', async () => {
    const files: Record<string, string> = { 'x.yaml': PASSING, 'FILE': 'a file' };
    const r = await runCli(['check', 'x.yaml', '--junit', 'FILE/x.xml'], { files });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('epochsim: cannot write the JUnit report FILE/x.xml: FILE is a file, not a folder\n');
  });

  test('a new golden folder under a read-only parent: the parent is named (it said "no such file or folder")', async () => {
    const r = await runCli(['check', S01, '--golden', 'ro/new/golden', '--update'], { writeErrors: { 'ro/new': 'EACCES' } });
    expect(r).toEqual({ code: 2, stdout: '', stderr: 'epochsim: cannot create the golden folder ro/new/golden: ro is not writable (permission denied)\n' });
    const rofs = await runCli(['check', S01, '--golden', 'ro/new', '--update'], { writeErrors: { 'ro/new': 'EROFS' } });
    expect(rofs.stderr).toBe('epochsim: cannot create the golden folder ro/new: ro is on a read-only file system\n');
  });

  test.each([
    ['ENOSPC', 'no space left on the device'],
    ['EROFS', 'the file system is read-only'],
    ['EEXIST', 'a file is in the way'],
    ['EDQUOT', 'the disk quota is used up'],
    ['EWHATEVER', 'failed'],
  ])('a golden file that cannot be written (%s) is said in words', async (code, words) => {
    const r = await runCli(['check', S01, '--golden', 'g', '--update'], { writeErrors: { 'g/01-deferred-same-epoch.json': code } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`epochsim: cannot write g/01-deferred-same-epoch.json: ${words}\n`);
    expect(r.stderr).not.toMatch(/\bE[A-Z]{3,}\b/);
  });
});

describe('terminal control characters from input are escaped', () => {
  const EVIL = 'name: "evil \\e]0;owned\\a\\e[2K\\u202e"\nparticipants:\n  h1: { weight: 100 }\nevents:\n  - start_epoch\n';
  const EVIL_EVENT = 'name: x\nparticipants:\n  h1: { weight: 100 }\nevents:\n  - "start\\e[2K\\repoch"\n';

  test.each([[[]], [['--no-color']], [[]]])('in the report (flags %j), with and without colour', async (flags) => {
    for (const tty of [false, true]) {
      const r = await runCli(['run', 'evil.yaml', ...flags], { files: { 'evil.yaml': EVIL }, tty });
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('evil \\u001b]0;owned\\u0007\\u001b[2K\\u202e');
      // the only escape sequences are colour codes, and only when colour is on
      const sequences = r.stdout.match(/\x1b[^m]*m?/g) ?? [];
      expect(sequences.every((s) => /^\x1b\[[0-9;]*m$/.test(s))).toBe(true);
      expect(sequences.length > 0).toBe(tty && !flags.includes('--no-color'));
      expect(r.stdout).not.toMatch(/[\x07\r\u202e]/);
    }
  });

  test('in an input error, with --no-color too', async () => {
    for (const flags of [[], ['--no-color']]) {
      const r = await runCli(['run', 'e.yaml', ...flags], { files: { 'e.yaml': EVIL_EVENT }, tty: true });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('unknown event "start\\u001b[2K\\repoch"');
      expect(r.stderr.replace(/\x1b\[[0-9;]*m/g, '')).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f]/);
    }
  });

  test('in file names (check lists them)', async () => {
    const r = await runCli(['check', 'a\x1b[2Kb.yaml'], { files: { 'a\x1b[2Kb.yaml': PASSING } });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('a\\u001b[2Kb.yaml');
    expect(r.stdout).not.toContain('\x1b');
  });
});

describe('bytes and size', () => {
  test('invalid UTF-8 is an input error at its line and column', async () => {
    const bytes = Buffer.concat([Buffer.from('name: caf'), Buffer.from([0xe9, 0x20, 0xff, 0xfe]), Buffer.from('\nparticipants: {}\nevents: []\n')]);
    const r = await runCli(['run', '-'], { stdin: bytes });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n')[0]).toBe('<stdin>:1:10: error: invalid UTF-8: the byte 0xE9 here does not begin a valid character');
    // a valid file with a byte-order mark and non-ASCII text still loads
    const ok = await runCli(['run', '-'], { stdin: `\uFEFF${PASSING.replace('name: ', 'name: café ')}` });
    expect(ok.code).toBe(0);
  });

  test('a scenario over the size limit is one line; --max-size raises the limit', async () => {
    const big = `${PASSING}\n${'# padding\n'.repeat(120_000)}`;
    const r = await runCli(['run', 'big.yaml', '--max-size', '1'], { files: { 'big.yaml': big } });
    expect(r).toEqual({
      code: 2,
      stdout: '',
      stderr: 'epochsim: cannot read big.yaml: it is larger than 1 MiB, the limit for a scenario (--max-size MiB raises it)\n',
    });
    expect((await runCli(['run', 'big.yaml', '--max-size', '2'], { files: { 'big.yaml': big } })).code).toBe(0);
    const bad = await runCli(['run', 'big.yaml', '--max-size', '0']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--max-size is a whole number of MiB from 1 to 65536');
  });

  test('" 5 gonka " is refused as the amount grammar says; a no-break space is shown', async () => {
    const text = (amount: string): string => `name: x\naccounts:\n  a: ${amount}\nparticipants: {}\nevents: []\n`;
    const blanks = await runCli(['run', 'x.yaml'], { files: { 'x.yaml': text('" 5 gonka "') } });
    expect(blanks.stderr.split('\n')[0]).toBe(
      'x.yaml:3:6: error: accounts.a: not an amount: " 5 gonka " (write ngonka digits such as 7000000000 or 7_000_000_000, "<n> ngonka" or "<decimal> gonka")',
    );
    const nbsp = await runCli(['run', 'x.yaml'], { files: { 'x.yaml': text('5\u00a0gonka') } });
    expect(nbsp.stderr).toContain('not an amount: "5\\u00a0gonka"');
  });
});

describe('messages', () => {
  test('"1 event, 1 checkpoint", not "1 events, 1 checkpoints"', async () => {
    const one = 'name: one\nparticipants:\n  h1: { weight: 1 }\nevents:\n  - start_epoch\n  - expect: { epoch: 1 }\n';
    const r = await runCli(['run', 'one.yaml'], { files: { 'one.yaml': one } });
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe('OK: 1 event, 1 checkpoint, invariants hold');
    const e = await runCli(['explain', 'one.yaml', '--no-color'], { files: { 'one.yaml': one } });
    expect(e.stdout).toContain('OK: 1 event, 1 checkpoint, invariants hold');
  });

  test('"1 run, 2 replays" in fuzz', async () => {
    const r = await runCli(['fuzz', '--seed', '5', '--runs', '1', '--steps', '10']);
    expect(r.stdout.split('\n').slice(0, 2)).toEqual(['fuzz: seed 5, 1 run, rules deferred, immediate, 10 steps, 4 participants', '1 run, 2 replays in 0.001 s (1,000 runs/s)']);
  });

  test('fuzz --out through a file: refused before its header is printed', async () => {
    for (const out of ['FILE', 'FILE/sub']) {
      const r = await runCli(['fuzz', '--seed', '1', '--runs', '2', '--out', out], { files: { FILE: 'a file' } });
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe(out === 'FILE' ? 'epochsim: --out FILE: it is a file, not a folder\n' : 'epochsim: --out FILE/sub: FILE is a file, not a folder\n');
    }
  });
});

describe('fuzz and Ctrl-C', () => {
  // pr-1000 --strict finds its first failures in runs 0, 3 and 13
  const ARGS = ['fuzz', '--rules', 'pr-1000', '--seed', '1', '--runs', '1000', '--strict', '--out', 'found'];

  test('each shrunk failure is written as soon as it is found; Ctrl-C prints the summary so far, exit 130', async () => {
    const files: Record<string, string> = {};
    const r = await runCli(ARGS, { files, interruptAfter: 10 });
    expect(r.code).toBe(130);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines.slice(lines.indexOf('interrupted (Ctrl-C): the summary of the 10 runs done'))).toEqual([
      'interrupted (Ctrl-C): the summary of the 10 runs done',
      '10 runs, 10 replays in 0.001 s (10,000 runs/s)',
      'known divergences (failures with --strict):',
      '  pr-1000 prune_remainder: 5 runs',
      '  pr-1000 work_coins_stranded: 1 run',
      'failures:',
      '  pr-1000 divergence:prune_remainder: 5 runs',
      '  pr-1000 divergence:work_coins_stranded: 1 run',
      '4 passed, 6 failed',
      'seed 1; reproduce: epochsim fuzz --rules pr-1000 --seed 1 --runs 1000 --steps 40 --participants 4 --strict',
    ]);
    // the failures of runs 0 and 3 were found and written; run 13's was not reached
    const written = Object.keys(files).sort();
    expect(written.length).toBe(2);
    for (const name of written) {
      expect(r.stdout).toContain(`  wrote      ${name}\n`);
      expect(loadScenario(files[name] as string, name).ok).toBe(true);
    }
  });

  test('without Ctrl-C the same campaign writes the same files', async () => {
    const files: Record<string, string> = {};
    const r = await runCli([...ARGS.slice(0, 6), '20', ...ARGS.slice(7)], { files });
    expect(r.code).toBe(1);
    expect(Object.keys(files).length).toBe(3);
  });
});

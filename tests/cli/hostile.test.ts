/**
 * The hostile-input suite, through the real process (bin/epochsim → dist/, so build first): a
 * table of inputs and invocations, each with the exit code, the message, and a bound on its time
 * as a ratio to a valid twin run in the same test (never an absolute time). Big inputs are
 * generated here, in a temporary folder, never committed.
 *
 * EPOCHSIM_BIN runs the suite against another build (to show that it fails on an older one).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadScenario } from '../../src/scenario/load.js';
import { background, firstYamlIn } from './processes.js';

const BIN = resolve(process.env.EPOCHSIM_BIN ?? 'bin/epochsim');
const S01 = resolve('scenarios/01-deferred-same-epoch.yaml');
let dir = '';

interface Outcome {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

/** Runs a shell command line (`$E` is the CLI, `$D` the temporary folder), timed. */
function sh(line: string, killAfterMs?: number): Outcome {
  const start = process.hrtime.bigint();
  const r = spawnSync('bash', ['-c', line], {
    cwd: dir,
    env: { ...process.env, E: `${process.execPath} ${BIN}`, D: dir, NO_COLOR: '1' },
    encoding: 'utf8',
    maxBuffer: 256 << 20,
    timeout: killAfterMs,
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, ms };
}

const file = (name: string, text: string | Buffer): string => {
  writeFileSync(join(dir, name), text);
  return name;
};

/** A scenario with `n` participants and a few hundred transfers between them; `last` is its last event. */
function participants(n: number, last = '  - transfer: { from: p000000, to: p000001, amount: 1 }'): string {
  const out = ['name: big', 'participants:'];
  for (let i = 0; i < n; i++) out.push(`  p${String(i).padStart(6, '0')}: { weight: 10, balance: 1000 }`);
  out.push('events:', '  - start_epoch');
  for (let i = 0; i < 300; i++) out.push(`  - transfer: { from: p${String(i).padStart(6, '0')}, to: p${String(i + 1).padStart(6, '0')}, amount: 1 }`);
  out.push(last);
  return `${out.join('\n')}\n`;
}

/** `n` transfer items from `from(i)` to `to`. */
function transferLines(n: number, from: (i: number) => string, to: string): string {
  return Array.from({ length: n }, (_, i) => `  - transfer: { from: ${from(i)}, to: ${to}, amount: 1 }`).join('\n');
}

/** A small scenario with `n` transfers from `from(i)`: all declared, or all unknown names. */
function transfers(n: number, from: (i: number) => string): string {
  return `name: many\nparticipants:\n  h1: { weight: 100, balance: 1000000 }\nevents:\n  - start_epoch\n${transferLines(n, from, 'h1')}\n`;
}

interface Row {
  /** What is hostile. */
  readonly what: string;
  /** Writes the files; returns the hostile command line and its valid twin's. */
  readonly make: () => { readonly hostile: string; readonly twin: string };
  readonly code: number;
  /** Where the message is: stderr, exactly its first line or matching. */
  readonly message: string | RegExp;
  /** Hostile time ≤ ratio × twin time (+ `plus` ms the command waits on purpose). */
  readonly ratio: number;
  readonly plus?: number;
  /** Times each is run (the fastest counts; default 2, against a busy machine). */
  readonly repeat?: number;
}

const ROWS: Row[] = [
  {
    what: 'one unknown name among 20 000 participants (it took minutes: the positioned parse was quadratic)',
    make: () => ({
      hostile: `$E run ${file('unknown.yaml', participants(20_000, '  - transfer: { from: nobody, to: p000001, amount: 1 }'))} --json`,
      twin: `$E run ${file('valid.yaml', participants(20_000))} --json`,
    }),
    code: 2,
    message: 'unknown.yaml:20305:23: error: unknown account "nobody"',
    ratio: 2,
  },
  {
    what: 'one bad amount among 20 000 participants',
    make: () => ({
      hostile: `$E run ${file('amount.yaml', participants(20_000, '  - transfer: { from: p000000, to: p000001, amount: 5 gonkas }'))} --json`,
      twin: `$E run ${file('valid.yaml', participants(20_000))} --json`,
    }),
    code: 2,
    message: /^amount\.yaml:20305:53: error: transfer\.amount: not an amount: "5 gonkas"/,
    ratio: 2,
  },
  {
    what: 'one typo in a generated benchmark file (10 000 events)',
    make: () => {
      const bench = spawnSync(process.execPath, [resolve('bench/gen-yaml.js'), '10000', '300'], { encoding: 'utf8', maxBuffer: 256 << 20 }).stdout;
      const at = bench.indexOf('- run_inference:', bench.length >> 1);
      return {
        hostile: `$E run ${file('typo.yaml', `${bench.slice(0, at)}- run_inferense:${bench.slice(at + 16)}`)} --json`,
        twin: `$E run ${file('bench.yaml', bench)} --json`,
      };
    },
    code: 2,
    message: /^typo\.yaml:[0-9]+:5: error: unknown event "run_inferense"$/,
    ratio: 2,
  },
  {
    what: 'a YAML syntax error in a generated benchmark file (10 000 events, 2 MB; 25 s for 20 MB)',
    make: () => {
      const bench = spawnSync(process.execPath, [resolve('bench/gen-yaml.js'), '10000', '300'], { encoding: 'utf8', maxBuffer: 256 << 20 }).stdout;
      const at = bench.indexOf('amount: ', bench.indexOf('- transfer:', bench.length >> 1)) + 8;
      return { hostile: `$E run ${file('syntax.yaml', `${bench.slice(0, at)}[ ${bench.slice(at)}`)} --json`, twin: `$E run ${file('bench.yaml', bench)} --json` };
    },
    code: 2,
    message: /^syntax\.yaml:[0-9]+:[0-9]+: error: invalid YAML: flow sequence in block collection must be sufficiently indented and end with a \]$/,
    ratio: 2,
  },
  {
    what: '2 000 unknown names',
    make: () => ({
      hostile: `$E run ${file('unknown2000.yaml', transfers(2000, (i) => `x${i}`))} --json`,
      twin: `$E run ${file('valid2000.yaml', transfers(2000, () => 'h1'))} --json`,
    }),
    code: 2,
    message: 'unknown2000.yaml:6:23: error: unknown account "x0"',
    ratio: 2,
  },
  {
    what: '2 000 unknown names that are each one edit from one of 20 000 participants',
    make: () => ({
      hostile: `$E run ${file('near.yaml', participants(20_000, transferLines(2000, (i) => `q${String(i).padStart(6, '0')}`, 'p000001')))} --json`,
      twin: `$E run ${file('valid.yaml', participants(20_000))} --json`,
    }),
    code: 2,
    message: /^near\.yaml:20305:23: error: unknown account "q000000"$/,
    ratio: 2,
  },
  {
    what: 'a duplicate key among 20 000 participants',
    make: () => {
      const text = participants(20_000);
      return {
        hostile: `$E run ${file('dup.yaml', text.replace('events:\n', '  p000007: { weight: 1 }\nevents:\n'))} --json`,
        twin: `$E run ${file('valid.yaml', text)} --json`,
      };
    },
    code: 2,
    message: 'dup.yaml:20003:3: error: duplicate key "p000007"',
    ratio: 2,
  },
  {
    what: 'values nested 10 000 deep (it said "maximum call stack size exceeded")',
    make: () => ({
      hostile: `$E run ${file('deep.yaml', `name: x\nparticipants: {}\nevents: ${'['.repeat(10_000)}${']'.repeat(10_000)}\n`)}`,
      twin: `$E run ${S01}`,
    }),
    code: 2,
    message: /^deep\.yaml:3:[0-9]+: error: values nest more than 100 levels deep here \(the limit is 100\)$/,
    ratio: 3,
  },
  {
    what: 'values nested a million deep (2 MB of brackets)',
    make: () => ({
      hostile: `$E run ${file('deeper.yaml', `name: x\nparticipants: {}\nevents: ${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}\n`)}`,
      twin: `$E run ${S01}`,
    }),
    code: 2,
    message: /^deeper\.yaml:3:[0-9]+: error: values nest more than 100 levels deep here \(the limit is 100\)$/,
    ratio: 3,
  },
  {
    what: 'a 5 MB amount literal (it took minutes and echoed itself twice)',
    make: () => {
      const scenario = (amount: string): string => `name: x\naccounts:\n  a: ${amount}\nparticipants: {}\nevents: []\n`;
      // the twin is as big: the digits in a comment
      return {
        hostile: `$E run ${file('literal.yaml', scenario('9'.repeat(5_000_000)))}`,
        twin: `$E run ${file('literal-twin.yaml', `${scenario('1')}# ${'9'.repeat(5_000_000)}\n`)}`,
      };
    },
    code: 2,
    message: 'literal.yaml:3:6: error: this value has 5000000 characters (the limit is 65536)',
    ratio: 3,
  },
  {
    what: '/dev/zero (it never ended, growing memory)',
    make: () => ({ hostile: '$E run /dev/zero', twin: `$E run ${S01}` }),
    code: 2,
    message: 'epochsim: cannot read /dev/zero: it is larger than 64 MiB, the limit for a scenario (--max-size MiB raises it)',
    ratio: 5,
  },
  {
    what: '/dev/urandom',
    make: () => ({ hostile: '$E run /dev/urandom', twin: `$E run ${S01}` }),
    code: 2,
    message: 'epochsim: cannot read /dev/urandom: it is larger than 64 MiB, the limit for a scenario (--max-size MiB raises it)',
    ratio: 5,
  },
  {
    what: 'invalid UTF-8 (it was replaced silently)',
    make: () => ({
      hostile: `$E run ${file('latin1.yaml', Buffer.concat([Buffer.from('name: caf'), Buffer.from([0xe9]), Buffer.from('\nparticipants: {}\nevents: []\n')]))}`,
      twin: `$E run ${S01}`,
    }),
    code: 2,
    message: 'latin1.yaml:1:10: error: invalid UTF-8: the byte 0xE9 here does not begin a valid character',
    ratio: 3,
  },
  {
    what: 'stdin that starts late (it said "cannot read -: EAGAIN")',
    make: () => ({ hostile: `(sleep 1; cat ${S01}) | $E run -`, twin: `$E run ${S01}` }),
    code: 0,
    message: '',
    ratio: 3,
    plus: 1000,
    repeat: 1,
  },
  {
    what: 'stdin held open after the scenario',
    make: () => ({ hostile: `(cat ${S01}; sleep 1) | $E run -`, twin: `$E run ${S01}` }),
    code: 0,
    message: '',
    ratio: 3,
    plus: 1000,
    repeat: 1,
  },
  {
    what: 'stdin that stays empty a while',
    make: () => ({ hostile: 'sleep 1 | $E run -', twin: `$E run ${S01}` }),
    code: 2,
    message: '<stdin>:1:1: error: scenario must be a YAML map with name, participants and events',
    ratio: 3,
    plus: 1000,
    repeat: 1,
  },
  {
    what: 'run --json to a full disk (it was a stack trace and exit 1)',
    make: () => ({ hostile: `$E run ${S01} --json > /dev/full`, twin: `$E run ${S01} --json > /dev/null` }),
    code: 74,
    message: 'epochsim: the output was lost: writing to stdout failed: no space left on the device',
    ratio: 3,
  },
  {
    what: 'fuzz to a full disk',
    make: () => ({ hostile: '$E fuzz --seed 1 --runs 20 > /dev/full', twin: '$E fuzz --seed 1 --runs 20 > /dev/null' }),
    code: 74,
    message: 'epochsim: the output was lost: writing to stdout failed: no space left on the device',
    ratio: 3,
  },
  {
    what: 'a closed stdout (it was exit 0, the output lost)',
    make: () => ({ hostile: `$E run ${S01} >&-`, twin: `$E run ${S01} > /dev/null` }),
    code: 74,
    message: 'epochsim: the output was lost: stdout is closed',
    ratio: 3,
  },
  {
    what: 'run --json to a closed stdout (the streamed writer, issue 15)',
    make: () => ({ hostile: `$E run ${S01} --json >&-`, twin: `$E run ${S01} --json > /dev/null` }),
    code: 74,
    message: 'epochsim: the output was lost: stdout is closed',
    ratio: 3,
  },
  {
    what: 'run --json of a big run to a reader that stops early: spooled steps, chunks, a quiet end',
    make: () => ({
      hostile: `$E run ${file('many.yaml', participants(400, transferLines(20_000, () => 'p000002', 'p000003')))} --json | head -c 10 > /dev/null; exit \${PIPESTATUS[0]}`,
      twin: `$E run ${file('many.yaml', participants(400, transferLines(20_000, () => 'p000002', 'p000003')))} --json > /dev/null`,
    }),
    code: 0,
    message: '',
    ratio: 3,
  },
  {
    what: 'a reader that stops early (EPIPE): a quiet end, as before',
    make: () => ({ hostile: `$E explain ${S01} | head -c 10 > /dev/null; exit \${PIPESTATUS[0]}`, twin: `$E explain ${S01} > /dev/null` }),
    code: 0,
    message: '',
    ratio: 3,
  },
  {
    what: 'check x.yaml --junit x.yaml (it replaced the scenario with the report)',
    make: () => {
      const x = file('x.yaml', readFileSync(S01, 'utf8'));
      return { hostile: `$E check ${x} --junit ${x}`, twin: `$E check ${x} --junit report.xml` };
    },
    code: 2,
    message: 'epochsim: --junit x.yaml is the scenario x.yaml; the report would replace it (name another file)',
    ratio: 3,
  },
  {
    what: 'a named pipe among the scenarios of a folder (check waited for a writer forever)',
    make: () => {
      file('pipes-a.yaml', readFileSync(S01, 'utf8'));
      spawnSync('bash', ['-c', 'mkdir -p pipes && mv pipes-a.yaml pipes/a.yaml && mkfifo pipes/b.yaml'], { cwd: dir });
      return { hostile: '$E check pipes', twin: '$E check pipes/a.yaml' };
    },
    code: 2,
    message: 'epochsim: pipes/b.yaml is not a regular file (a pipe, socket or device): give it by name to read it',
    ratio: 3,
  },
  {
    what: 'an event name with terminal escapes (they reached the terminal raw, even with --no-color)',
    make: () => ({
      hostile: `$E run ${file('esc.yaml', 'name: x\nparticipants: {}\nevents:\n  - "x\\e]0;owned\\a\\e[2K\\rend_epoch"\n')} --no-color`,
      twin: `$E run ${S01} --no-color`,
    }),
    code: 2,
    message: 'esc.yaml:4:5: error: unknown event "x\\u001b]0;owned\\u0007\\u001b[2K\\rend_epoch"',
    ratio: 3,
  },
];

beforeAll(() => {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing`);
  if (!existsSync(resolve('dist/cli/main.js'))) throw new Error('dist/ is missing: build first (npm run build; npm ci does it through prepare)');
  dir = mkdtempSync(join(tmpdir(), 'epochsim-hostile-'));
});

afterAll(() => {
  if (dir !== '') rmSync(dir, { recursive: true, force: true });
});

/** A guard against a hang, not a bound: the bound is the ratio to the twin, measured. */
const GUARD = 600_000;

describe('hostile input and failing outputs, through the real process', () => {
  test.each(ROWS.map((r) => [r.what, r] as const))(
    '%s',
    (_, row) => {
      const { hostile, twin } = row.make();
      let best: Outcome | undefined;
      let twinMs = Infinity;
      for (let i = 0; i < (row.repeat ?? 2); i++) {
        const t = sh(twin);
        // the twin is valid: it runs (0, or 1 if a replayed event fails)
        expect({ twin, ran: t.code === 0 || t.code === 1 }).toEqual({ twin, ran: true });
        twinMs = Math.min(twinMs, t.ms);
        // killed (and so failing) at three times the bound: a hang must not hang the suite
        const h = sh(hostile, Math.ceil(3 * (row.ratio * twinMs + (row.plus ?? 0))) + 1000);
        if (best === undefined || h.ms < best.ms) best = h;
      }
      const h = best as Outcome;
      const first = h.stderr.split('\n')[0] ?? '';
      expect({ code: h.code, stderr: first.slice(0, 400) }).toEqual({
        code: row.code,
        stderr: typeof row.message === 'string' ? row.message : expect.stringMatching(row.message),
      });
      // one clear message: no stack trace, no raw error code, nothing long
      expect(h.stderr).not.toMatch(/\n {4}at |Error: |\bE[A-Z]{3,}\b/);
      expect(Math.max(...h.stderr.split('\n').map((l) => l.length))).toBeLessThan(500);
      const bound = row.ratio * twinMs + (row.plus ?? 0);
      if (h.ms > bound) throw new Error(`took ${Math.round(h.ms)} ms: more than ${row.ratio} × the valid twin's ${Math.round(twinMs)} ms${row.plus ? ` + ${row.plus} ms` : ''}`);
    },
    GUARD,
  );

  test.each(['run S01', 'run S01 --json', 'explain S01', 'compare S01', 'check S01', 'schema', 'rules', 'fuzz --runs 3', '--help', '--version'])(
    '%s to a full disk: exit 74 and one line, for every command',
    (args) => {
      const r = sh(`$E ${args.replace('S01', S01)} > /dev/full`);
      expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 74, stderr: 'epochsim: the output was lost: writing to stdout failed: no space left on the device\n' });
    },
    GUARD,
  );

  test.each(['1', '2'])('Ctrl-C in a long fuzz run (--workers %s): the failures already shrunk are on disk, whole, and the summary so far is printed (exit 130)', async (workers) => {
    const out = join(dir, `found-${workers}`);
    const run = background(BIN, ['fuzz', '--rules', 'pr-1000', '--seed', '1', '--runs', '100000', '--strict', '--out', out, '--workers', workers], dir);
    // as soon as the first shrunk failure is written (run 0 finds one), interrupt
    await firstYamlIn(out, run);
    run.kill('SIGINT');
    const code = await run.closed;
    const stdout = run.stdout();
    expect(code).toBe(130);
    expect(stdout).toMatch(/\ninterrupted \(Ctrl-C\): the summary of the [0-9]+ runs? done\n[0-9]+ runs?, [0-9]+ replays? in /);
    expect(stdout).toMatch(/\n[0-9]+ passed, [1-9][0-9]* failed\nseed 1; reproduce: epochsim fuzz --rules pr-1000 --seed 1 --runs 100000 /);
    const written = readdirSync(out).filter((n) => n.endsWith('.yaml'));
    expect(written.length).toBeGreaterThan(0);
    for (const name of written) {
      expect(stdout).toContain(`wrote      ${join(out, name)}\n`);
      expect(loadScenario(readFileSync(join(out, name), 'utf8'), name).ok).toBe(true);
    }
    // no temporary file left behind
    expect(readdirSync(out).filter((n) => !n.endsWith('.yaml'))).toEqual([]);
  }, GUARD);
});

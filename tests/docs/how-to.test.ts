/**
 * The how-to pages of issue 16 beyond what tests/docs/transcripts.test.ts checks (it runs their
 * console blocks):
 *
 * - the report campaigns.md shows as JSON is the one the page's merge wrote, its timings aside;
 * - docs/examples/k8s-fuzz-job.yaml and docs/examples/github-fuzz.yml (read with the yaml
 *   package) and the ```sh blocks of campaigns.md: every epochsim command line in them parses with
 *   the real command-line program (its actions replaced, so nothing runs), and the shards they
 *   start are the ones their merge expects.
 */
import { readFileSync } from 'node:fs';
import { CommanderError, type Command as Program } from 'commander';
import { parseAllDocuments } from 'yaml';
import { buildProgram } from '../../src/cli/main.js';
import type { Io } from '../../src/cli/io.js';
import { runCli } from '../cli/fakeIo.js';
import { blocksOf, commandsOf, shellWords as words, type Command } from './markdown.js';

/** The commands of a page's console blocks, in order. */
const commandsIn = (page: string): Command[] => blocksOf(page).filter((b) => b.lang === 'console').flatMap(commandsOf);

test('campaigns.md: the report it shows is the one its merge wrote, timings aside', async () => {
  const page = readFileSync('docs/how-to/campaigns.md', 'utf8');
  const shown = JSON.parse(blocksOf(page).find((b) => b.lang === 'json')?.body ?? '') as Record<string, unknown>;
  const files: Record<string, string> = {};
  const commands = commandsIn(page).slice(0, 3);
  expect(commands.map((c) => c.argv.slice(0, 3).join(' '))).toEqual(['epochsim fuzz --rules', 'epochsim fuzz --rules', 'epochsim fuzz merge']);
  for (const c of commands) await runCli(c.argv.slice(1), { files, env: { ...c.env } });
  const written = JSON.parse(files['campaign.json'] as string) as Record<string, unknown>;
  expect({ ...shown, timings: null }).toEqual({ ...written, timings: null });
  expect(Object.keys(shown)).toEqual(Object.keys(written));
}, 60_000);

// ---------------------------------------------------------------------------------------------
// Command lines on schedulers: parsed, not run

const silentIo = { out: () => {}, err: () => {} } as unknown as Io;

/** Whether `argv` is a command line epochsim accepts (its options and arguments), found by parsing it with the real program, nothing run. */
async function accepts(argv: readonly string[]): Promise<string | undefined> {
  let error = '';
  const program = await buildProgram({ io: { ...silentIo, err: (t: string) => (error += t) }, setExit: () => {} });
  const quiet = (cmd: Program): void => {
    cmd.action(() => {});
    cmd.commands.forEach(quiet);
  };
  program.commands.forEach(quiet);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return undefined;
  } catch (e) {
    if (e instanceof CommanderError) return `${argv.join(' ')}: ${error.trim()}`;
    throw e;
  }
}

/** The value of `--flag` in argv. */
const flag = (argv: readonly string[], name: string): string | undefined => {
  const i = argv.indexOf(name);
  return i < 0 ? undefined : argv[i + 1];
};

test('the check of a check: a bad option or value is refused', async () => {
  expect(await accepts(['fuzz', '--seed', '1', '--shard', 'auto'])).toBeUndefined();
  expect(await accepts(['fuzz', '--sed', '1'])).toMatch(/unknown option '--sed'/);
  expect(await accepts(['fuzz', '--shard', '4/4'])).toMatch(/the shard must be i\/n/);
  expect(await accepts(['fuzz', 'merge'])).toMatch(/missing required argument 'reports'/);
  expect(await accepts(['sweep', 'x.yaml', '--param', 'nope=1'])).toMatch(/unknown param "nope"/);
});

interface Container {
  readonly command?: string[];
  readonly args?: string[];
}
interface JobDoc {
  readonly spec: { readonly completions?: number; readonly completionMode?: string; readonly template: { readonly spec: { readonly containers: Container[] } } };
}

test('docs/examples/k8s-fuzz-job.yaml: an Indexed Job of shards and a merge Job, every command line valid and the merge expecting every shard', async () => {
  const docs = parseAllDocuments(readFileSync('docs/examples/k8s-fuzz-job.yaml', 'utf8'));
  expect(docs.map((d) => d.errors)).toEqual([[], []]);
  const [shards, merge] = docs.map((d) => d.toJS() as JobDoc) as [JobDoc, JobDoc];
  const argvOf = (job: JobDoc): string[] => {
    const [c] = job.spec.template.spec.containers;
    expect(c?.command).toEqual(['epochsim']);
    return c?.args ?? [];
  };
  const n = shards.spec.completions as number;
  expect(shards.spec.completionMode).toBe('Indexed');
  const fuzz = argvOf(shards);
  expect(fuzz.slice(0, 1)).toEqual(['fuzz']);
  expect(flag(fuzz, '--shard')).toBe('auto');
  expect(flag(fuzz, '--shards')).toBe(String(n));
  const reports: string[] = [];
  for (let i = 0; i < n; i++) {
    // Kubernetes puts the pod's index in for $(JOB_COMPLETION_INDEX)
    const argv = fuzz.map((a) => a.replaceAll('$(JOB_COMPLETION_INDEX)', String(i)));
    expect(await accepts(argv)).toBeUndefined();
    reports.push(flag(argv, '--report') as string);
  }
  const m = argvOf(merge);
  expect(await accepts(m)).toBeUndefined();
  expect(m.slice(0, 2)).toEqual(['fuzz', 'merge']);
  expect(m.slice(2, 2 + n)).toEqual(reports);
});

test('docs/examples/github-fuzz.yml: a matrix of shard jobs and a merge job, every command line valid and the merge expecting every shard', async () => {
  const doc = parseAllDocuments(readFileSync('docs/examples/github-fuzz.yml', 'utf8'));
  expect(doc.map((d) => d.errors)).toEqual([[]]);
  interface Step {
    readonly run?: string;
  }
  const wf = doc[0]?.toJS() as { jobs: { shard: { strategy: { matrix: { shard: number[] } }; steps: Step[] }; merge: { needs: string; if: string; steps: Step[] } } };
  const epochsimLines = (steps: Step[]): string[] => steps.flatMap((s) => (s.run ?? '').split('\n')).filter((l) => l.startsWith('bin/epochsim '));
  const matrix = wf.jobs.shard.strategy.matrix.shard;
  expect(matrix).toEqual([0, 1, 2, 3]);
  const [fuzzLine] = epochsimLines(wf.jobs.shard.steps);
  expect(fuzzLine).toBeDefined();
  const reports: string[] = [];
  const seeds = new Set<string>();
  for (const shard of matrix) {
    const line = (fuzzLine as string).replaceAll('${{ matrix.shard }}', String(shard)).replaceAll('${{ github.run_number }}', '17');
    expect(line).not.toContain('${{');
    const argv = words(line).slice(1);
    expect(await accepts(argv)).toBeUndefined();
    expect(flag(argv, '--shard')).toBe(`${shard}/${matrix.length}`);
    seeds.add(flag(argv, '--seed') as string);
    reports.push(`shards/${flag(argv, '--report') as string}`);
  }
  expect([...seeds]).toEqual(['17']);
  expect(wf.jobs.merge.needs).toBe('shard');
  expect(wf.jobs.merge.if).toBe('${{ !cancelled() }}');
  const [mergeLine] = epochsimLines(wf.jobs.merge.steps);
  const m = words(mergeLine as string).slice(1);
  expect(await accepts(m)).toBeUndefined();
  expect(m.slice(0, 2)).toEqual(['fuzz', 'merge']);
  expect(m.slice(2, 2 + matrix.length)).toEqual(reports);
});

test('campaigns.md: the Slurm and GNU parallel command lines are valid', async () => {
  const page = readFileSync('docs/how-to/campaigns.md', 'utf8');
  const lines = [...page.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((b) => (b[1] as string).split('\n'));
  const commands = lines
    .map((l) => l.replace(/^parallel /, ''))
    .filter((l) => l.startsWith('bin/epochsim '))
    .map((l) => l.replace(/ :::.*$/, '').replaceAll('$SLURM_ARRAY_TASK_ID', '2').replaceAll('{}', '2'));
  expect(commands).toHaveLength(4);
  for (const line of commands) expect(await accepts(words(line).slice(1))).toBeUndefined();
});

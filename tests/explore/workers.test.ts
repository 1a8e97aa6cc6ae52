/**
 * `explore --workers W` through real worker threads: the built CLI (bin/epochsim → dist/,
 * whose `explore --workers W` with W > 1 starts dist/cli/exploreWorker.js W times) prints the
 * same bytes on stdout and writes the same scenarios as one thread; Ctrl-C stops the workers
 * and prints the report so far (exit 130). Under ts-jest there is no dist/cli/exploreWorker.js
 * next to the source, so only the built CLI can do this.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { BIN, runBuilt, type BuiltOutcome } from '../cli/built.js';
const WORKER = resolve('dist/cli/exploreWorker.js');

const explore = (args: readonly string[]): Promise<BuiltOutcome> => runBuilt('explore', args);

const TIMING = /^explore: [0-9,]+ states in [0-9.]+ s \([0-9,—]+ states\/s\)\n$/;

beforeAll(() => {
  if (!existsSync(WORKER)) throw new Error(`${WORKER} is missing: build first (npm run build; npm ci does it through prepare)`);
});

describe('explore --workers through real worker threads', () => {
  it('gives the one-thread bytes and files with 2 and 3 workers: counts, first counterexamples, reports', async () => {
    // three kinds of failure (two rulesets and a planted-free differential search besides)
    const args = ['--rules', 'fees-kept,pr-1000,deferred', '--depth', '4', '--strict'];
    const one = await explore([...args, '--workers', '1']);
    expect(one.code).toBe(1);
    expect(one.stderr).toMatch(TIMING);
    expect(one.stdout).toContain('\n✗ fees-kept · divergence:fees_kept · depth 3\n');
    expect(one.stdout).toContain('\n✗ pr-1000 · divergence:payout_trapped · depth 3\n');
    expect(Object.keys(one.files)).toEqual(['fees-kept-divergence-fees_kept.yaml', 'pr-1000-divergence-payout_trapped.yaml']);
    for (const workers of ['2', '3']) {
      const many = await explore([...args, '--workers', workers]);
      expect(many.stderr).toMatch(TIMING);
      expect(many.code).toBe(1);
      expect(many.stdout).toBe(one.stdout);
      expect(many.files).toEqual(one.files);
    }
  }, 240_000);

  it('--max-states with 2 workers stops where one thread stops: the same report, the same files', async () => {
    const args = ['--rules', 'pr-1000,deferred', '--depth', '6', '--max-states', '3000', '--strict'];
    const one = await explore([...args, '--workers', '1']);
    const two = await explore([...args, '--workers', '2']);
    expect(one.code).toBe(1);
    expect(one.stdout).toContain('\npr-1000: 3,000 states, ');
    expect(one.stdout).toContain(', stopped at --max-states 3,000 during depth 5: every path of up to 4 events\n');
    expect(Object.keys(one.files)).toEqual(['pr-1000-divergence-payout_trapped.yaml']);
    expect([two.code, two.stdout, two.files]).toEqual([one.code, one.stdout, one.files]);
  }, 120_000);

  it('Ctrl-C with 2 workers stops them and prints the report so far (exit 130)', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'epochsim-explore-'));
    try {
      // far more than finishes before the interrupt
      const child = spawn(process.execPath, [BIN, 'explore', '--depth', '12', '--workers', '2'], { cwd });
      let stdout = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      const closed = new Promise<number | null>((done) => child.on('close', (c) => done(c)));
      // the header is printed once the interrupt is taken care of: then interrupt
      await new Promise<void>((done) => {
        const poll = setInterval(() => {
          if (stdout.includes('symmetry:')) {
            clearInterval(poll);
            setTimeout(done, 300);
          }
        }, 20);
      });
      child.kill('SIGINT');
      expect(await closed).toBe(130);
      expect(stdout).toMatch(/\ndeferred: [0-9,]+ states, [0-9,]+ transitions \([0-9,]+ failed\), interrupted \(Ctrl-C\) during depth [0-9]+: every path of up to [0-9]+ events?\n/);
      expect(stdout.endsWith('\ninterrupted (Ctrl-C): the report of the 1 search done\nno failures in 1 search\n')).toBe(true);
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  }, 60_000);
});

/**
 * `--workers W` through real worker threads: the built CLI (bin/epochsim → dist/, whose
 * `fuzz --workers W` with W > 1 starts dist/cli/fuzzWorker.js in W worker_threads) gives the
 * same failures, seeds, shrunk files and summary numbers as one thread. The in-process tests
 * cannot do this: under ts-jest there is no dist/cli/fuzzWorker.js next to the source.
 *
 * Nothing here depends on timing: each process runs to its end, and the only line that may
 * differ (`… in X s (Y runs/s)`) is compared with its figures masked.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { runBuilt, type BuiltOutcome } from '../cli/built.js';

const WORKER = resolve('dist/cli/fuzzWorker.js');

const fuzz = (args: readonly string[]): Promise<BuiltOutcome> => runBuilt('fuzz', args);

/** The timing figures of the summary masked; every other byte must match. */
const untimed = (stdout: string): string => stdout.replace(/ in [0-9.]+ s \([0-9,—]+ runs\/s\)$/m, ' in T s (R runs/s)');

// pr-1000 --strict finds three kinds of failure in runs 0, 1 and 101 (so in both workers),
// deferred and immediate add the clean runs and the differential count to the summary
const CAMPAIGN = ['--rules', 'deferred,immediate,pr-1000', '--seed', '1', '--runs', '150', '--strict'];

beforeAll(() => {
  if (!existsSync(WORKER)) throw new Error(`${WORKER} is missing: build first (npm run build; npm ci does it through prepare)`);
});

describe('fuzz --workers through real worker threads', () => {
  it('--workers 2 gives the one-thread result: same failures, seeds, shrunk files and summary numbers', async () => {
    const one = await fuzz([...CAMPAIGN, '--workers', '1']);
    const two = await fuzz([...CAMPAIGN, '--workers', '2']);
    expect(one.stderr).toBe('');
    expect(two.stderr).toBe('');
    expect(one.code).toBe(1);
    expect(two.code).toBe(1);
    // the campaign really found failures in both workers' runs, so the merge is exercised
    expect(one.stdout).toContain('✗ run 0 · seed 1 · pr-1000 · divergence:prune_remainder\n');
    expect(one.stdout).toContain('✗ run 3 · seed 4 · pr-1000 · divergence:work_coins_stranded\n');
    expect(one.stdout).toContain('✗ run 13 · seed 14 · pr-1000 · divergence:payout_trapped\n');
    expect(one.stdout).toMatch(/\n150 runs, 450 replays in /);
    expect(Object.keys(one.files)).toHaveLength(3);
    expect(untimed(two.stdout)).toBe(untimed(one.stdout));
    expect(two.files).toEqual(one.files);
  }, 120_000);

  it('--workers 3 on a shard gives what one thread gives on that shard', async () => {
    const args = [...CAMPAIGN, '--shard', '1/2'];
    const one = await fuzz([...args, '--workers', '1']);
    const three = await fuzz([...args, '--workers', '3']);
    expect(one.stderr).toBe('');
    expect(three.stderr).toBe('');
    expect(three.code).toBe(one.code);
    expect(one.stdout).toMatch(/\n75 runs, 225 replays in /);
    expect(untimed(three.stdout)).toBe(untimed(one.stdout));
    expect(three.files).toEqual(one.files);
  }, 120_000);
});

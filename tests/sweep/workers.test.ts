/**
 * `sweep --workers W` through real worker threads: the built CLI (bin/epochsim → dist/, which
 * starts dist/cli/sweepWorker.js) prints the same bytes with 1, 2 and 3 workers, in every format,
 * failing points included. The in-process tests cannot: under ts-jest there is no worker file.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

const BIN = resolve('bin/epochsim');

function sweep(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [BIN, 'sweep', ...args], { maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      done({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout, stderr });
    });
  });
}

beforeAll(() => {
  if (!existsSync(resolve('dist/cli/sweepWorker.js'))) throw new Error('dist/cli/sweepWorker.js is missing: build first (npm run build)');
});

// 2 × 26 × 2 = 104 points, 52 of which fail (escrow.max_amount 5 gonka refuses the 6 gonka escrow)
const GRID = [
  'scenarios/05-punished-host-refund.yaml',
  '--param', 'escrow.max_amount=5gonka,6gonka',
  '--param', 'epoch_reward=0..2500gonka:100gonka',
  '--rules', 'deferred,v0.2.12',
  '--metric', 'bank.gov', '--metric', 'divergences.total', '--metric', 'settle_amounts.h1.reward_coins',
];

test.each([[[]], [['--csv']], [['--json']]])('--workers 2 and 3 print what one thread prints (%j)', async (format) => {
  const one = await sweep([...GRID, ...format, '--workers', '1']);
  expect(one.code).toBe(1);
  expect(one.stderr).toBe('');
  for (const workers of ['2', '3']) {
    const many = await sweep([...GRID, ...format, '--workers', workers]);
    expect(many).toEqual(one);
  }
  if (format[0] === '--json') {
    const doc = JSON.parse(one.stdout) as { points: { index: number; ok: boolean }[] };
    expect(doc.points.map((p) => p.index)).toEqual(Array.from({ length: 104 }, (_, i) => i));
    expect(doc.points.filter((p) => !p.ok)).toHaveLength(52);
  }
}, 120_000);

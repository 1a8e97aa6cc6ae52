/**
 * The README shows real output; these tests keep it true.
 */
import { readFileSync } from 'node:fs';
import { BAD_SCENARIO, runCli } from './cli/fakeIo.js';

const readme = readFileSync('README.md', 'utf8');

/** The first ```text block after `marker`. */
function blockAfter(marker: string): string {
  const start = readme.indexOf(marker);
  if (start < 0) throw new Error(`README has no "${marker}"`);
  const open = readme.indexOf('```text\n', start);
  const close = readme.indexOf('\n```', open + 8);
  return readme.slice(open + 8, close + 1);
}

test('the quick start is the first thing in the README', () => {
  expect(readme.split('\n').slice(2, 6)).toEqual([
    '```sh',
    'npm ci && bin/epochsim run scenarios/01-deferred-same-epoch.yaml',
    'npm test',
    '```',
  ]);
});

test('the sample report is what `run scenarios/03-cross-epoch-unclaimed.yaml` prints', async () => {
  const r = await runCli(['run', 'scenarios/03-cross-epoch-unclaimed.yaml']);
  expect(r.code).toBe(0);
  expect(blockAfter('A real run')).toBe(r.stdout);
});

test('the sample input errors are what `run bad.yaml` prints', async () => {
  const bad = BAD_SCENARIO;
  const r = await runCli(['run', 'bad.yaml'], { files: { 'bad.yaml': bad } });
  expect(r.code).toBe(2);
  expect(blockAfter('nothing is printed to stdout')).toBe(`$ bin/epochsim run bad.yaml\n${r.stderr}`);
});

test('the JSON sample lines are what --json prints', async () => {
  const r = await runCli(['run', 'scenarios/01-deferred-same-epoch.yaml', '--json']);
  const j = JSON.parse(r.stdout) as Record<string, unknown[]>;
  const lines = blockAfter('## JSON output').split('\n').slice(1, 5);
  expect(lines).toEqual([j['bank'], j['epoch'], (j['steps'] as unknown[])[3], (j['transfers'] as unknown[])[0]].map((x) => JSON.stringify(x)));
});

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

/** Check's lines carry measured times; the README shows a real run, so times are compared as "N ms". */
const untimed = (text: string): string => text.replace(/( +)(?:<1|\d+) ms$/gm, ' N ms');

test('the sample check run is what `check scenarios/ --golden scenarios/expected --junit out.xml` prints', async () => {
  const files: Record<string, string> = {};
  const r = await runCli(['check', 'scenarios/', '--golden', 'scenarios/expected', '--junit', 'out.xml'], { files });
  expect(r.code).toBe(0);
  expect(untimed(blockAfter('## Regression testing: `check`'))).toBe(untimed(r.stdout));
  expect(Object.keys(files)).toEqual(['out.xml']);
});

test('the sample golden diff is what check prints after the fees of a recorded scenario change', async () => {
  const demo = (fees: string): string =>
    [
      'name: Fees are split across the slots',
      'params: { epoch_reward: 1000 gonka }',
      'accounts: { alice: 20 gonka }',
      'participants: { h1: { weight: 100 }, h2: { weight: 100 } }',
      'events:',
      '  - start_epoch',
      '  - create_escrow: { creator: alice, amount: 7 gonka, slots: [h1, h2] }',
      '  - settle_escrow:',
      '      escrow: 1',
      `      fees: ${fees}`,
      '      hosts: [{ slot: 0, cost: 0.1 gonka }, { slot: 1, cost: 0.2 gonka }]',
      '  - end_epoch',
      '  - start_epoch',
      '  - claim_reward: { participant: h1, epoch: 1 }',
      '',
    ].join('\n');
  const files: Record<string, string> = { 'demo/fees.yaml': demo('0.3 gonka') };
  expect((await runCli(['check', 'demo', '--golden', 'demo/expected', '--update'], { files })).code).toBe(0);
  files['demo/fees.yaml'] = demo('0.5 gonka');
  const r = await runCli(['check', 'demo', '--golden', 'demo/expected'], { files });
  expect(r.code).toBe(1);
  expect(untimed(blockAfter('after its golden was recorded'))).toBe(untimed(`$ bin/epochsim check demo --golden demo/expected\n${r.stdout}`));
});

test('the sample explanation is what `explain scenarios/03-cross-epoch-unclaimed.yaml --step 5` prints', async () => {
  const r = await runCli(['explain', 'scenarios/03-cross-epoch-unclaimed.yaml', '--step', '5']);
  expect(r.code).toBe(0);
  expect(blockAfter('## Learning the rules: `explain`')).toBe(`$ bin/epochsim explain scenarios/03-cross-epoch-unclaimed.yaml --step 5\n${r.stdout}`);
});

test('the sample comparison is what `compare scenarios/01-deferred-same-epoch.yaml` prints, less the marked cut', async () => {
  const r = await runCli(['compare', 'scenarios/01-deferred-same-epoch.yaml']);
  expect(r.code).toBe(0);
  const shown = blockAfter('## Comparing rulesets: `compare`').split('\n');
  const cut = shown.findIndex((line) => line.startsWith('[… '));
  expect(cut).toBeGreaterThan(0);
  const printed = `$ bin/epochsim compare scenarios/01-deferred-same-epoch.yaml\n${r.stdout}`;
  expect(printed.startsWith(shown.slice(0, cut).join('\n'))).toBe(true);
  expect(printed.endsWith(shown.slice(cut + 1).join('\n'))).toBe(true);
  const json = JSON.parse((await runCli(['compare', 'scenarios/01-deferred-same-epoch.yaml', '--json'])).stdout) as Record<string, unknown>;
  const lines = blockAfter('With `--json` the output is').split('\n').slice(1, 3);
  expect(lines).toEqual([JSON.stringify(json['rules']), JSON.stringify(json['first_divergence'])]);
});

test('the schema section names the file the scenarios point at', () => {
  expect(readme).toContain('`# yaml-language-server: $schema=./scenario.schema.json`');
});

test('the rulesets listing is what `epochsim rules` prints', async () => {
  const r = await runCli(['rules']);
  expect(r.code).toBe(0);
  expect(blockAfter('lists each ruleset with its chain version')).toBe(r.stdout);
});

test('the known-divergence excerpt is the end of `run scenarios/17-pr1000-trapped-payout.yaml`', async () => {
  const r = await runCli(['run', 'scenarios/17-pr1000-trapped-payout.yaml']);
  expect(r.code).toBe(0);
  const excerpt = blockAfter('The report lists them after the invariants');
  expect(excerpt.startsWith('Invariants\n')).toBe(true);
  expect(r.stdout.endsWith(excerpt)).toBe(true);
});

test('the chain-version explanation is what `explain scenarios/17-pr1000-trapped-payout.yaml --step 5` prints', async () => {
  const r = await runCli(['explain', 'scenarios/17-pr1000-trapped-payout.yaml', '--step', '5']);
  expect(r.code).toBe(0);
  expect(blockAfter('### Chain versions in `explain` and `compare`')).toBe(
    `$ bin/epochsim explain scenarios/17-pr1000-trapped-payout.yaml --step 5\n${r.stdout}`,
  );
});

test('the chain-version comparison excerpts are in what compare prints for scenario 20', async () => {
  const rules = 'v0.2.11,pr-1000,v0.2.12,newest,deferred';
  const r = await runCli(['compare', 'scenarios/20-one-story-six-versions.yaml', '--rules', rules]);
  expect(r.code).toBe(0);
  const excerpt = (marker: string): string => blockAfter(marker).replace(/^\$ .*\n/, '');
  expect(r.stdout).toContain(excerpt('lists each replay\'s known divergences'));
  expect(r.stdout).toContain(excerpt('when the final totals differ, the verdict names them'));
});

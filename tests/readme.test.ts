/**
 * The README is short and true: its first lines are the two commands that work on a fresh
 * machine, it fits in a few screens, and neither it nor the docs speak of things users do not
 * have. (Every command it shows is run by tests/docs/transcripts.test.ts.)
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const readme = readFileSync('README.md', 'utf8');

test('the quick start is the first thing in the README', () => {
  expect(readme.split('\n').slice(2, 6)).toEqual([
    '```sh',
    'npm ci && bin/epochsim run scenarios/01-deferred-same-epoch.yaml',
    'npm test',
    '```',
  ]);
});

test('the README fits in a few screens', () => {
  expect(readme.split('\n').length).toBeLessThanOrEqual(250);
});

function pages(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? pages(join(dir, e.name)) : e.name.endsWith('.md') ? [join(dir, e.name)] : []));
}

test("no page points users at documents they do not have, or speaks of the project's internals", () => {
  const INTERNAL = /\.\.\/shared|domain document|domain item|gonka-rules|Issue \d+ additions|other engineers/;
  const found = ['README.md', 'scenarios/README.md', ...pages('docs')].flatMap((page) =>
    readFileSync(page, 'utf8')
      .split('\n')
      .flatMap((line, i) => (INTERNAL.test(line) ? [`${page}:${i + 1}: ${line.trim()}`] : [])),
  );
  expect(found).toEqual([]);
});

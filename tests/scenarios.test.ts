/**
 * Every bundled scenario is a regression test: it must load, carry checkpoints, pass all of
 * them with no failed step or invariant, and replay to the same bytes twice.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { canonicalJson, runToJson } from '../src/engine/replay/json.js';
import { runScenario } from '../src/engine/replay/run.js';
import { loadScenario } from '../src/scenario/load.js';

const dir = join(process.cwd(), 'scenarios');
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.yaml'))
  .sort();

test('there are at least 10 bundled scenarios, numbered in reading order', () => {
  expect(files.length).toBeGreaterThanOrEqual(10);
  files.forEach((f, i) => expect(f.startsWith(String(i + 1).padStart(2, '0'))).toBe(true));
});

test('scenarios/README.md has one line for each scenario', () => {
  const readme = readFileSync(join(dir, 'README.md'), 'utf8');
  for (const f of files) expect(readme).toContain(`\`${f}\``);
});

describe.each(files)('%s', (file) => {
  const text = readFileSync(join(dir, file), 'utf8');
  const loaded = loadScenario(text, `scenarios/${file}`);

  test('loads without input errors and has a description', () => {
    expect(loaded.ok ? [] : loaded.issues).toEqual([]);
    if (loaded.ok) expect(loaded.scenario.description?.length ?? 0).toBeGreaterThan(20);
  });

  test('passes its own checkpoints, steps and invariants', () => {
    if (!loaded.ok) throw new Error('invalid scenario');
    const run = runScenario(loaded.scenario);
    expect(run.checks.length).toBeGreaterThan(0);
    expect(run.checks.filter((c) => !c.ok)).toEqual([]);
    expect(run.steps.filter((s) => s.problem !== undefined)).toEqual([]);
    expect(run.violations).toEqual([]);
    // 0 under deferred and immediate; under a chain version, exactly its known divergences.
    expect(run.surplus).toBe(run.divergences.reduce((sum, d) => sum + d.amount, 0n));
    expect(run.ok).toBe(true);
  });

  test('replays to the same bytes twice', () => {
    if (!loaded.ok) throw new Error('invalid scenario');
    const again = loadScenario(text, `scenarios/${file}`);
    if (!again.ok) throw new Error('invalid scenario');
    expect(canonicalJson(runToJson(runScenario(again.scenario)))).toBe(canonicalJson(runToJson(runScenario(loaded.scenario))));
  });
});

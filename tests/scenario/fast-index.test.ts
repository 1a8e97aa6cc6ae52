/**
 * The fast path's positions against the positioned path's, question by question: for every valid
 * bundled scenario and fixture, every path into the file's value (and one step past each), the
 * fast index and the `yaml` package's index give the same valueLoc, keyLoc, keysInOrder and
 * description of the value (what a message shows after "found").
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fastParse, jsYamlParse } from '../../src/scenario/fast.js';
import { scanSubset } from '../../src/scenario/subset.js';
import { yamlPackage, YamlIndex, type SourceIndex } from '../../src/scenario/source.js';
import { paths, valueAt } from './paths.js';

const root = process.cwd();
const yamlIn = (dir: string): string[] =>
  readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? yamlIn(join(dir, e.name)) : e.name.endsWith('.yaml') ? [join(dir, e.name)] : [],
  );

function positioned(text: string): SourceIndex {
  const { LineCounter, parseDocument } = yamlPackage();
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  return new YamlIndex(doc, lines);
}

function compareIndexes(text: string, read: typeof fastParse): number {
  const parsed = read(text);
  if (parsed === undefined) return 0;
  const slow = positioned(text);
  const all = paths(parsed.value);
  for (const p of all) {
    const found = valueAt(parsed.value, p);
    const got = { path: p, valueLoc: parsed.index.valueLoc(p), keyLoc: parsed.index.keyLoc(p), keys: parsed.index.keysInOrder(p), found: parsed.index.describe(p, found) };
    const want = { path: p, valueLoc: slow.valueLoc(p), keyLoc: slow.keyLoc(p), keys: slow.keysInOrder(p), found: slow.describe(p, found) };
    expect(got).toEqual(want);
  }
  return all.length;
}

const files = [...yamlIn('scenarios'), ...yamlIn('tests/fixtures')].filter((f) => fastParse(readFileSync(join(root, f), 'utf8')) !== undefined);

describe('fast index', () => {
  test('finds the files', () => {
    expect(files.length).toBeGreaterThanOrEqual(20);
  });

  // each reader on its own: the subset scanner (which takes some of the files) and js-yaml (all)
  test.each(files)('%s: every position as the positioned path gives it', (f) => {
    const text = readFileSync(join(root, f), 'utf8');
    compareIndexes(text, scanSubset);
    expect(compareIndexes(text, jsYamlParse)).toBeGreaterThan(0);
  });
});

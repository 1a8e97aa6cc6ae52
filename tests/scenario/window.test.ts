/**
 * A syntax error in a big file is read in a window around it (window.ts): the errors it gives
 * are the whole file's, for the broken entry. Checked on generated scenarios with one broken
 * character, against the positioned parse of the whole file.
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { jsYamlParse } from '../../src/scenario/fast.js';
import { loadScenario } from '../../src/scenario/load.js';
import { syntaxErrorsNear, WINDOWED_FROM } from '../../src/scenario/window.js';

/** A generated scenario of 200 events over 30 participants, as the benchmark writes them. */
const bench = spawnSync(process.execPath, [resolve('bench/gen-yaml.js'), '200', '30'], { encoding: 'utf8' }).stdout;

/** A small deterministic generator (mulberry32). */
function rng(seed: number): (n: number) => number {
  let a = seed >>> 0;
  return (n) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
}

const messages = (r: ReturnType<typeof loadScenario>): string[] => (r.ok ? [] : r.issues.map((i) => `${i.line}:${i.col} ${i.message}`));

describe('syntax errors of big files, in a window', () => {
  test('from 1 MiB', () => {
    expect(WINDOWED_FROM).toBe(1 << 20);
  });

  test('one broken character anywhere: the errors the whole file gets, as far as the window reaches', () => {
    const next = rng(Number(process.env.WINDOW_SEED ?? 7));
    let windowed = 0;
    for (let n = 0; n < 300; n++) {
      const at = bench.indexOf('\n  - ', next(bench.length)) + 3 + next(40);
      const ch = '[]{}:,"\'&*!|>#-? \n'[next(19)] as string;
      const text = bench.slice(0, at) + ch + bench.slice(next(2) === 0 ? at : at + 1);
      let syntaxAt: number | undefined;
      if (jsYamlParse(text, { syntaxError: (p) => (syntaxAt = p) }) !== undefined || syntaxAt === undefined) continue;
      const whole = messages(loadScenario(text, 'x.yaml', { fast: false }));
      if (whole.length === 0 || syntaxErrorsNear(text, syntaxAt) === undefined) continue;
      const window = messages(loadScenario(text, 'x.yaml', { windowedFrom: 0 }));
      windowed++;
      // the errors the whole file gets, as far as the window reaches (past a broken entry the
      // whole file's parse may list every later token of the file as one more error)
      expect({ text: text.slice(at - 80, at + 80), window }).toEqual({ text: text.slice(at - 80, at + 80), window: whole.slice(0, window.length) });
    }
    expect(windowed).toBeGreaterThan(50);
  });

  test('a file without sections, or an error on a top-level line, is read whole', () => {
    expect(syntaxErrorsNear('a: [1\n', 3)).toBeUndefined();
    expect(syntaxErrorsNear('name: x\nevents: [1\nb: 2\n', 16)).toBeUndefined();
  });
});

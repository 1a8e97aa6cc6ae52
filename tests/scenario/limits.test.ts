/**
 * The loader's limits (limits.ts): nesting, the length of a value and of a key, the entries of a
 * list or map, and text that is not Unicode. Each passed limit is one located error naming the
 * limit; the fast readers and the positioned path report the same.
 */
import { loadScenario } from '../../src/scenario/load.js';
import { MAX_ENTRIES, MAX_KEY, MAX_NESTING, MAX_TEXT, NESTING_MESSAGE } from '../../src/scenario/limits.js';

const HEAD = 'name: t\naccounts:\n  alice: 20 gonka\nparticipants:\n  h1: { weight: 100 }\n';

/** `line:col message` of every issue; both paths must agree (unless `fastOnly`: a file too big for the slow one in a test). */
function problems(text: string, fastOnly = false): string[] {
  const r = loadScenario(text, 'x.yaml');
  if (!fastOnly) expect(loadScenario(text, 'x.yaml', { fast: false })).toEqual(r);
  return r.ok ? [] : r.issues.map((i) => `${i.line}:${i.col} ${i.message}`);
}

describe('limits', () => {
  test('the limits', () => {
    expect([MAX_NESTING, MAX_TEXT, MAX_KEY, MAX_ENTRIES]).toEqual([100, 65_536, 1024, 1_000_000]);
    expect(NESTING_MESSAGE).toBe('values nest more than 100 levels deep here (the limit is 100)');
  });

  // the top map, events, the item and expect are levels 1 to 4: 96 lists more reach level 100
  test.each([
    ['flow', (n: number) => `${HEAD}events:\n  - expect: { bank: ${'['.repeat(n)}${']'.repeat(n)} }\n`, 96],
    ['block', (n: number) => `${HEAD}events:\n  - expect:\n${Array.from({ length: n }, (_, i) => `${' '.repeat(6 + 2 * i)}k:`).join('\n')} 1\n`, 97],
  ])('nesting, %s: values 100 levels deep are read; at 101 levels that place is refused, and only that', (_, make, most) => {
    expect(problems(make(most)).some((p) => p.includes('nest'))).toBe(false);
    const deep = problems(make(most + 1));
    expect(deep).toHaveLength(1);
    expect(deep[0]).toMatch(/^[0-9]+:[0-9]+ values nest more than 100 levels deep here \(the limit is 100\)$/);
  });

  test('nesting 10 000 and 1 000 000 levels deep: the same one error, not a stack overflow', () => {
    for (const text of [`${HEAD}events: ${'['.repeat(10_000)}${']'.repeat(10_000)}\n`, `${HEAD}events: ${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}\n`, `${HEAD}events:\n${Array.from({ length: 10_000 }, (_, i) => `${' '.repeat(2 + i)}- `).join('\n')}x\n`]) {
      const r = loadScenario(text, 'x.yaml');
      expect(r.ok ? [] : r.issues.map((i) => i.message)).toEqual([NESTING_MESSAGE]);
    }
  });

  test('a value of 65 536 characters is read; one more is refused where it is written, quoting none of it', () => {
    expect(problems(`${HEAD}description: ${'d'.repeat(MAX_TEXT)}\nevents: []\n`)).toEqual([]);
    expect(problems(`${HEAD}description: ${'d'.repeat(MAX_TEXT + 1)}\nevents: []\n`)).toEqual(['6:14 this value has 65537 characters (the limit is 65536)']);
    expect(problems(`${HEAD}events:\n  - transfer: { from: alice, to: h1, amount: "${'9'.repeat(200_000)}" }\n`)).toEqual([
      '7:46 this value has 200000 characters (the limit is 65536)',
    ]);
  });

  test('a key of more than 1024 characters is refused', () => {
    const key = 'k'.repeat(MAX_KEY + 1);
    expect(problems(`${HEAD}events:\n  - expect: { bank: { "${key}": 1 } }\n`)).toEqual(['7:23 this key has 1025 characters (the limit is 1024)']);
  });

  test('a list of more than 1 000 000 items is refused where it starts', () => {
    const many = `${HEAD}events:\n  - start_epoch: { active: [${'h1,'.repeat(MAX_ENTRIES)}h1] }\n`;
    expect(problems(many, true)).toEqual(['7:28 start_epoch.active has 1000001 items (the limit is 1000000)']);
  });

  test('text that is not Unicode (a lone surrogate, only writable as an escape) is refused; a pair is text', () => {
    expect(problems(`${HEAD}description: "smile \\ud83d\\ude00"\nevents: []\n`)).toEqual([]);
    expect(problems(`${HEAD}description: "half \\ud83d"\nevents: []\n`)).toEqual([
      '6:14 this value holds a lone UTF-16 surrogate (written as an escape such as "\\ud800"), which is not a character',
    ]);
  });

  test('an integer of megabytes of digits is read as text, and refused at once by the field', () => {
    const text = `${HEAD}events:\n  - transfer: { from: alice, to: h1, amount: ${'9'.repeat(60_000)} }\n  - claim_reward: { participant: h1, epoch: ${'9'.repeat(60_000)} }\n`;
    expect(problems(text)).toEqual([
      `7:46 transfer.amount: amount too long: "${'9'.repeat(57)}..." has 60000 characters (an amount has at most 100)`,
      `8:45 claim_reward.epoch must be at most 18446744073709551615 (uint64), found ${'9'.repeat(57)}...`,
    ]);
  });
});

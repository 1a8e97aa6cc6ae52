/**
 * bench/where.js says where the replay's time goes by adding up a CPU profile's samples by the
 * nearest function it knows (bench/profile.js). Checked on a hand-made profile: each sample lands
 * on its label with its own time, a function V8 inlined away (the replay loop compiled into the
 * bench's caller) still counts as the loop, and what is outside the replay stays outside.
 */
import { resolve } from 'node:path';

type Untyped = any;
const { attribute, floorClassifier, replayClassifier }: Untyped = await import(resolve('bench/profile.js'));

const frame = (functionName: string) => ({ functionName, url: '', lineNumber: 0, columnNumber: 0, scriptId: '0' });
const profile = {
  nodes: [
    { id: 1, callFrame: frame('(root)'), children: [2, 8, 9, 11] },
    { id: 2, callFrame: frame('runScenario'), children: [3, 6] },
    { id: 3, callFrame: frame('applyEvent'), children: [4] },
    { id: 4, callFrame: frame('settleEscrow'), children: [5] },
    { id: 5, callFrame: frame('vecGet'), children: [] },
    { id: 6, callFrame: frame('checkStep'), children: [7] },
    { id: 7, callFrame: frame('vecGet'), children: [] },
    { id: 8, callFrame: frame('(garbage collector)'), children: [] },
    { id: 9, callFrame: frame('replayOnce'), children: [10] },
    { id: 10, callFrame: frame('advance'), children: [] },
    { id: 11, callFrame: frame('(program)'), children: [] },
  ],
  samples: [5, 5, 7, 8, 10, 11, 3, 9, 4],
  timeDeltas: [100, 200, 300, 400, 50, 60, 70, 80, 90],
};

describe('attribute', () => {
  it('adds each sample to the label of its stack, by its own time', () => {
    const totals = attribute(profile, replayClassifier(new Map([['settleEscrow', 'settle_escrow']]), 'replayOnce'));
    expect(Object.fromEntries(totals)).toEqual({
      settle_escrow: 100 + 200 + 90,
      invariants: 300 + 50,
      'garbage collection': 400,
      outside: 60,
      transaction: 70 + 80,
    });
  });

  it('without the caller named, the inlined loop is outside; a floor counts only its own function', () => {
    expect(attribute(profile, replayClassifier(new Map(), undefined)).get('outside')).toBe(60 + 80);
    expect(Object.fromEntries(attribute(profile, floorClassifier('runScenario')))).toEqual({
      floor: 100 + 200 + 300 + 70 + 90,
      'garbage collection': 400,
      outside: 50 + 60 + 80,
    });
  });
});

/**
 * --strict-units: every amount must carry its unit (zero aside); the other numbers of a file
 * (weights, epochs, ids, slots, counts) are not amounts and are left alone.
 */
import { loadScenario } from '../../src/scenario/load.js';
import { runCli } from '../cli/fakeIo.js';

const FILE = [
  'name: units',
  'accounts: { alice: 20, bob: 3 gonka, carol: 0 }',
  'participants: { h1: { weight: 100, balance: 7_000 }, h2: { weight: 100 } }',
  'params: { epoch_reward: 1000 gonka, escrow: { min_amount: 5, max_amount: 10GNK } }',
  'events:',
  '  - start_epoch',
  '  - create_escrow: { creator: bob, amount: 1 gonka, slots: [h1, h2] }',
  '  - settle_escrow: { escrow: 1, fees: 1, hosts: [{ slot: 0, cost: 2 ngonka }, { slot: 1, cost: 3 }] }',
  '  - expect: { bank: { alice: 20 ngonka }, participants: { h1: { coin_balance: -4 } } }',
].join('\n');

const issuesOf = (fast: boolean): string[] => {
  const r = loadScenario(FILE, 'u.yaml', { fast, strictUnits: true });
  return r.ok ? [] : r.issues.map((i) => `${i.line}:${i.col} ${i.code} ${i.message} | ${i.hint ?? ''}`);
};

test.each([true, false])('each unit-less amount is reported where it is written, in order (fast readers: %s)', (fast) => {
  expect(issuesOf(fast)).toEqual([
    '2:20 UNITLESS_AMOUNT amount 20 has no unit (--strict-units): it reads as 20 ngonka = 0.00000002 gonka | write "20 ngonka", or "20 gonka" if gonka was meant',
    '3:45 UNITLESS_AMOUNT amount 7_000 has no unit (--strict-units): it reads as 7_000 ngonka = 0.000007 gonka | write "7_000 ngonka", or "7_000 gonka" if gonka was meant',
    '4:59 UNITLESS_AMOUNT amount 5 has no unit (--strict-units): it reads as 5 ngonka = 0.000000005 gonka | write "5 ngonka", or "5 gonka" if gonka was meant',
    '8:39 UNITLESS_AMOUNT amount 1 has no unit (--strict-units): it reads as 1 ngonka = 0.000000001 gonka | write "1 ngonka", or "1 gonka" if gonka was meant',
    '8:96 UNITLESS_AMOUNT amount 3 has no unit (--strict-units): it reads as 3 ngonka = 0.000000003 gonka | write "3 ngonka", or "3 gonka" if gonka was meant',
    '9:79 UNITLESS_AMOUNT amount -4 has no unit (--strict-units): it reads as -4 ngonka | write "-4 ngonka", or "-4 gonka" if gonka was meant',
  ]);
});

test('without --strict-units the same file loads: a unit-less amount is ngonka', () => {
  const r = loadScenario(FILE, 'u.yaml');
  expect(r.ok).toBe(true);
  expect(r.ok && r.scenario.accounts).toEqual([
    { name: 'alice', balance: 20n },
    { name: 'bob', balance: 3_000_000_000n },
    { name: 'carol', balance: 0n },
  ]);
});

test('run --strict-units: exit 2, every unit-less amount on stderr, nothing on stdout', async () => {
  const r = await runCli(['run', 'fees.yaml', '--strict-units'], {
    files: {
      'fees.yaml': [
        'name: fees',
        'accounts: { alice: 10 gonka }',
        'participants: { h1: { weight: 1 } }',
        'events:',
        '  - start_epoch',
        '  - create_escrow: { creator: alice, amount: 5 gonka, slots: [h1] }',
        '  - settle_escrow: { escrow: 1, fees: 1, hosts: [{ slot: 0, cost: 2 gonka }] }',
      ].join('\n'),
    },
  });
  expect(r).toMatchObject({ code: 2, stdout: '' });
  expect(r.stderr).toBe(
    [
      'fees.yaml:7:39: error: amount 1 has no unit (--strict-units): it reads as 1 ngonka = 0.000000001 gonka',
      '  7 |   - settle_escrow: { escrow: 1, fees: 1, hosts: [{ slot: 0, cost: 2 gonka }] }',
      '    |                                       ^',
      '  hint: write "1 ngonka", or "1 gonka" if gonka was meant',
      '1 error in fees.yaml; nothing was run',
      '',
    ].join('\n'),
  );
});

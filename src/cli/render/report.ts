/**
 * The human report of `epochsim run`: a pure function from a run to text; colour is a parameter.
 */
import { formatGonka, groupDigits } from '../../domain/money.js';
import { balanceOf, endedEpochs } from '../../engine/storage/queries.js';
import { vecForEach } from '../../engine/storage/pvec.js';
import type { Effect, LedgerReason, SettleOp } from '../../engine/effects.js';
import type { RunResult, StepRecord } from '../../engine/replay/run.js';
import { supplyOf } from '../../engine/replay/invariants.js';
import type { Palette } from '../palette.js';
import { byCodeUnit } from '../../domain/order.js';
import { plural } from './layout.js';
import { renderTable } from './table.js';

const ngonka = (n: bigint): string => groupDigits(n);
const gonka = (n: bigint): string => formatGonka(n);

const LEDGER_WHY: Readonly<Record<LedgerReason, (e: Extract<Effect, { kind: 'ledger' }>) => string>> = {
  settlement: (e) => `from escrow ${e.escrow ?? '?'}`,
  inference: (e) => `inference ${e.inference ?? '?'}`,
  work_share: (e) => `shares inference ${e.inference ?? '?'}`,
  invalidation: (e) => `inference ${e.inference ?? '?'} invalidated`,
  epoch_settled: (e) => `to the settle amount of epoch ${e.epoch ?? '?'}`,
  forfeited: (e) => `forfeited to governance (epoch ${e.epoch ?? '?'})`,
  stranded: (e) => `zeroed, left in the module (epoch ${e.epoch ?? '?'}, #1746)`,
  debt_recovered: () => 'debt recovered from the reward',
  debt_forgiven: () => 'debt forgiven',
};

const SETTLE_WHY: Readonly<Record<SettleOp, string>> = {
  written: 'settle amount written',
  added: 'added to the unclaimed settle amount',
  claimed: 'claimed',
  lost: 'deleted unpaid',
  replaced: 'replaced: the old one went to governance',
  overwritten: 'overwritten: the old one stays in the module',
  swept: 'expired: to governance',
};

const signed = (n: bigint): string => (n < 0n ? `−${gonka(-n)}` : `+${gonka(n)}`);

/**
 * One line for each movement of value of a step: a bank move as `from → to  amount  memo`, any
 * other as `who  bucket ±amount  why` (owed = coin_balance, claimable = the settle amount). The
 * earned_coins changes mirror the owed ones and are left to --json.
 */
export function effectLine(e: Effect): string | undefined {
  switch (e.kind) {
    case 'bank':
      return `${e.from} → ${e.to}  ${gonka(e.amount)} gonka  ${e.memo}`;
    case 'ledger':
      return e.field === 'coin_balance' ? `${e.participant}  owed ${signed(e.delta)} gonka  ${LEDGER_WHY[e.reason](e)}` : undefined;
    case 'settle': {
      const amount = e.work + e.reward;
      const gain = e.op === 'written' || e.op === 'added';
      const of = e.op === 'added' ? ` of epoch ${e.epoch}` : e.op === 'written' ? ` (epoch ${e.epoch}: work ${gonka(e.work)} + reward ${gonka(e.reward)})` : ` (epoch ${e.epoch})`;
      return `${e.participant}  claimable ${signed(gain ? amount : -amount)} gonka  ${SETTLE_WHY[e.op]}${of}`;
    }
    case 'escrow':
      return `${e.creator}  escrowed ${signed(e.op === 'locked' ? e.amount : -e.amount)} gonka  escrow ${e.escrow} ${e.op}`;
    case 'inference_escrow':
      return `${e.requester}  escrowed ${signed(e.op === 'held' ? e.amount : -e.amount)} gonka  inference ${e.inference} ${e.op}`;
    case 'vesting':
      return `${e.participant}  vesting ${signed(e.op === 'scheduled' ? e.amount : -e.amount)} gonka  ${e.op === 'scheduled' ? 'claimed into vesting' : 'unlocked'}`;
  }
}

function stepLine(step: StepRecord, p: Palette): string {
  const where = `${String(step.index).padStart(3)}  line ${String(step.line).padEnd(4)} ${step.event.padEnd(20)}`;
  let what: string;
  if (step.status === 'error') {
    what = step.problem ? p.red(`✗ failed: ${step.error}`) : p.yellow(`✓ failed as expected: ${step.error}`);
  } else if (step.result !== undefined) {
    what = `${step.problem ? p.red('✗') : p.green('✓')} result: ${step.result}`;
  } else {
    what = step.problem ? p.red('✗ succeeded') : p.green('✓');
  }
  const lines = [`${where} ${what}`];
  if (step.problem) lines.push(`${' '.repeat(5)}${p.red(step.problem)}`);
  for (const e of step.effects) {
    const line = effectLine(e);
    if (line !== undefined) lines.push(p.dim(`${' '.repeat(7)}${line}`));
  }
  return lines.join('\n');
}

/** The invariants after the whole run, one line each (✓ or the count of violations), then each violation. */
export function invariantLines(run: RunResult, p: Palette): string[] {
  const state = run.final;
  const out: string[] = [];
  const supplyTotal = supplyOf(state);
  const broken = (name: string): number => run.violations.filter((v) => v.invariant === name).length;
  const mark = (n: number): string => (n === 0 ? p.green('✓') : p.red(`✗ ${n} violation${n === 1 ? '' : 's'}`));
  out.push(`  supply   ${mark(broken('supply'))}  ${ngonka(supplyTotal)} ngonka (genesis ${gonka(state.genesisSupply)} + minted ${gonka(state.minted)} − burned ${gonka(state.burned)} gonka)`);
  out.push(`  bounds   ${mark(broken('bounds'))}  every balance within [0, MaxInt64]`);
  out.push(`  surplus  ${mark(broken('surplus'))}  bank(inference) − obligations = ${ngonka(run.surplus)} ngonka`);
  if (run.world.vestingIndex >= 0) {
    out.push(`  vesting  ${mark(broken('vesting'))}  bank(streamvesting) = the vesting schedules, ${ngonka(run.totals.vesting)} ngonka`);
  }
  for (const v of run.violations) {
    out.push(`  ${p.red(`step ${v.step} (line ${v.line}, ${v.event}): ${v.invariant}: ${v.message}`)}`);
  }
  return out;
}

/** The full report: epoch, bank, participants, escrows, steps, checkpoints, invariants, verdict. */
export function renderRunReport(run: RunResult, file: string, p: Palette): string {
  const { world, final: state } = run;
  const out: string[] = [];
  out.push(p.bold(run.scenario));
  out.push(p.dim(`${file} · rules: ${run.rules}`));
  const ended = endedEpochs(state).join(', ') || 'none';
  out.push(
    `Effective epoch ${state.effectiveEpoch}${state.epochEnded ? ' (ended, next not started)' : ''} · epochs ended: ${ended}`,
  );

  out.push('', p.bold('Bank'));
  const accounts = [...world.accounts].sort(byCodeUnit);
  out.push(
    renderTable(
      ['account', 'ngonka', 'gonka'],
      accounts.map((name) => {
        const b = balanceOf(state, world, name);
        return [name, ngonka(b), gonka(b)];
      }),
      [1, 2],
    ),
  );

  out.push('', p.bold('Participants'));
  const claimed = new Map<string, bigint>();
  for (const t of run.transfers) {
    if (t.memo === `work_coins:${t.to}` || t.memo === `reward_coins:${t.to}`) {
      claimed.set(t.to, (claimed.get(t.to) ?? 0n) + t.amount);
    }
  }
  const rows: string[][] = [];
  vecForEach(state.participants, (q, index) => {
    const name = world.participants[index] as string;
    const settle = q.settle ? `${q.settle.epoch} / ${gonka(q.settle.workCoins)} / ${gonka(q.settle.rewardCoins)}` : '—';
    rows.push([name, q.status, gonka(q.coinBalance), gonka(q.earnedCoins), settle, gonka(claimed.get(name) ?? 0n)]);
  });
  out.push(
    renderTable(['name', 'status', 'owed (gonka)', 'earned this epoch', 'settle amount: epoch / work / reward', 'claimed'], rows, [2, 3, 5]),
  );

  if (state.escrows.size > 0) {
    out.push('', p.bold('Escrows'));
    const escrowRows: string[][] = [];
    vecForEach(state.escrows, (e) => {
      escrowRows.push([`#${e.id}`, e.creator, gonka(e.amount), String(e.epoch), e.slots.join(','), e.settled ? 'settled' : 'open']);
    });
    out.push(renderTable(['id', 'creator', 'gonka', 'epoch', 'slots', 'state'], escrowRows, [2, 3]));
  }

  out.push('', p.bold('Steps'));
  const checksByStep = new Map(run.checks.map((c) => [c.step, c]));
  const items = [...run.steps.map((s) => ({ index: s.index, step: s })), ...run.checks.map((c) => ({ index: c.step, step: undefined }))];
  items.sort((a, b) => a.index - b.index);
  for (const item of items) {
    if (item.step) {
      out.push(stepLine(item.step, p));
      continue;
    }
    const check = checksByStep.get(item.index);
    if (!check) continue;
    const where = `${String(check.step).padStart(3)}  line ${String(check.line).padEnd(4)} ${'expect'.padEnd(20)}`;
    if (check.ok) {
      out.push(`${where} ${p.green('✓ checkpoint holds')}`);
    } else {
      out.push(`${where} ${p.red(`✗ checkpoint failed (${check.failures.length} field${check.failures.length === 1 ? '' : 's'})`)}`);
      for (const f of check.failures) {
        out.push(`${' '.repeat(5)}${p.red(`${f.field}: expected ${f.expected}, actual ${f.actual}`)}`);
      }
    }
  }
  if (items.length === 0) out.push(p.dim('  (no events)'));

  out.push('', p.bold('Invariants'), ...invariantLines(run, p));

  const failedChecks = run.checks.filter((c) => !c.ok).length;
  const failedSteps = run.steps.filter((s) => s.problem !== undefined).length;
  out.push('');
  if (run.ok) {
    out.push(p.green(p.bold(`OK: ${plural(run.steps.length, 'event')}, ${plural(run.checks.length, 'checkpoint')}, invariants hold`)));
  } else {
    const parts = [
      failedSteps > 0 ? `${failedSteps} step${failedSteps === 1 ? '' : 's'} not as expected` : '',
      failedChecks > 0 ? `${failedChecks} checkpoint${failedChecks === 1 ? '' : 's'} failed` : '',
      run.violations.length > 0 ? `${run.violations.length} invariant violation${run.violations.length === 1 ? '' : 's'}` : '',
    ].filter((s) => s !== '');
    out.push(p.red(p.bold(`FAILED: ${parts.join(', ')}`)));
  }
  return `${out.join('\n')}\n`;
}

/**
 * The human report of `epochsim run`: a pure function from a run to text; colour is a parameter.
 */
import { formatGonka, groupDigits } from '../../domain/money.js';
import { balanceOf, endedEpochs } from '../../engine/queries.js';
import { vecForEach } from '../../engine/pvec.js';
import type { RunResult, StepRecord, TransferRecord } from '../../engine/run.js';
import type { Palette } from '../palette.js';
import { byCodeUnit } from '../../domain/order.js';
import { plural } from './layout.js';
import { renderTable } from './table.js';

const ngonka = (n: bigint): string => groupDigits(n);
const gonka = (n: bigint): string => formatGonka(n);

function stepLine(step: StepRecord, moves: readonly TransferRecord[], p: Palette): string {
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
  for (const t of moves) {
    lines.push(p.dim(`${' '.repeat(7)}${t.from} → ${t.to}  ${gonka(t.amount)} gonka  ${t.memo}`));
  }
  return lines.join('\n');
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
  const movesByStep = new Map<number, TransferRecord[]>();
  for (const t of run.transfers) {
    const list = movesByStep.get(t.step);
    if (list) list.push(t);
    else movesByStep.set(t.step, [t]);
  }
  const items = [...run.steps.map((s) => ({ index: s.index, step: s })), ...run.checks.map((c) => ({ index: c.step, step: undefined }))];
  items.sort((a, b) => a.index - b.index);
  for (const item of items) {
    if (item.step) {
      out.push(stepLine(item.step, movesByStep.get(item.index) ?? [], p));
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

  out.push('', p.bold('Invariants'));
  const failedChecks = run.checks.filter((c) => !c.ok).length;
  const supplyTotal = state.genesisSupply + state.minted - state.burned;
  const broken = (name: string): number => run.violations.filter((v) => v.invariant === name).length;
  const mark = (n: number): string => (n === 0 ? p.green('✓') : p.red(`✗ ${n} violation${n === 1 ? '' : 's'}`));
  out.push(`  supply   ${mark(broken('supply'))}  ${ngonka(supplyTotal)} ngonka (genesis ${gonka(state.genesisSupply)} + minted ${gonka(state.minted)} − burned ${gonka(state.burned)} gonka)`);
  out.push(`  bounds   ${mark(broken('bounds'))}  every balance within [0, MaxInt64]`);
  out.push(`  surplus  ${mark(broken('surplus'))}  bank(inference) − obligations = ${ngonka(run.surplus)} ngonka`);
  for (const v of run.violations) {
    out.push(`  ${p.red(`step ${v.step} (line ${v.line}, ${v.event}): ${v.invariant}: ${v.message}`)}`);
  }

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

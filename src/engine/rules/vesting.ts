/**
 * Vesting of claimed coins (x/streamvesting, the same at v0.2.11 bd1fd508, v0.2.12 d8b8e907 and
 * 8a35022b). With `work_vesting_period` or `reward_vesting_period` P > 0 a claim pays that part
 * into the vesting module instead of the participant (`PayParticipantFromModule` →
 * `AddVestedRewards`, memo `<memo>_vested`) and adds it to the participant's schedule: P equal
 * parts of floor(amount / P), the first also taking the remainder, added entry by entry onto the
 * schedule already there. At each epoch end, before the accounts are settled (module.go
 * onEndOfPoCValidationStage calls `AdvanceEpoch` first), every schedule's first entry is sent to
 * its participant (memo `vesting payment`) and dropped; a send that fails is only logged, and
 * that schedule waits a whole epoch. P = 0 pays liquid, as before.
 */
import { transferMutably } from '../storage/bank.js';
import type { TxContext } from './ruleset.js';
import { TxError } from '../errors.js';
import { participantIndexOf, updateParticipantMutably } from '../storage/ledger.js';
import { vecForEach } from '../storage/pvec.js';
import { INFERENCE_MODULE, NO_VESTING, VESTING_MODULE, type ChainState, type Mutable } from '../storage/state.js';

/**
 * Pays a claim's `amount` to `name` (memo `memo`): liquid when `period` is 0, else into the
 * vesting module and onto `name`'s schedule.
 */
export function payClaimMutably(draft: Mutable<ChainState>, ctx: TxContext, name: string, amount: bigint, memo: string, period: bigint): void {
  if (amount === 0n) return;
  if (period === 0n) {
    transferMutably(draft, ctx, INFERENCE_MODULE, name, amount, memo);
    return;
  }
  transferMutably(draft, ctx, INFERENCE_MODULE, VESTING_MODULE, amount, `${memo}_vested`);
  const epochs = Number(period);
  const share = amount / period;
  const remainder = amount % period;
  updateParticipantMutably(draft, participantIndexOf(ctx.world, name), (p) => {
    const schedule = p.vesting.length >= epochs ? [...p.vesting] : [...p.vesting, ...new Array<bigint>(epochs - p.vesting.length).fill(0n)];
    for (let i = 0; i < epochs; i++) schedule[i] = (schedule[i] as bigint) + share + (i === 0 ? remainder : 0n);
    p.vesting = Object.freeze(schedule);
  });
  if (ctx.record) ctx.effects.push({ kind: 'vesting', participant: name, op: 'scheduled', amount });
  if (ctx.trace) ctx.decisions.push({ kind: 'vested', name, amount, epochs, first: share + remainder, each: share });
}

/** `ProcessEpochUnlocks`: each schedule's first entry goes to its participant, in list order. */
export function unlockVestingMutably(draft: Mutable<ChainState>, ctx: TxContext): void {
  if (!ctx.world.accountIndex.has(VESTING_MODULE)) return;
  const due: number[] = [];
  vecForEach(draft.participants, (p, index) => {
    if (p.vesting.length > 0) due.push(index);
  });
  for (const index of due) {
    const name = ctx.world.participants[index] as string;
    updateParticipantMutably(draft, index, (p) => {
      const first = p.vesting[0] as bigint;
      if (first > 0n) {
        try {
          transferMutably(draft, ctx, VESTING_MODULE, name, first, 'vesting payment');
        } catch (error) {
          // Logged on chain; the entry stays, so this schedule shifts by one epoch.
          if (!(error instanceof TxError)) throw error;
          if (ctx.trace) ctx.decisions.push({ kind: 'vesting_unlock_failed', name, amount: first, error: error.message });
          return;
        }
      }
      if (ctx.record && first > 0n) ctx.effects.push({ kind: 'vesting', participant: name, op: 'unlocked', amount: first });
      p.vesting = p.vesting.length === 1 ? NO_VESTING : Object.freeze(p.vesting.slice(1));
    });
  }
}

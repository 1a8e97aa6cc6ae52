import { transferMutably } from '../../storage/bank.js';
import { TxError, txError } from '../../errors.js';
import { vecPush, vecSet } from '../../storage/pvec.js';
import { activeIndexIn, activeSetOf, escrowsCreatedIn } from '../../storage/queries.js';
import { INFERENCE_MODULE } from '../../storage/state.js';
import type { CaseReducer } from './types.js';

/**
 * MsgCreateSubnetEscrow: locks `amount` from the creator in the inference module for a devshard
 * of the effective epoch. Checks in the chain's order (format section 3 and 6a).
 */
export const createEscrow: CaseReducer<'create_escrow'> = (draft, event, ctx) => {
  const { escrow: limits } = ctx.params;
  const { creator, amount, slots } = event;
  if (limits.allowedCreators.length > 0 && !limits.allowedCreators.includes(creator)) {
    throw txError('CREATOR_NOT_ALLOWED', { creator }, ctx.rules.creatorNotAllowed);
  }
  if (amount < limits.minAmount || amount > limits.maxAmount) {
    throw txError('ESCROW_AMOUNT_OUT_OF_RANGE', { amount, min: limits.minAmount, max: limits.maxAmount }, `escrow amount ${amount} out of range [${limits.minAmount}, ${limits.maxAmount}]`);
  }
  const epoch = draft.effectiveEpoch;
  const count = escrowsCreatedIn(draft, epoch);
  if (BigInt(count) >= limits.maxPerEpoch) {
    throw txError('TOO_MANY_ESCROWS', { epoch, count, max: limits.maxPerEpoch }, `epoch ${epoch} already has ${count} escrows (max ${limits.maxPerEpoch})`);
  }
  if (epoch === 0) throw txError('NO_EPOCH_STARTED', {}, 'no epoch has started');
  if (slots.length === 0) throw txError('NO_SLOTS', {}, 'escrow has no slots');
  // The epoch's active set, looked up once for every slot.
  const active = activeSetOf(draft, epoch);
  for (const host of slots) {
    // An address with no participant record: allowed by the chain versions as a what-if (rules.ts).
    if (ctx.rules.unregisteredSlots && !ctx.world.participantIndex.has(host)) continue;
    if (activeIndexIn(active, ctx.world, host) < 0) {
      throw txError('SLOT_HOST_NOT_ACTIVE', { host, epoch }, `slot host ${host} is not in the active set of epoch ${epoch}`);
    }
  }
  const id = draft.escrows.size + 1;
  if (event.id !== undefined && event.id !== BigInt(id)) {
    throw txError('WRONG_ESCROW_ID', { given: event.id, next: id }, `escrow id ${event.id} is not the next id ${id}`);
  }
  try {
    transferMutably(draft, ctx, creator, INFERENCE_MODULE, amount, ctx.rules.memos.lock);
  } catch (error) {
    if (error instanceof TxError) throw error.wrapped('failed to lock funds');
    throw error;
  }
  const escrow = Object.freeze({ id, creator, amount, epoch, slots: Object.freeze([...slots]), settled: false });
  draft.escrows = vecPush(draft.escrows, escrow);
  if (ctx.record) ctx.effects.push({ kind: 'escrow', escrow: id, creator, op: 'locked', amount });
  draft.escrowsPerEpoch = vecSet(draft.escrowsPerEpoch, epoch, count + 1);
};

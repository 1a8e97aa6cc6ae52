/**
 * `epochsim explain`: the replay as a narrative for a person learning the rules. One block per
 * item: what the event asked, which rule applied and why (from the decisions the reducers
 * recorded), every transfer with its memo, the fields that changed, and where the coins are.
 * Settlements, pruning, claims and failures are worded here; the inference lifecycle in
 * lifecycle.ts, the end of an epoch in rewards.ts, known divergences in known.ts. Under a chain
 * version each known divergence is named where it happens and listed before the verdict.
 * Pure: a Replay and a Palette in, text out; every line fits WIDTH columns without colour.
 */
import { DEFAULT_PARAMS, type EventItem, type EventOf, type ExpectItem, type Expectation, type Scenario } from '../../domain/scenario.js';
import { DIVERGENCE_SOURCES } from '../../words/divergences.js';
import { RULESET_WORDS } from '../../words/rulesets.js';
import { groupDigits } from '../../domain/money.js';
import type { Transfer } from '../../engine/rules/ruleset.js';
import { vecForEach } from '../../engine/storage/pvec.js';
import {
  activeSetOf,
  balanceOf,
  endedEpochs,
  escrowOf,
  exclusionsOf,
  isActiveIn,
  participantOf,
  summaryOf,
} from '../../engine/storage/queries.js';
import { assignedPerSlot, RULESETS } from '../../engine/rules/registry.js';
import type { RunResult } from '../../engine/replay/run.js';
import { INFERENCE_MODULE, type ChainState, type Escrow } from '../../engine/storage/state.js';
import type { Palette } from '../palette.js';
import { diffState, type Change } from './diff.js';
import { accountHoldings, changedHoldings, holdingsTable, sumHoldings } from './holdings.js';
import { knownDivergences, netWords } from './known.js';
import { columns, fitTable, listWords, money, paragraphs, plural, rule, unitFor, wrap, WIDTH } from './layout.js';
import { askedLifecycle, explainLifecycle, isLifecycle, lifecycleFailure } from './lifecycle.js';
import {
  decisionsOf,
  isV1,
  q,
  rulesetOf,
  rulesWords,
  stepBefore,
  Text,
  type CheckView,
  type EventView,
  type StepContext,
} from './prose.js';
import { askedEndEpoch, explainEndEpoch } from './rewards.js';
import { stateAfter, stateBefore, type Replay } from './replay.js';

// ---------------------------------------------------------------------------------------------
// What each event asked

function asked(item: EventItem, before: ChainState, ctx: StepContext, transfers: readonly Transfer[]): string {
  const e = item.event;
  const scenario = ctx.replay.scenario;
  const current = before.effectiveEpoch;
  if (isLifecycle(e)) return askedLifecycle(e, before, scenario);
  switch (e.type) {
    case 'start_epoch': {
      const set = e.active === undefined ? 'every participant in its active set' : `${listWords([...e.active])} in its active set`;
      const weights = e.weights.length > 0 ? `, setting the weight of ${listWords(e.weights.map(([n, w]) => `${n} to ${w}`))}` : '';
      return `Start epoch ${current + 1} with ${set}${weights}.`;
    }
    case 'run_inference': {
      const price = e.price ?? scenario.params.tokenPrice;
      const lock = transfers.find((t) => t.memo.startsWith('escrow for inferenceId:'));
      const id = e.id ?? lock?.memo.slice('escrow for inferenceId:'.length);
      return (
        `${e.requester} asks ${e.executor} for an on-chain inference${id === undefined ? '' : ` (${id})`}: ` +
        `${groupDigits(e.promptTokens)} prompt and ${groupDigits(e.completionTokens)} completion tokens, ` +
        `max_tokens ${groupDigits(e.maxTokens)}, at ${groupDigits(price)} ngonka per token` +
        `${e.outcome === 'expired' ? '; the inference expires' : ''}.`
      );
    }
    case 'create_escrow':
      return `${e.creator} creates a devshard escrow of ${money(e.amount)} with ${plural(e.slots.length, 'slot')}: ${e.slots
        .map((h, i) => `slot ${i} ${h}`)
        .join(', ')}.`;
    case 'settle_escrow': {
      const escrow = e.escrow >= 1n && e.escrow <= BigInt(before.escrows.size) ? escrowEver(ctx, Number(e.escrow)) : undefined;
      const settler = e.settler ?? escrow?.creator ?? 'the creator';
      const what = escrow ? ` (${money(escrow.amount)} of epoch ${escrow.epoch}, slots ${escrow.slots.join(', ')})` : '';
      const fees = e.fees > 0n ? `fees of ${money(e.fees)}` : 'no fees';
      const nonce = e.nonce === undefined ? '' : `, nonce ${e.nonce}`;
      return `${settler} settles escrow ${e.escrow}${what} with ${fees} and ${plural(e.hosts.length, 'host entry', 'host entries')}${nonce}.`;
    }
    case 'exclude_participant':
      return `Exclude ${e.participant} as ${e.reason === 'invalid' ? 'INVALID' : 'INACTIVE'} for the rest of epoch ${current}.`;
    case 'end_epoch':
      return askedEndEpoch(e, current, ctx);
    case 'claim_reward':
      return `${e.participant} claims its rewards for epoch ${e.epoch}.`;
    case 'transfer':
      return `${e.from} sends ${money(e.amount)} to ${e.to}.`;
  }
}

// ---------------------------------------------------------------------------------------------
// Why a failed transaction failed

function explainFailure(view: EventView, ctx: StepContext): string {
  const f = view.record.failure;
  if (f === undefined) return 'The chain refused the transaction.';
  const lifecycle = lifecycleFailure(view, ctx, f);
  if (lifecycle !== undefined) return lifecycle;
  const e = view.item.event;
  const before = view.before;
  const world = ctx.world;
  const current = before.effectiveEpoch;
  const balance = (name: string): string => money(balanceOf(before, world, name));
  const rules = rulesetOf(ctx);
  const version = ctx.replay.run.rules;
  const limits = ctx.replay.scenario.params.escrow;
  switch (f.code) {
    // ---- settle_escrow
    case 'ESCROW_NOT_FOUND': {
      const count = before.escrows.size;
      const id = f.data.escrow;
      if (count === 0) return `There is no escrow ${id}: none has been created yet.`;
      if (id >= 1n && id <= BigInt(count)) {
        const pruned = stepBefore(ctx, (v) => v.decisions.some((d) => d.kind === 'escrow_pruned' && BigInt(d.escrow) === id));
        const gone = escrowEver(ctx, Number(id));
        if (pruned === undefined || gone === undefined) return `Escrow ${id} no longer exists: it was pruned.`;
        return (
          `Escrow ${id} no longer exists: it was pruned at step ${pruned.item.index}, when epoch ` +
          `${pruned.after.effectiveEpoch} started — under ${version} an escrow of epoch ${gone.epoch} is deleted when epoch ` +
          `${gone.epoch + 2} starts.`
        );
      }
      return `There is no escrow ${id}: escrows are numbered 1 to ${count}.`;
    }
    case 'ESCROW_ALREADY_SETTLED': {
      const at = settledAt(ctx, f.data.escrow);
      return `Escrow ${f.data.escrow} was already settled${at === undefined ? '' : ` at step ${at}`}; an escrow is settled once.`;
    }
    case 'NOT_ESCROW_CREATOR':
      return `Only the escrow's creator, ${f.data.creator}, may settle it; ${f.data.settler} may not.`;
    case 'DUPLICATE_SLOT':
      return 'Each slot may appear only once in the host entries of a settlement.';
    case 'SLOT_OUT_OF_RANGE':
      return `Escrow ${e.type === 'settle_escrow' ? e.escrow : '?'} has ${plural(f.data.slots, 'slot')}, numbered from 0; a host entry must name one of them.`;
    case 'NONCE_TOO_LARGE':
      return `A devshard settlement's nonce (the number of inferences the devshard ran) is at most ${groupDigits(f.data.max)}; this one is ${groupDigits(f.data.nonce)}.`;
    case 'MISSED_EXCEEDS_ASSIGNED':
    case 'INVALID_EXCEEDS_COMPLETED':
      return 'With a nonce, a slot cannot miss more inferences than were assigned to it, nor invalidate more than it completed.';
    case 'SUM_OVERFLOW':
      return f.data.sum === 'cost'
        ? "The host entries' costs add up past the uint64 maximum; the chain checks the sum and refuses the message."
        : "The host entries' costs plus the fees add up past the uint64 maximum; the chain checks the sum and refuses the message.";
    case 'DEBIT_EXCEEDS_ESCROW': {
      const { debit, cost, fees, amount } = f.data;
      const kept = rules.settle.fees === 'kept' ? `: ${version} counts the fees against the amount although it pays them to no one` : '';
      return fees === 0n
        ? `The host entries' costs, ${money(cost)}, come to more than the ${money(amount)} the escrow holds.`
        : `The host entries' costs, ${money(cost)}, plus the fees, ${money(fees)}, come to ${money(debit)}, more than the ` +
            `${money(amount)} the escrow holds${kept}.`;
    }
    case 'COST_EXCEEDS_ESCROW': {
      const { cost, amount, wrapped } = f.data;
      if (wrapped && e.type === 'settle_escrow') {
        return (
          `${version} adds the costs without an overflow check, in a uint64 that wraps at 2^64: ` +
          `${e.hosts.map((h) => groupDigits(h.cost)).join(' + ')} ngonka wraps around to ${money(cost)}, which is still ` +
          `more than the ${money(amount)} the escrow holds.`
        );
      }
      return `The host entries' costs, ${money(cost)}, come to more than the ${money(amount)} the escrow holds (${version} checks the costs only: its message has no fees).`;
    }
    case 'PAYOUT_OUT_OF_RANGE':
      return (
        `The costs add up, wrapping at 2^64, to ${money(f.data.costSum)}, which passes the sum check; but ` +
        `${f.data.host}'s payout, ${groupDigits(f.data.amount)} ngonka, is above MaxInt64: the bank reads ` +
        'amounts as int64, where it is negative, so it refuses the payment and the whole message fails.'
      );
    case 'HOST_STATS_OVERFLOW': {
      const { host, field, stored, adding } = f.data;
      const x = e.type === 'settle_escrow' ? escrowEver(ctx, Number(e.escrow))?.epoch : undefined;
      const stats = x === undefined ? "the escrow's epoch" : `epoch ${x}`;
      const what = field === 'cost' ? `${host}'s cost stands at ${groupDigits(stored)} ngonka and an entry adds ${groupDigits(adding)} ngonka` : `${host}'s ${field.replaceAll('_', ' ')} count stands at ${groupDigits(stored)} and an entry adds ${groupDigits(adding)}`;
      return (
        `The payouts pass every check${rules.settle.sums === 'wrapping' ? ` (${version} adds them up wrapping at 2^64)` : ''} and would be paid, but the host stats of ` +
        `${stats} add each entry with an overflow check: ${what}, past the ${field === 'cost' ? 'uint64' : 'uint32'} maximum, so the whole message ` +
        'fails and nothing it did is kept.'
      );
    }
    case 'SETTLE_WINDOW': {
      const x = f.data.escrowEpoch;
      const escrow = escrowOf(before, f.data.escrow);
      const stays =
        rules.pruning === 'none'
          ? `${escrow ? `Its ${money(escrow.amount)} stay` : 'The coins stay'} locked in the inference module (v1 models no escrow pruning).`
          : `Under ${version} it is pruned when the effective epoch reaches ${x + 2}.`;
      return (
        `The settlement failed: escrow ${f.data.escrow} is from epoch ${x} and the chain is in epoch ${f.data.current} — a devshard ` +
        `escrow can be settled only in its own epoch or the next (epoch ${x} or ${x + 1}). ${stays}`
      );
    }
    case 'PARTICIPANT_NOT_FOUND':
      return `Every slot address of a devshard escrow must be a registered participant under ${version}, and ${f.data.participant} is not.`;
    case 'FEE_REMAINDER_LEFT': {
      const fee = decisionsOf(view.decisions, 'fee_split')[0];
      if (fee === undefined) break;
      return (
        `Fees of ${money(fee.fees)} over ${plural(fee.slots, 'slot')} are ${money(fee.share)} per host entry with ` +
        `${money(fee.remainder)} left over. The leftover goes +1 ngonka each to the first ${fee.remainder} host entries in ` +
        `message order, but the message has only ${plural(f.data.entries, 'entry', 'entries')}, so ${f.data.left} ngonka cannot be allocated.`
      );
    }
    // ---- create_escrow
    case 'CREATOR_NOT_ALLOWED':
      return `Only the allowed creators may create escrows (params.escrow.allowed_creators: ${limits.allowedCreators.join(', ')}).`;
    case 'ESCROW_AMOUNT_OUT_OF_RANGE':
      return `An escrow must hold between ${money(f.data.min)} and ${money(f.data.max)} (params.escrow min_amount and max_amount).`;
    case 'TOO_MANY_ESCROWS':
      return `An epoch may have at most ${f.data.max} escrows (params.escrow.max_per_epoch).`;
    case 'NO_EPOCH_STARTED':
      return 'No epoch has started yet (the chain is in epoch 0).';
    case 'SLOT_HOST_NOT_ACTIVE':
      return `Every slot host must be in the active set of the effective epoch, ${f.data.epoch}.`;
    case 'WRONG_ESCROW_ID':
      return `Escrow ids count from 1 in creation order; the next is ${f.data.next}.`;
    // ---- the bank
    case 'INSUFFICIENT_FUNDS': {
      const { account, amount } = f.data;
      if (e.type === 'create_escrow') return `${account} holds ${balance(account)}, less than the ${money(e.amount)} the escrow locks.`;
      if (e.type === 'transfer') return `${account} holds ${balance(account)}, less than ${money(amount)}.`;
      break;
    }
    // ---- inferences, epochs, membership
    case 'NOT_ACTIVE': {
      const who = f.data.participant;
      if (e.type === 'run_inference') {
        return world.participantIndex.has(who)
          ? `${who} is not in the active set of epoch ${current}: only an active participant can execute an inference.`
          : `${who} is an account, not a participant: only a member of the active set of epoch ${current} can execute an inference.`;
      }
      if (e.type === 'exclude_participant') return `${who} is not in the active set of epoch ${current}.`;
      if (e.type === 'claim_reward') {
        if (!world.participantIndex.has(who)) {
          return `${who} is an account, not a participant: only a member of the current or the previous active set may claim, so the chain refuses the claim as a transaction error.`;
        }
        return `${who} is in neither the active set of epoch ${current} (the effective one) nor that of epoch ${current - 1}, so the chain refuses the claim as a transaction error.`;
      }
      break;
    }
    case 'REQUESTER_CANNOT_PAY': {
      if (e.type !== 'run_inference') break;
      const price = e.price ?? ctx.replay.scenario.params.tokenPrice;
      return `${f.data.requester} holds ${money(f.data.balance)}, less than the escrow of (max_tokens + prompt) × price = ${money((e.maxTokens + e.promptTokens) * price)}.`;
    }
    case 'TOKEN_LIMIT':
      return `Token counts are limited to ${groupDigits(f.data.limit)} per inference.`;
    case 'EPOCH_NOT_ENDED':
      return `Epoch ${f.data.current} is still running: end_epoch must settle it before epoch ${f.data.next} can start.`;
    case 'NO_EPOCH_TO_END':
      return 'No epoch has started yet, so there is none to end.';
    case 'EPOCH_ALREADY_ENDED':
      return `Epoch ${f.data.epoch} has already ended; start_epoch begins the next one.`;
    case 'NOT_IN_EPOCH':
      return `Only members of the active set of epoch ${f.data.epoch} can be punished in it.`;
    case 'ALREADY_EXCLUDED':
      return `${f.data.participant} was already excluded in epoch ${f.data.epoch}; a participant is excluded once per epoch.`;
    default:
      break;
  }
  return 'The chain refused the transaction.';
}

/** Escrow `id` as the last state that still held it (a pruned escrow is gone from later states). */
function escrowEver(ctx: StepContext, id: number): Escrow | undefined {
  for (let i = ctx.position; i >= 0; i--) {
    const v = ctx.replay.views[i];
    if (v?.kind !== 'event') continue;
    const escrow = escrowOf(v.before, id);
    if (escrow) return escrow;
  }
  return undefined;
}

function settledAt(ctx: StepContext, id: number): number | undefined {
  for (let i = ctx.position - 1; i >= 0; i--) {
    const v = ctx.replay.views[i];
    if (v?.kind === 'event' && v.item.event.type === 'settle_escrow' && v.record.status === 'ok' && Number(v.item.event.escrow) === id) {
      return v.item.index;
    }
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Which rule applied (successful events)

/** Why a host counts as punished in epoch X (the review's proxy: no summary, or reward 0). */
/** The end_epoch of epoch `x` that punished `host`, by its punish list or the chain's downtime test. */
function punishedAt(ctx: StepContext, x: number, host: string): { step: number; how: 'listed' | 'test' } | undefined {
  const v = stepBefore(ctx, (w) => w.item.event.type === 'end_epoch' && w.before.effectiveEpoch === x);
  if (v === undefined || v.item.event.type !== 'end_epoch') return undefined;
  if (v.item.event.punish.includes(host)) return { step: v.item.index, how: 'listed' };
  const test = decisionsOf(v.decisions, 'downtime_test')[0];
  if (test?.results.some((r) => r.name === host && !r.passed)) return { step: v.item.index, how: 'test' };
  return undefined;
}

function punishedWhy(ctx: StepContext, before: ChainState, x: number, host: string, rewardInX: bigint | undefined): string {
  if (rewardInX === undefined) {
    return `${host} has no epoch-${x} performance summary (it was not in the active set of epoch ${x}), which counts as punished`;
  }
  const world = ctx.world;
  const index = world.participantIndex.get(host) as number;
  if (exclusionsOf(before, x).includes(host)) return `${host} was excluded in epoch ${x}, so its epoch-${x} reward is 0: it counts as punished`;
  const punished = punishedAt(ctx, x, host);
  if (punished?.how === 'listed') {
    return `${host} was punished in epoch ${x}: its epoch-${x} reward is 0 (end_epoch punish at step ${punished.step}: it failed the downtime test)`;
  }
  if (punished?.how === 'test') {
    return `${host} was punished in epoch ${x}: its epoch-${x} reward is 0 (it failed the chain's downtime test at step ${punished.step})`;
  }
  const set = activeSetOf(before, x);
  const at = set?.members.indexOf(index) ?? -1;
  if (set && at >= 0 && set.weights[at] === 0n) return `${host}'s epoch-${x} reward is 0 (its weight was 0), which counts as punished`;
  return `${host}'s epoch-${x} reward is 0 (the pool left it nothing), which counts as punished`;
}

function explainSettle(e: EventOf<'settle_escrow'>, view: EventView, ctx: StepContext, t: Text): void {
  const { before } = view;
  const world = ctx.world;
  const rules = rulesetOf(ctx);
  const version = ctx.replay.run.rules;
  const newest = version === 'newest';
  const escrow = escrowOf(before, Number(e.escrow));
  const window = decisionsOf(view.decisions, 'settle_window')[0];
  const refund = decisionsOf(view.decisions, 'refund')[0];
  if (!escrow || !window || !refund) return;
  const fee = decisionsOf(view.decisions, 'fee_split')[0] ?? { fees: 0n, slots: escrow.slots.length, share: 0n, remainder: 0n, bonusSlots: [] };
  const ignored = decisionsOf(view.decisions, 'fees_ignored')[0];
  const x = window.escrowEpoch;
  const c = window.current;
  const id = window.escrow;
  const creator = escrow.creator;
  const words = rulesWords(ctx);
  /** A ledger credit made now is paid with the settle amount of this epoch. */
  const paidWith = before.epochEnded ? c + 1 : c;
  const payWhen = before.epochEnded
    ? `to be paid when epoch ${c + 1} ends, if it is in that epoch's active set`
    : `to be paid with its epoch-${c} settle amount`;
  const paymentMemo = rules.memos.refund.replace(/refund$/, 'payment');
  if (window.mode === 'same_epoch') {
    t.para(
      `Escrow ${id} is from epoch ${x} and the chain is in epoch ${c}, which has not ended: same-epoch settlement. ` +
        `Under ${words} each host's payout is credited to its ledger (coin_balance and ` +
        `earned_coins); no coins move to the hosts until epoch ${x} ends and they claim during epoch ${x + 1}.`,
    );
  } else if (window.mode === 'cross_epoch') {
    t.para(
      c === x
        ? `Escrow ${id} is from epoch ${x} and the chain is still in epoch ${x}, but epoch ${x} has already ended ` +
            `(its accounts are settled), so this is a cross-epoch settlement: a ledger credit now would only be ` +
            `paid with epoch ${x + 1}. Each host's epoch-${x} performance summary decides where its payout goes.`
        : `Escrow ${id} is from epoch ${x} and the chain is in epoch ${c}: cross-epoch settlement. Each host's ` +
            `epoch-${x} performance summary decides where its payout goes.`,
    );
  } else if (window.mode === 'immediate') {
    const state = c === x ? (window.escrowEpochEnded ? ' (ended)' : '') : '';
    t.para(
      rules.settle.epochWindow
        ? `Escrow ${id} is from epoch ${x} and the chain is in epoch ${c}${state}, within the window of its own epoch ` +
            `or the next. Under ${words} every host is paid by bank at once.`
        : `Escrow ${id} is from epoch ${x} and the chain is in epoch ${c}${state}. Under ${words} there is no epoch ` +
            `window — an escrow can be settled until it is pruned, when epoch ${x + 2} starts — and every host is paid ` +
            'by bank at once.',
    );
  } else if (window.mode === 'ledger_any_epoch') {
    const state = c === x && before.epochEnded ? ', which has already been settled' : '';
    t.para(
      `Escrow ${id} is from epoch ${x} and the chain is in epoch ${c}${state}. Under ${words} each host's current ` +
        "ledger is credited (coin_balance and earned_coins) whatever the escrow's epoch — there is no same- or " +
        `cross-epoch rule and no punishment check — so the payouts are paid with the settle amounts of epoch ${paidWith}` +
        `${x < paidWith ? `, not added to those of epoch ${x}` : ''}. Each host is looked up with GetParticipant, which finds ` +
        'every registered participant whatever its status or active set; only an address with no participant record is "not found".',
    );
  } else {
    const state = c === x && before.epochEnded ? ', which has already been settled' : '';
    t.para(
      `Escrow ${id} is from epoch ${x} and the chain is in epoch ${c}${state}. Under ${words} each host's payout is ` +
        "decided on its own: it is credited to the host's ledger only when the escrow's epoch is the effective one and " +
        `the host is in its active set${newest ? ', and that epoch is not yet settled' : ''}; every other payout is paid ` +
        `at once by bank (${paymentMemo}). There is no punishment check` +
        `${newest ? `, but a host excluded in epoch ${x} gets nothing: its payout goes to governance` : ''}.`,
    );
  }

  // The fee split, entry by entry in message order.
  if (ignored !== undefined) {
    t.para(
      `Fees: the ${version} message has no fees field, so the ${money(ignored.fees)} of fees written here are not part ` +
        `of the settlement: each host entry is owed its cost, and the fees stay with ${creator} (in the refund).`,
    );
  } else if (rules.settle.fees === 'kept' && e.fees > 0n) {
    t.para(
      `Fees: under ${version} the ${money(e.fees)} of fees count against the escrow (costs + fees ≤ amount) but are ` +
        'paid to no one: each host entry is owed its cost only.',
    );
  } else if (fee.fees === 0n) {
    t.para('There are no fees: each host entry is owed its cost.');
  } else if (fee.remainder === 0n) {
    t.para(`Fees: ${money(fee.fees)} over ${plural(fee.slots, 'slot')} is ${money(fee.share)} per host entry, with no remainder.`);
  } else {
    const named = fee.bonusSlots.map((s) => `slot ${s} (${escrow.slots[s]})`);
    t.para(
      `Fees: ${money(fee.fees)} over ${plural(fee.slots, 'slot')} is ${money(fee.share)} per host entry with ${money(fee.remainder)} ` +
        `left over; the leftover goes +1 ngonka each to the first ${plural(fee.remainder, 'host entry', 'host entries')} in ` +
        `message order (not slot order): ${listWords(named)}.`,
    );
  }
  const bonus = new Set(fee.bonusSlots);
  const owedOf = (slot: number, cost: bigint): bigint => cost + fee.share + (bonus.has(slot) ? 1n : 0n);
  const u = unitFor(e.hosts.flatMap((h) => [h.cost, fee.share, owedOf(h.slot, h.cost)]));
  const nonceCounts = window.mode === 'per_host' && e.nonce !== undefined;
  const entryLines = e.hosts.map((h) => {
    const host = escrow.slots[h.slot] ?? '?';
    const parts = [`${u.format(h.cost)} cost`];
    if (fee.fees > 0n) parts.push(`${u.format(fee.share)} fees`);
    if (bonus.has(h.slot)) parts.push(`${u.format(1n)} remainder`);
    const counts = [h.missed > 0 ? `missed ${h.missed}` : '', h.invalid > 0 ? `invalid ${h.invalid}` : ''].filter((s) => s !== '');
    if (nonceCounts) counts.push(`assigned ${assignedPerSlot(e.nonce as bigint, h.slot, escrow.slots.length)} by the nonce`);
    const sum = parts.length > 1 ? `${parts.join(' + ')} = ${u.format(owedOf(h.slot, h.cost))} ${u.name}` : `${u.format(h.cost)} ${u.name} cost`;
    return `slot ${h.slot} (${host}): ${sum}${counts.length > 0 ? `; ${counts.join(', ')}` : ''}`;
  });
  for (const line of entryLines) t.para(line, undefined, '    ', '      ');

  // Each host, in slot order.
  const payouts = decisionsOf(view.decisions, 'host_payout');
  const hosts = [...new Set(escrow.slots)];
  for (const host of hosts) {
    const mine = e.hosts.filter((h) => escrow.slots[h.slot] === host).map((h) => h.slot);
    const slotsText = mine.length > 1 ? ` (slots ${listWords(mine.map(String))})` : '';
    const d = payouts.find((p) => p.host === host);
    if (!d) {
      t.bullet(mine.length === 0 ? `${host} has no host entry in this settlement: it is owed nothing.` : `${host}'s entries come to 0: there is nothing to pay it.`);
      continue;
    }
    const a = money(d.amount);
    const memo = view.transfers.find((tr) => tr.to === host && tr.memo.endsWith('_escrow_payment'))?.memo ?? paymentMemo;
    const punished = isV1(version) || d.route === 'forfeited' ? undefined : punishedAt(ctx, x, host);
    const unchecked = punished === undefined ? '' : ` ${host} was punished in epoch ${x} (step ${punished.step}), but ${version} has no punishment check.`;
    const say = (text: string): void => {
      t.bullet(`${text}${unchecked}`);
    };
    switch (d.route) {
      case 'ledger':
        if (d.reason === 'found') {
          say(
            `${host} is a registered participant, so it is found: its ${a}${slotsText} are credited to its current ledger, ` +
              `${isActiveIn(before, ctx.world, c, host) ? payWhen : `owed until an epoch in which it is an ACTIVE member (it is not in epoch ${c})`}.`,
          );
        } else if (d.reason === 'same_epoch') {
          const settled = before.epochEnded ? `; epoch ${c} has already been settled, but ${version} still credits the ledger` : '';
          say(
            `${host} is in the active set of epoch ${x}, the escrow's own epoch${settled}: its ${a}${slotsText} are credited to ` +
              `its ledger, ${payWhen}.`,
          );
        } else {
          say(`${host} is owed ${a}${slotsText}: credited to its ledger, to be paid with its epoch-${c} settle amount.`);
        }
        break;
      case 'settle_amount':
        say(
          `${host} was not punished in epoch ${x} (reward ${money(d.rewardInX ?? 0n)}); its epoch-${x} settle amount is ` +
            `unclaimed, so ${a} is added to its work coins (and to the earned coins of its epoch-${x} summary).`,
        );
        break;
      case 'bank': {
        if (window.mode === 'immediate') {
          say(`${host} is paid ${a}${slotsText} at once by bank (${memo}).`);
          break;
        }
        if (d.reason === 'other_epoch') {
          say(`${host} is owed ${a}${slotsText}; escrow ${id} is from epoch ${x}, not the effective epoch ${c}, so it is paid at once by bank (${memo}).`);
          break;
        }
        if (d.reason === 'not_in_active_set') {
          say(`${host} is owed ${a}${slotsText} but is not in the active set of epoch ${c}, so it is paid at once by bank (${memo}).`);
          break;
        }
        if (d.reason === 'epoch_settled') {
          say(
            `${host} is owed ${a}${slotsText}; epoch ${c} has already been settled (${host} has its epoch-${c} summary), so ` +
              `${version} pays it directly, at once by bank (${memo}), instead of crediting a ledger.`,
          );
          break;
        }
        const index = world.participantIndex.get(host) as number;
        const claimed = summaryOf(before, x, index)?.claimed === true;
        const reason =
          d.settleEpoch !== undefined && d.settleEpoch !== x
            ? `its settle amount is now the one of epoch ${d.settleEpoch} (the epoch-${x} record was replaced)`
            : claimed
              ? `it has already claimed its epoch-${x} rewards`
              : `it holds no epoch-${x} settle amount`;
        say(
          `${host} was not punished in epoch ${x} (reward ${money(d.rewardInX ?? 0n)}), but ${reason}, so its ${a} cannot wait ` +
            `there: it is paid at once by bank (${memo}) and added to its epoch-${x} summary.`,
        );
        break;
      }
      case 'refund':
      case 'governance': {
        const why = punishedWhy(ctx, before, x, host, d.rewardInX);
        const where =
          d.route === 'refund'
            ? `with skipped_payout: refund its ${a} stays with the creator, in the refund`
            : `with skipped_payout: governance its ${a} goes to governance (forfeited_work_coins_to_governance:epoch=${x})`;
        say(`${why}. It is not paid: ${where}.`);
        break;
      }
      case 'trapped':
        say(
          `Under ${version}, ${host} is not found (it has no participant record): its ${a}${slotsText} were counted in ` +
            `totalPayout before the lookup, so ${creator}'s refund is ${a} short and the coins stay in the module with no ` +
            "owner — the PR #1000 review's must-fix; known divergence.",
        );
        break;
      case 'forfeited': {
        const excluded = stepBefore(
          ctx,
          (v) => v.item.event.type === 'exclude_participant' && v.item.event.participant === host && v.before.effectiveEpoch === x,
        );
        const how = excluded?.item.event.type === 'exclude_participant' ? ` as ${excluded.item.event.reason === 'invalid' ? 'INVALID' : 'INACTIVE'} at step ${excluded.item.index}` : '';
        say(
          `${host} was excluded in epoch ${x}${how}, so under ${version} it gets nothing: its ${a}${slotsText} go to governance ` +
            `in the settlement's one forfeit transfer (forfeited_work_coins_to_governance:epoch=${x}) and count as paid out, ` +
            `so ${creator}'s refund does not change.`,
        );
        break;
      }
    }
  }
  const counted = e.hosts.some((h) => h.missed > 0 || h.invalid > 0);
  if (window.mode === 'same_epoch' && (counted || e.nonce !== undefined)) {
    t.bullet(
      `The entries' missed and invalid counts are merged into the hosts' current epoch stats` +
        `${e.nonce === undefined ? '' : ', and with the nonce their completed inferences too'}.`,
    );
  } else if (window.mode === 'cross_epoch' && counted) {
    t.bullet(`The entries' missed and invalid counts are added to the epoch-${x} summaries of the hosts that were not punished.`);
  } else if (window.mode === 'per_host' && (counted || e.nonce !== undefined)) {
    const own = payouts.filter((p) => p.route === 'ledger').map((p) => p.host);
    if (own.length > 0) {
      const one = own.length === 1;
      t.bullet(
        `${listWords(own)} ${one ? 'is' : 'are'} credited in ${one ? 'its' : 'their'} own epoch, so ${one ? 'its' : 'their'} ` +
          `entries are merged into ${one ? 'its' : 'their'} current epoch stats: missed and invalid as given` +
          `${e.nonce === undefined ? '' : ', inference_count + (assigned − missed) and validated_inferences + (assigned − missed − invalid)'}.`,
      );
    }
  }
  const held = refund as typeof refund & { readonly trapped?: bigint; readonly kept?: bigint };
  const trapped = held.trapped ?? 0n;
  const kept = held.kept ?? 0n;
  const trappedHosts = payouts.filter((p) => p.route === 'trapped').map((p) => p.host);
  const minus = [
    refund.forfeited > 0n ? `${money(refund.forfeited)} sent to governance` : '',
    trapped > 0n ? `${money(trapped)} counted for ${listWords(trappedHosts)} and credited to no one` : '',
    kept > 0n ? `the ${money(kept)} of fees, which stay in the module` : '',
  ].filter((s) => s !== '');
  t.bullet(
    refund.amount > 0n
      ? `${creator} gets back ${money(refund.amount)}: the ${money(escrow.amount)} locked minus ` +
          `${listWords([`${money(refund.paid)} for the hosts`, ...minus])} (${rules.memos.refund}).`
      : `Nothing is refunded to ${creator}: all ${money(escrow.amount)} went to the hosts` +
          `${minus.length === 0 ? '' : ` (${money(refund.paid)}) and ${listWords(minus)}`}.`,
  );
  t.bullet(`Escrow ${id} is now settled; the host stats of epoch ${x} add every entry and count the escrow once per host.`);
}

function explainClaim(e: EventOf<'claim_reward'>, view: EventView, ctx: StepContext, t: Text): void {
  const d = decisionsOf(view.decisions, 'claim')[0];
  if (!d) return;
  const { before } = view;
  const c = before.effectiveEpoch;
  const asked = Number(e.epoch);
  const name = d.name;
  const index = ctx.world.participantIndex.get(name) as number;
  const soft = 'The claim is still a successful transaction: it pays nothing and answers with the chain\'s text.';
  switch (d.outcome) {
    case 'too_early_or_late': {
      const now = d.claimable >= 1 ? `Now only epoch ${d.claimable} can be claimed.` : 'No epoch can be claimed yet.';
      if (asked > d.claimable) {
        const where =
          asked === c
            ? before.epochEnded
              ? `epoch ${c} has ended, but epoch ${c + 1} has not started`
              : `the chain is still in epoch ${c}`
            : `the chain is only in epoch ${c}`;
        t.para(`Too early: a settle amount of epoch ${asked} can be claimed only while epoch ${asked + 1} is the effective epoch, and ${where}. ${now} ${soft}`);
      } else {
        t.para(
          `Too late: epoch ${asked} could be claimed only during epoch ${asked + 1}; the chain is in epoch ${c}. ${now} ${soft}`,
        );
      }
      break;
    }
    case 'nothing': {
      const summary = summaryOf(before, asked, index);
      const why =
        summary?.claimed === true
          ? `it has already claimed epoch ${asked}`
          : summary && summary.earnedCoins + summary.rewardedCoins === 0n
            ? `it earned nothing in epoch ${asked} (no work coins and reward 0), so none was written`
            : 'none was written for it, or it has expired';
      t.para(`${name} holds no settle amount: ${why}. ${soft}`);
      break;
    }
    case 'other_epoch': {
      const held = d.heldEpoch ?? 0;
      const why = held > asked ? `: its epoch-${asked} record was replaced when epoch ${held} ended (the old one expired to governance)` : '';
      t.para(`${name}'s settle amount is for epoch ${held}, not ${asked}${why}. ${soft}`);
      break;
    }
    case 'empty':
      t.para(`${name}'s epoch-${asked} settle amount holds nothing. ${soft}`);
      break;
    case 'paid': {
      const work = view.transfers.find((tr) => tr.memo === `work_coins:${name}`)?.amount ?? 0n;
      const reward = view.transfers.find((tr) => tr.memo === `reward_coins:${name}`)?.amount ?? 0n;
      const paid = [
        work > 0n ? `work coins ${money(work)} (work_coins:${name})` : '',
        reward > 0n ? `reward coins ${money(reward)} (reward_coins:${name})` : '',
      ].filter((s) => s !== '');
      t.para(
        `It is epoch ${c}, so epoch ${asked} can be claimed. ${name}'s epoch-${asked} settle amount is paid from the inference ` +
          `module: ${paid.join(', then ')}. The record is deleted and its epoch-${asked} summary is marked claimed.`,
      );
      break;
    }
    case 'work_unpaid':
    case 'reward_unpaid':
    case 'retry': {
      const held = participantOf(before, ctx.world, name)?.settle;
      const module = balanceOf(before, ctx.world, INFERENCE_MODULE);
      const work = held?.workCoins ?? 0n;
      const reward = held?.rewardCoins ?? 0n;
      const version = ctx.replay.run.rules;
      const short =
        module < work
          ? `the inference module holds ${money(module)}, less than ${name}'s work coins of ${money(work)}`
          : `the inference module holds ${money(module)}: enough for ${name}'s work coins of ${money(work)}, not for its reward coins of ${money(reward)} too`;
      if (d.outcome === 'retry') {
        t.para(
          `It is epoch ${c}, so epoch ${asked} can be claimed, but ${short}. Claims under ${version} are atomic: nothing is ` +
            'paid and the record is kept, so the claim can be retried once the module holds enough.',
        );
      } else if (d.outcome === 'work_unpaid') {
        t.para(
          `It is epoch ${c}, so epoch ${asked} can be claimed, but ${short}. Claims under ${version} are not atomic: the ` +
            `settle amount is deleted without paying anything, so ${name} loses ${money(work + reward)} (a known divergence; ` +
            'v0.2.12 made claims atomic).',
        );
      } else {
        t.para(
          `It is epoch ${c}, so epoch ${asked} can be claimed, but ${short}. Claims under ${version} are not atomic: the work ` +
            `coins are paid (work_coins:${name}), then the reward fails and the record is deleted anyway, so ${name} loses ` +
            `${money(reward)} (a known divergence; v0.2.12 made claims atomic).`,
        );
      }
      break;
    }
  }
}

function explainSuccess(view: EventView, ctx: StepContext, t: Text): void {
  const e = view.item.event;
  const { before, after } = view;
  const world = ctx.world;
  const params = ctx.replay.scenario.params;
  switch (e.type) {
    case 'start_epoch': {
      const n = after.effectiveEpoch;
      const set = activeSetOf(after, n);
      const members = (set?.members ?? []).map((i, k) => `${world.participants[i]} (weight ${set?.weights[k] ?? 0n})`);
      const out = world.participants.filter((_, i) => set?.isMember[i] !== true);
      const reset = (set?.members ?? []).filter((i) => participantOf(before, world, world.participants[i] as string)?.status !== 'ACTIVE');
      t.para(
        `Epoch ${n} starts. Its active set: ${members.length > 0 ? listWords(members) : 'nobody'}; total weight ${set?.totalWeight ?? 0n}.` +
          `${out.length > 0 ? ` ${listWords(out)} ${out.length === 1 ? 'is' : 'are'} not in it.` : ''}` +
          `${reset.length > 0 ? ` ${listWords(reset.map((i) => world.participants[i] as string))} ${reset.length === 1 ? 'is' : 'are'} ACTIVE again.` : ''}`,
      );
      const claimable: string[] = [];
      vecForEach(after.participants, (p, i) => {
        if (p.settle?.epoch === n - 1) claimable.push(world.participants[i] as string);
      });
      if (claimable.length > 0) {
        t.para(`The settle amounts of epoch ${n - 1} (${listWords(claimable)}) can be claimed now, during epoch ${n} only.`);
      }
      const lastChance: number[] = [];
      const tooLate: { id: number; amount: bigint }[] = [];
      vecForEach(after.escrows, (esc) => {
        if (esc.settled) return;
        if (esc.epoch === n - 1) lastChance.push(esc.id);
        if (esc.epoch === n - 2) tooLate.push({ id: esc.id, amount: esc.amount });
      });
      if (lastChance.length > 0) {
        t.para(`Open escrow${lastChance.length === 1 ? '' : 's'} ${listWords(lastChance.map(String))} of epoch ${n - 1} can still be settled, in this epoch only.`);
      }
      for (const esc of tooLate) {
        t.para(`Escrow ${esc.id} of epoch ${n - 2} can no longer be settled: its ${money(esc.amount)} stay locked.`);
      }
      explainPruning(view, ctx, t);
      break;
    }
    case 'run_inference': {
      const price = e.price ?? params.tokenPrice;
      const escrow = (e.maxTokens + e.promptTokens) * price;
      const cost = (e.promptTokens + e.completionTokens) * price;
      const pay = cost < escrow ? cost : escrow;
      const p = groupDigits(price);
      const lock =
        `The escrow, (max_tokens ${groupDigits(e.maxTokens)} + prompt ${groupDigits(e.promptTokens)}) × ${p} ngonka = ` +
        `${money(escrow)}, moves from ${e.requester} to the inference module.`;
      if (e.outcome === 'expired') {
        t.para(`${lock} The inference expired: the whole escrow is refunded to ${e.requester}, and ${e.executor}'s missed_requests goes up by 1; it earns nothing.`);
      } else {
        t.para(
          `${lock} The inference finished: its cost, (prompt ${groupDigits(e.promptTokens)} + completion ` +
            `${groupDigits(e.completionTokens)}) × ${p} = ${money(cost)}${cost > escrow ? `, capped at the escrow to ${money(pay)}` : ''}, ` +
            `is credited to ${e.executor}'s ledger (coin_balance and earned_coins; inference_count + 1) and the rest, ` +
            `${money(escrow - pay)}, is refunded to ${e.requester}. ${e.executor} is paid through the settle amount written when the epoch ends.`,
        );
      }
      break;
    }
    case 'create_escrow': {
      const c = before.effectiveEpoch;
      const id = before.escrows.size + 1;
      const rules = rulesetOf(ctx);
      const pruned =
        rules.pruning === 'none'
          ? ''
          : ` If it is still unsettled when epoch ${c + 2} starts, it is pruned: shared among its hosts ` +
            `${rules.pruning === 'per_slot' ? 'per slot' : 'per unique host'}, with nothing back for ${e.creator}.`;
      const ended = before.epochEnded && ctx.replay.run.rules === 'deferred' ? ` Epoch ${c} has already ended, so any settlement of it counts as cross-epoch.` : '';
      t.para(
        `${money(e.amount)} moves from ${e.creator} to the inference module and stays locked there as escrow ${id} of epoch ${c}. ` +
          `It can be settled in epoch ${c} or ${c + 1}; whatever the hosts are not paid goes back to ${e.creator}.${ended}${pruned}`,
      );
      break;
    }
    case 'settle_escrow':
      explainSettle(e, view, ctx, t);
      break;
    case 'exclude_participant': {
      const c = before.effectiveEpoch;
      const owed = participantOf(before, world, e.participant)?.coinBalance ?? 0n;
      const rules = rulesetOf(ctx);
      const fate =
        rules.nonActiveWorkCoins === 'governance'
          ? 'are forfeited to governance'
          : 'are zeroed and stay in the inference module with no owner (gonka-ai/gonka #1746, a known divergence)';
      const later =
        ctx.replay.run.rules === 'newest'
          ? ` Under newest its payouts from escrows of epoch ${c} settled later go to governance too.`
          : ctx.replay.run.rules === 'deferred'
            ? ` A later cross-epoch payout from an escrow of epoch ${c} counts as punished.`
            : '';
      t.para(
        `${e.participant} becomes ${e.reason === 'invalid' ? 'INVALID' : 'INACTIVE'} for the rest of epoch ${c}, and an exclusion record ` +
          `is kept. When epoch ${c} ends it gets no reward (its weight still counts in W) and its owed work coins` +
          `${owed > 0n ? `, now ${money(owed)},` : ''} ${fate}.${later}`,
      );
      break;
    }
    case 'end_epoch':
      explainEndEpoch(view, ctx, t);
      break;
    case 'claim_reward':
      explainClaim(e, view, ctx, t);
      break;
    case 'transfer':
      t.para(
        `A plain bank send from ${e.from} to ${e.to} (memo transfer).` +
          `${e.to === INFERENCE_MODULE ? ' The inference module owes these coins to no one: it now holds more than its obligations.' : ''}`,
      );
      break;
    case 'start_inference':
    case 'finish_inference':
    case 'validate_inference':
    case 'invalidate_inference':
    case 'expire_inference':
      explainLifecycle(view, ctx, t);
      break;
  }
  explainChainEffects(view, t);
}

const STATUS_REASONS = {
  consecutive_failures: 'its invalidations in a row reached the limit (false_positive_rate^N < quick_failure_threshold)',
  statistical_invalidations: 'its invalidation SPRT reached invalidation_h_threshold',
  downtime: 'its downtime SPRT (misses against completed inferences) reached downtime_h_threshold',
} as const;

/**
 * What the chain versions do besides the message's own rule: the automatic participant status,
 * a failed account settlement and its logged transfers, and vesting.
 */
function explainChainEffects(view: EventView, t: Text): void {
  for (const d of view.decisions) {
    switch (d.kind) {
      case 'status_change':
        t.para(
          `The chain recomputes ${d.name}'s status at this write (keeper/participant_status.go UpdateParticipantStatus): ` +
            `${STATUS_REASONS[d.reason]}, so ${d.name} becomes ${d.to} and an exclusion record for epoch ${d.epoch} is kept. ` +
            'When the epoch is settled it gets no work coins and no reward.',
        );
        break;
      case 'settlement_failed':
        t.para(
          `The account settlement of epoch ${d.epoch} fails ("${d.error}"). The chain only logs it (module.go) and the epoch ends ` +
            `anyway: ${d.mode === 'atomic' ? 'it ran in a cache context, so nothing of it is written' : `no cache context before v0.2.12, so what was written before the failure stays${d.minted > 0n ? ` — the ${money(d.minted)} just minted, distributed to no one` : ''}`}. ` +
            'The coin balances are not reset: a later epoch settles them.',
        );
        break;
      case 'expired_claim_failed':
        t.para(
          `The module cannot send ${d.name}'s unclaimed ${money(d.amount)} to governance ("${d.error}"): ` +
            (d.outcome === 'kept'
              ? 'before v0.2.12 the error is ignored, the old settle amount stays and the new one is not written.'
              : 'from v0.2.12 the error is logged and the new settle amount overwrites the old one, whose coins stay in the module.'),
        );
        break;
      case 'sweep_stopped':
        t.para(`Sweeping expired settle amounts stops at ${d.name}'s ${money(d.amount)} ("${d.error}"); the chain logs it, and the rest wait for a later epoch.`);
        break;
      case 'vested':
        t.para(
          `${money(d.amount)} goes to the vesting module instead of ${d.name}: ${plural(d.epochs, 'part')}, ` +
            `the first ${money(d.first)}${d.epochs > 1 ? `, then ${money(d.each)} each` : ''}, unlocked one at each epoch end (x/streamvesting).`,
        );
        break;
      case 'vesting_unlock_failed':
        t.para(`The vesting module cannot send ${d.name}'s ${money(d.amount)} ("${d.error}"); the chain logs it and that schedule waits an epoch.`);
        break;
      default:
        break;
    }
  }
}

/** The escrows start_epoch pruned (version rulesets): deleted, and an unsettled one shared among its hosts. */
function explainPruning(view: EventView, ctx: StepContext, t: Text): void {
  const pruned = decisionsOf(view.decisions, 'escrow_pruned');
  const first = pruned[0];
  if (first === undefined) return;
  const version = ctx.replay.run.rules;
  const memo = rulesetOf(ctx).memos.unsettledDistribution;
  const x = first.epoch;
  const settled = pruned.filter((d) => d.settled).map((d) => String(d.escrow));
  t.para(
    `Epoch ${view.after.effectiveEpoch} starts, so ${version} prunes the escrows of epoch ${x} (the chain deletes a devshard ` +
      `escrow when the effective epoch reaches its epoch + 2), with their host stats.` +
      (settled.length === 0
        ? ''
        : ` Settled escrow${settled.length === 1 ? '' : 's'} ${listWords(settled)} ${settled.length === 1 ? 'is' : 'are'} ` +
          `simply deleted: a later settle_escrow would fail with "escrow ${settled[0]} not found".`),
  );
  for (const d of pruned) {
    if (d.settled) continue;
    const escrow = escrowOf(view.before, d.escrow);
    if (!escrow) continue;
    const shares = d.shares ?? [];
    const sent = new Map(view.transfers.filter((tr) => tr.memo === memo).map((tr) => [tr.to, tr.amount]));
    const hosts = [...new Set(escrow.slots)];
    const failed = shares.filter((sh) => !sent.has(sh.host)).map((sh) => sh.host);
    let how: string;
    if (d.split === 'per_slot') {
      const gets = shares.map((sh, i) => {
        const count = escrow.slots.filter((h) => h === sh.host).length;
        return `${sh.host}${count > 1 ? ` (${count} slots)` : ''}${i === 0 ? ' gets' : ''} ${money(sh.amount)}`;
      });
      how =
        `per slot: floor(${money(escrow.amount)} / ${plural(escrow.slots.length, 'slot')}) = ` +
        `${money(escrow.amount / BigInt(escrow.slots.length))} a slot${gets.length > 0 ? `, so ${listWords(gets)}` : ''}`;
    } else {
      how =
        `per unique host: floor(${money(escrow.amount)} / ${plural(hosts.length, 'host')}) = ` +
        `${money(escrow.amount / BigInt(hosts.length))}${shares.length > 0 ? ` each to ${listWords(shares.map((sh) => sh.host))}` : ''}`;
    }
    const unsent = failed.length === 0 ? '' : ` ${listWords(failed)}'s share could not be sent (the chain only logs it) and stays in the module.`;
    const remainder = d.remainder ?? 0n;
    t.bullet(
      `Escrow ${d.escrow} (${money(escrow.amount)} from ${escrow.creator}, slots ${escrow.slots.join(', ')}) was never settled: ` +
        `${version} shares it ${how} (${memo}).${unsent} ${escrow.creator} gets nothing back` +
        (remainder > 0n
          ? `, and the remainder, ${money(remainder)}, stays in the inference module with no owner — a known divergence ` +
            '(PR #1357, closed, proposed refunding the creator).'
          : '.'),
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Blocks

function transfersLines(transfers: readonly Transfer[], width: number): { unit: string; lines: string[] } {
  const u = unitFor(transfers.map((tr) => tr.amount));
  const rows = transfers.map((tr) => [`${tr.from} → ${tr.to}`, u.format(tr.amount), tr.memo]);
  return { unit: u.name, lines: fitTable(['', '', ''], rows, { right: [1] }, width) };
}

function changesLines(changes: readonly Change[], width: number): string[] {
  const pathWidth = Math.min(32, Math.max(...changes.map((c) => columns(c.path))));
  const out: string[] = [];
  for (const c of changes) {
    const value = `${c.before} → ${c.after}`;
    if (columns(c.path) > pathWidth) {
      out.push(`  ${c.path}`);
      out.push(...wrap(value, width, '      ', '      '));
      continue;
    }
    const first = `  ${c.path.padEnd(pathWidth)}  `;
    out.push(...wrap(value, width, first, ' '.repeat(first.length)));
  }
  return out;
}

function countFields(x: Expectation): number {
  const keys = (o: object | null): number => (o === null ? 1 : Math.max(1, Object.keys(o).length));
  let n = 0;
  if (x.epoch !== undefined) n += 1;
  if (x.ended !== undefined) n += 1;
  n += x.bank?.length ?? 0;
  for (const [, v] of x.participants ?? []) n += keys(v);
  for (const [, v] of x.settle_amounts ?? []) n += keys(v);
  for (const [, byName] of x.summaries ?? []) for (const [, v] of byName) n += keys(v);
  for (const [, v] of x.escrows ?? []) n += keys(v);
  if (x.supply) n += keys(x.supply);
  if (x.surplus !== undefined) n += 1;
  n += x.exclusions?.length ?? 0;
  for (const [, v] of x.inferences ?? []) n += keys(v);
  return n;
}

function checkpointBlock(view: CheckView, p: Palette, t: Text): void {
  const item: ExpectItem = view.item;
  const topics = Object.keys(item.expect).filter((k) => item.expect[k as keyof Expectation] !== undefined);
  const n = countFields(item.expect);
  t.para(`Checkpoint: the scenario compares ${plural(n, 'field')} with the state here (${topics.join(', ')}).`);
  if (view.record.ok) {
    t.para(n === 1 ? '✓ It holds.' : '✓ All of them hold.', p.green);
    return;
  }
  t.para(`✗ ${view.record.failures.length} of them differ${view.record.failures.length === 1 ? 's' : ''}:`, p.red);
  for (const f of view.record.failures) t.bullet(`${f.field}: expected ${f.expected}, actual ${f.actual}`, p.red);
}

/** Each known divergence the step recorded: what stays ownerless (or is missing), and the chain issue it comes from. */
function knownParagraphs(view: EventView, ctx: StepContext, p: Palette, t: Text): void {
  view.decisions.forEach((d) => {
    if (d.kind !== 'divergence') return;
    t.para(
      `Known divergence of ${ctx.replay.run.rules}: ${netWords(d.amount)} (source: ${DIVERGENCE_SOURCES[d.id]}). A finding about that ` +
        'chain version, not a violation.',
      p.yellow,
    );
  });
}

export interface BlockOptions {
  readonly width?: number;
  /** Show the holdings of the accounts that changed (off when full states are shown around it). */
  readonly holdings?: boolean;
  /** Added to the heading, e.g. `under immediate` when compare shows one step per ruleset. */
  readonly title?: string;
}

/** The block of the item at `position` in the replay's views (0-based). */
export function explainBlock(replay: Replay, position: number, p: Palette, opts: BlockOptions = {}): string[] {
  const width = opts.width ?? WIDTH;
  const view = replay.views[position];
  if (!view) throw new Error(`internal: no step at position ${position}`);
  const world = replay.run.world;
  const ctx: StepContext = { replay, world, position };
  const t = new Text(width);
  const item = view.item;
  const title = item.kind === 'event' ? item.event.type : 'expect';
  const suffix = opts.title === undefined ? '' : ` · ${opts.title}`;
  t.raw([p.bold(p.cyan(rule(`Step ${item.index} · line ${item.loc.line} · ${title}${suffix}`, width)))]);
  if (view.kind === 'expect') {
    checkpointBlock(view, p, t);
    return t.lines;
  }
  t.para(asked(view.item, view.before, ctx, view.transfers));
  if (view.item.note !== undefined) t.para(`Note: ${view.item.note}`, p.dim, '', '      ');
  t.blank();

  const record = view.record;
  if (record.status === 'error') {
    const expected = record.problem === undefined;
    t.para(`✗ The transaction failed${expected ? ', as the scenario expects' : ''}: ${record.error ?? ''}`, expected ? p.yellow : p.red);
    t.para(explainFailure(view, ctx));
    t.para('Nothing changed: a failed transaction leaves the state exactly as it was.');
  } else {
    explainSuccess(view, ctx, t);
    if (record.result !== undefined) t.para(`Result: ${q(record.result)}`, p.bold);
    knownParagraphs(view, ctx, p, t);
  }
  if (record.problem !== undefined) {
    t.para(`✗ Not as the scenario expects: ${record.problem}`, p.red);
  } else if (view.item.expectResult !== undefined) {
    t.para(`As the scenario expects (expect_result: ${q(view.item.expectResult)}).`, p.green);
  }
  for (const v of view.violations) t.para(`✗ Invariant violated (${v.invariant}): ${v.message}`, p.red);

  if (view.transfers.length > 0) {
    const tr = transfersLines(view.transfers, width);
    t.blank().raw([p.bold(`Transfers (${tr.unit})`)]).raw(tr.lines);
  }
  const changes = diffState(view.before, view.after, world);
  if (changes.length > 0) t.blank().raw([p.bold('Changes (before → after)')]).raw(changesLines(changes, width));
  if (opts.holdings !== false) {
    const rows = changedHoldings(view.before, view.after, world);
    if (rows.length > 0) {
      const table = holdingsTable(rows, sumHoldings(accountHoldings(view.after, world)), { head: p.dim }, width);
      t.blank().raw([p.bold(`Holdings after step ${item.index} (${table.unit})`)]).raw(table.lines);
    }
  }
  return t.lines;
}

// ---------------------------------------------------------------------------------------------
// Whole documents

function paramsLine(scenario: Scenario): string {
  const d = DEFAULT_PARAMS;
  const s = scenario.params;
  const out: string[] = [];
  if (s.tokenPrice !== d.tokenPrice) out.push(`token_price ${groupDigits(s.tokenPrice)} ngonka`);
  if (s.escrow.minAmount !== d.escrow.minAmount) out.push(`escrow.min_amount ${money(s.escrow.minAmount)}`);
  if (s.escrow.maxAmount !== d.escrow.maxAmount) out.push(`escrow.max_amount ${money(s.escrow.maxAmount)}`);
  if (s.escrow.maxPerEpoch !== d.escrow.maxPerEpoch) out.push(`escrow.max_per_epoch ${s.escrow.maxPerEpoch}`);
  if (s.escrow.allowedCreators.length > 0) out.push(`escrow.allowed_creators ${s.escrow.allowedCreators.join(', ')}`);
  if (s.epochReward !== undefined) out.push(`epoch_reward ${money(s.epochReward)}`);
  if (s.initialEpochReward !== d.initialEpochReward) out.push(`initial_epoch_reward ${money(s.initialEpochReward)}`);
  if (s.genesisEpoch !== d.genesisEpoch) out.push(`genesis_epoch ${s.genesisEpoch}`);
  if (s.standardRewardAmount !== d.standardRewardAmount) out.push(`standard_reward_amount ${money(s.standardRewardAmount)}`);
  if (s.skippedPayout !== d.skippedPayout) out.push(`skipped_payout ${s.skippedPayout}`);
  if (s.powerCapping !== d.powerCapping) out.push(`power_capping ${s.powerCapping ?? 'the ruleset\'s'}`);
  if (s.downtimeTest !== d.downtimeTest) out.push(`downtime_test ${s.downtimeTest}`);
  if (s.binomTestP0.num * d.binomTestP0.den !== d.binomTestP0.num * s.binomTestP0.den) {
    out.push(`binom_test_p0 ${s.binomTestP0.num}/${s.binomTestP0.den}`);
  }
  return out.length === 0 ? 'Params: the chain\'s defaults.' : `Params: ${out.join('; ')}; the rest are the chain's defaults.`;
}

function header(replay: Replay, file: string, p: Palette, t: Text, extra = ''): void {
  const { scenario, run } = replay;
  t.para(scenario.name, p.bold);
  t.para(`${file} · rules: ${run.rules}${extra}`, p.dim);
}

function introduction(replay: Replay, t: Text): void {
  const { scenario, run } = replay;
  if (scenario.description !== undefined) {
    for (const para of paragraphs(scenario.description)) t.blank().para(para);
  }
  t.blank();
  t.para(`Rules: ${run.rules} — ${RULESET_WORDS[run.rules].summary}.`);
  if (RULESETS[run.rules].reportsDivergences) {
    t.para(
      `Where ${run.rules} leaks or traps value, the step names it as a known divergence (a finding about that chain ` +
        'version, not a violation); they are listed again before the verdict.',
    );
  }
  t.para(paramsLine(scenario));
  const accounts = scenario.accounts.map((a) => `${a.name} ${money(a.balance)}`);
  const hosts = scenario.participants.map((h) => `${h.name} (weight ${h.weight}${h.balance > 0n ? `, ${money(h.balance)}` : ''})`);
  t.para(
    `Genesis: ${accounts.length > 0 ? `accounts ${listWords(accounts)}; ` : ''}participants ${listWords(hosts)}. ` +
      'No epoch has started yet (epoch 0).',
  );
}

/** The run's verdict, in the words `run` uses. */
export function verdictLine(run: RunResult, p: Palette): string {
  if (run.ok) return p.green(p.bold(`OK: ${plural(run.steps.length, 'event')}, ${plural(run.checks.length, 'checkpoint')}, invariants hold`));
  const failedSteps = run.steps.filter((s) => s.problem !== undefined).length;
  const failedChecks = run.checks.filter((c) => !c.ok).length;
  const parts = [
    failedSteps > 0 ? `${plural(failedSteps, 'step')} not as expected` : '',
    failedChecks > 0 ? `${plural(failedChecks, 'checkpoint')} failed` : '',
    run.violations.length > 0 ? `${plural(run.violations.length, 'invariant violation')}` : '',
  ].filter((s) => s !== '');
  return p.red(p.bold(`FAILED: ${parts.join(', ')}`));
}

/** The known divergences of the whole replay (chain-version rulesets only), before the verdict. */
function knownSection(replay: Replay, p: Palette, t: Text): void {
  const rules = replay.run.rules;
  if (!RULESETS[rules].reportsDivergences) return;
  t.blank().raw([p.bold(p.cyan(rule(`Known divergences of ${rules}`, t.width)))]);
  const known = knownDivergences(replay);
  if (known.length === 0) {
    t.para('None in this replay: every coin in the inference module has an owner.');
    return;
  }
  for (const k of known) t.bullet(`step ${k.step} (line ${k.line}, ${k.event}): ${k.what}.`, p.yellow);
  const total = known.reduce((sum, k) => sum + k.amount, 0n);
  const whole = total === replay.run.surplus ? ", the run's whole surplus" : `, of a surplus of ${money(replay.run.surplus)}`;
  t.para(`In all, ${netWords(total)}${whole}. These are findings about that chain version, not violations.`);
}

/** What the known divergences up to step `upTo` (inclusive) leave in the module with no owner. */
function knownUpTo(replay: Replay, upTo: number): bigint {
  return replay.run.divergences.filter((d) => d.step <= upTo).reduce((sum, d) => sum + d.amount, 0n);
}

/** `epochsim explain FILE`: the whole replay. */
export function renderExplain(replay: Replay, file: string, p: Palette, width: number = WIDTH): string {
  const t = new Text(width);
  header(replay, file, p, t);
  introduction(replay, t);
  replay.views.forEach((_, i) => {
    t.blank().raw(explainBlock(replay, i, p, { width }));
  });
  if (replay.views.length === 0) t.blank().para('The scenario has no events.');
  knownSection(replay, p, t);
  t.blank().raw([p.bold(p.cyan(rule('Result', width)))]).raw([verdictLine(replay.run, p)]);
  return `${t.lines.join('\n')}\n`;
}

function fullState(title: string, state: ChainState, replay: Replay, p: Palette, width: number, known = 0n): string[] {
  const world = replay.run.world;
  const t = new Text(width);
  const ended = endedEpochs(state);
  t.raw([p.bold(p.cyan(rule(title, width)))]);
  t.para(
    `Epoch ${state.effectiveEpoch}${state.effectiveEpoch === 0 ? ' (genesis)' : state.epochEnded ? ' (ended; the next has not started)' : ' (running)'}` +
      ` · epochs ended: ${ended.length > 0 ? ended.join(', ') : 'none'}`,
  );
  const rows = accountHoldings(state, world);
  const table = holdingsTable(rows, sumHoldings(rows), { head: p.dim }, width);
  t.blank().raw([p.bold(`Holdings (${table.unit})`)]).raw(table.lines);
  const module = balanceOf(state, world, INFERENCE_MODULE);
  const total = sumHoldings(rows);
  const backed = total.owed + total.claimable + total.escrowed;
  const gap = module - backed;
  const relation = gap === 0n ? 'exactly' : gap > 0n ? `${money(gap)} more than` : `${money(-gap)} less than`;
  const why = gap !== 0n && gap === known ? (gap > 0n ? ': the known divergences so far, coins no one owns' : ': the known divergences so far') : '';
  t.para(`The inference module holds ${money(module)}: ${relation} the owed, claimable and escrowed coins above, which it backs${why}.`, p.dim, '  ');

  const ledgerValues: bigint[] = [];
  vecForEach(state.participants, (q) => {
    ledgerValues.push(q.coinBalance, q.earnedCoins, q.settle?.workCoins ?? 0n, q.settle?.rewardCoins ?? 0n);
  });
  const lu = unitFor(ledgerValues);
  const ledger: string[][] = [];
  vecForEach(state.participants, (q, i) => {
    const s = q.settle;
    ledger.push([
      world.participants[i] as string,
      q.status,
      String(q.weight),
      lu.format(q.coinBalance),
      lu.format(q.earnedCoins),
      s ? `epoch ${s.epoch}: ${lu.format(s.workCoins)} + ${lu.format(s.rewardCoins)}` : '—',
    ]);
  });
  if (ledger.length > 0) {
    t.blank().raw([p.bold(`Ledgers (${lu.name}; owed = coin_balance, settle amount = work + reward)`)]);
    t.raw(fitTable(['name', 'status', 'weight', 'owed', 'earned', 'settle amount'], ledger, { right: [2, 3, 4], head: p.dim }, width));
  }
  const summaryValues: bigint[] = [];
  vecForEach(state.summaries, (byName) => vecForEach(byName, (s) => summaryValues.push(s.earnedCoins, s.rewardedCoins)));
  const su = unitFor(summaryValues);
  const summaries: string[][] = [];
  vecForEach(state.summaries, (byName, epoch) => {
    vecForEach(byName, (s, i) => {
      summaries.push([
        String(epoch),
        world.participants[i] as string,
        su.format(s.earnedCoins),
        su.format(s.rewardedCoins),
        String(s.inferenceCount),
        String(s.missedRequests),
        String(s.invalidatedInferences),
        s.claimed ? 'yes' : 'no',
      ]);
    });
  });
  if (summaries.length > 0) {
    t.blank().raw([p.bold(`Performance summaries (${su.name})`)]);
    t.raw(
      fitTable(
        ['epoch', 'name', 'earned', 'rewarded', 'inferences', 'missed', 'invalid', 'claimed'],
        summaries,
        { right: [0, 2, 3, 4, 5, 6], head: p.dim },
        width,
      ),
    );
  }
  const amounts: bigint[] = [];
  vecForEach(state.escrows, (e) => amounts.push(e.amount));
  const escrowUnit = unitFor(amounts);
  const escrows: string[][] = [];
  vecForEach(state.escrows, (e) => {
    escrows.push([`#${e.id}`, e.creator, escrowUnit.format(e.amount), String(e.epoch), e.slots.join(','), e.settled ? 'settled' : 'open']);
  });
  if (escrows.length > 0) {
    t.blank().raw([p.bold(`Escrows (${escrowUnit.name})`)]);
    t.raw(fitTable(['id', 'creator', 'amount', 'epoch', 'slots', 'state'], escrows, { right: [2, 3], head: p.dim }, width));
  }
  return t.lines;
}

/** `epochsim explain FILE --step N`: one item with the full state before and after it. */
export function renderExplainStep(replay: Replay, index: number, file: string, p: Palette, width: number = WIDTH): string {
  const position = replay.views.findIndex((v) => v.item.index === index);
  const view = replay.views[position];
  if (!view) throw new Error(`internal: no step ${index}`);
  const t = new Text(width);
  header(replay, file, p, t, ` · step ${index} of ${replay.views.length}`);
  if (view.kind === 'expect') {
    // A checkpoint changes nothing: one state, the one it compares.
    t.blank().raw(explainBlock(replay, position, p, { width, holdings: false }));
    t.blank().raw(fullState(`State at step ${index}`, stateAfter(view), replay, p, width, knownUpTo(replay, index)));
  } else {
    t.blank().raw(fullState(`State before step ${index}`, stateBefore(view), replay, p, width, knownUpTo(replay, index - 1)));
    t.blank().raw(explainBlock(replay, position, p, { width, holdings: false }));
    t.blank().raw(fullState(`State after step ${index}`, stateAfter(view), replay, p, width, knownUpTo(replay, index)));
  }
  knownSection(replay, p, t);
  t.blank().raw([p.bold(p.cyan(rule('Result of the whole replay', width)))]).raw([verdictLine(replay.run, p)]);
  return `${t.lines.join('\n')}\n`;
}

/**
 * `epochsim explain`: the replay as a narrative for a person learning the rules. One block per
 * item: what the event asked, which rule applied and why (from the decisions the reducers
 * recorded), every transfer with its memo, the fields that changed, and where the coins are.
 * Pure: a Replay and a Palette in, text out; every line fits WIDTH columns without colour.
 */
import { DEFAULT_PARAMS, type EventItem, type EventOf, type ExpectItem, type Expectation, type Scenario } from '../../domain/scenario.js';
import { groupDigits } from '../../domain/money.js';
import type { Transfer } from '../../engine/context.js';
import { vecForEach } from '../../engine/pvec.js';
import {
  activeSetOf,
  balanceOf,
  endedEpochs,
  escrowOf,
  exclusionsOf,
  participantOf,
  summaryOf,
} from '../../engine/queries.js';
import { RULESETS } from '../../engine/rules.js';
import type { RunResult, StepView } from '../../engine/run.js';
import { INFERENCE_MODULE, type ChainState, type World } from '../../engine/state.js';
import type { Decision } from '../../engine/trace.js';
import type { Palette } from '../palette.js';
import { diffState, type Change } from './diff.js';
import { accountHoldings, changedHoldings, holdingsTable, sumHoldings } from './holdings.js';
import { columns, fitTable, listWords, money, paragraphs, plural, rule, unitFor, wrap, WIDTH, type Paint } from './layout.js';
import { stateAfter, stateBefore, type Replay } from './replay.js';

type EventView = Extract<StepView, { kind: 'event' }>;
type CheckView = Extract<StepView, { kind: 'expect' }>;
type DecisionOf<K extends Decision['kind']> = Extract<Decision, { kind: K }>;

/** Lines under construction: prose is wrapped at the width, then painted line by line. */
class Text {
  readonly lines: string[] = [];
  constructor(readonly width: number) {}

  para(text: string, paint?: Paint, first = '', rest = first): this {
    for (const line of wrap(text, this.width, first, rest)) this.lines.push(paint ? paint(line) : line);
    return this;
  }

  bullet(text: string, paint?: Paint): this {
    return this.para(text, paint, '  - ', '    ');
  }

  raw(lines: readonly string[]): this {
    this.lines.push(...lines);
    return this;
  }

  blank(): this {
    if (this.lines.length > 0 && this.lines[this.lines.length - 1] !== '') this.lines.push('');
    return this;
  }
}

/** What a step's explanation needs besides its view. */
interface StepContext {
  readonly replay: Replay;
  readonly world: World;
  /** Position of the view in replay.views. */
  readonly position: number;
}

/** Where the two v1 rulesets come from, said where a settlement is explained. */
const RULES_ORIGIN: Partial<Record<string, string>> = {
  deferred: ' (PR #1000)',
  immediate: ' (the chain before PR #1000)',
};

const decisionsOf = <K extends Decision['kind']>(decisions: readonly Decision[], kind: K): DecisionOf<K>[] =>
  decisions.filter((d): d is DecisionOf<K> => d.kind === kind);

const q = (s: string): string => `"${s}"`;

// ---------------------------------------------------------------------------------------------
// What each event asked

function asked(item: EventItem, before: ChainState, scenario: Scenario, transfers: readonly Transfer[]): string {
  const e = item.event;
  const current = before.effectiveEpoch;
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
      const escrow = e.escrow >= 1n && e.escrow <= BigInt(before.escrows.size) ? escrowOf(before, Number(e.escrow)) : undefined;
      const settler = e.settler ?? escrow?.creator ?? 'the creator';
      const what = escrow ? ` (${money(escrow.amount)} of epoch ${escrow.epoch}, slots ${escrow.slots.join(', ')})` : '';
      const fees = e.fees > 0n ? `fees of ${money(e.fees)}` : 'no fees';
      const nonce = e.nonce === undefined ? '' : `, nonce ${e.nonce}`;
      return `${settler} settles escrow ${e.escrow}${what} with ${fees} and ${plural(e.hosts.length, 'host entry', 'host entries')}${nonce}.`;
    }
    case 'exclude_participant':
      return `Exclude ${e.participant} as ${e.reason === 'invalid' ? 'INVALID' : 'INACTIVE'} for the rest of epoch ${current}.`;
    case 'end_epoch':
      if (current === 0) return 'End the running epoch (none has started yet).';
      return `End epoch ${current}: settle its accounts${e.punish.length > 0 ? `, punishing ${listWords([...e.punish])} (failed the downtime test)` : ''}.`;
    case 'claim_reward':
      return `${e.participant} claims its rewards for epoch ${e.epoch}.`;
    case 'transfer':
      return `${e.from} sends ${money(e.amount)} to ${e.to}.`;
    default:
      // An event this narrative does not word yet: its name, and the facts below.
      return `A ${(e as { readonly type: string }).type} event.`;
  }
}

// ---------------------------------------------------------------------------------------------
// Why a failed transaction failed

function explainFailure(view: EventView, ctx: StepContext): string {
  const e = view.item.event;
  const error = view.record.error ?? '';
  const before = view.before;
  const world = ctx.world;
  const current = before.effectiveEpoch;
  const balance = (name: string): string => money(balanceOf(before, world, name));
  let m: RegExpExecArray | null;
  switch (e.type) {
    case 'settle_escrow': {
      const count = before.escrows.size;
      if (/ not found$/.test(error)) {
        return count === 0 ? `There is no escrow ${e.escrow}: none has been created yet.` : `There is no escrow ${e.escrow}: escrows are numbered 1 to ${count}.`;
      }
      if (/already settled$/.test(error)) {
        const at = settledAt(ctx, Number(e.escrow));
        return `Escrow ${e.escrow} was already settled${at === undefined ? '' : ` at step ${at}`}; an escrow is settled once.`;
      }
      if ((m = /^settler (\S+) is not the escrow creator (\S+)$/.exec(error))) {
        return `Only the escrow's creator, ${m[2]}, may settle it; ${m[1]} may not.`;
      }
      if (/^duplicate host_stats slot_id/.test(error)) return 'Each slot may appear only once in the host entries of a settlement.';
      if (/out of range$/.test(error)) {
        const escrow = escrowOf(before, Number(e.escrow));
        return `Escrow ${e.escrow} has ${plural(escrow?.slots.length ?? 0, 'slot')}, numbered from 0; a host entry must name one of them.`;
      }
      if (/exceeds assigned per slot|exceeds completed per slot/.test(error)) {
        return 'With a nonce, a slot cannot miss more inferences than were assigned to it, nor invalidate more than it completed.';
      }
      if (/^total debit/.test(error)) return "The host entries' costs plus the fees would take more than the escrow holds.";
      if ((m = /current epoch (\d+), escrow epoch (\d+)$/.exec(error))) {
        const x = Number(m[2]);
        const escrow = escrowOf(before, Number(e.escrow));
        return (
          `The settlement failed: escrow ${e.escrow} is from epoch ${x} and the chain is in epoch ${m[1]} — a devshard ` +
          `escrow can be settled only in its own epoch or the next (epoch ${x} or ${x + 1}). ` +
          `${escrow ? `Its ${money(escrow.amount)} stay` : 'The coins stay'} locked in the inference module (v1 models no escrow pruning).`
        );
      }
      if ((m = /failed to allocate all remainder fees, (\d+) left/.exec(error))) {
        const fee = decisionsOf(view.decisions, 'fee_split')[0];
        if (fee) {
          return (
            `Fees of ${money(fee.fees)} over ${plural(fee.slots, 'slot')} are ${money(fee.share)} per host entry with ` +
            `${money(fee.remainder)} left over. The leftover goes +1 ngonka each to the first ${fee.remainder} host entries in ` +
            `message order, but the message has only ${plural(e.hosts.length, 'entry', 'entries')}, so ${m[1]} ngonka cannot be allocated.`
          );
        }
      }
      break;
    }
    case 'create_escrow': {
      const limits = ctx.replay.scenario.params.escrow;
      if (/is not allowed to create/.test(error)) {
        return `Only the allowed creators may create escrows (params.escrow.allowed_creators: ${limits.allowedCreators.join(', ')}).`;
      }
      if (/out of range \[/.test(error)) {
        return `An escrow must hold between ${money(limits.minAmount)} and ${money(limits.maxAmount)} (params.escrow min_amount and max_amount).`;
      }
      if (/already has .* escrows/.test(error)) return `An epoch may have at most ${limits.maxPerEpoch} escrows (params.escrow.max_per_epoch).`;
      if (/no epoch has started/.test(error)) return 'No epoch has started yet (the chain is in epoch 0).';
      if (/^slot host/.test(error)) return `Every slot host must be in the active set of the effective epoch, ${current}.`;
      if ((m = /is not the next id (\d+)$/.exec(error))) return `Escrow ids count from 1 in creation order; the next is ${m[1]}.`;
      if (/insufficient funds$/.test(error)) return `${e.creator} holds ${balance(e.creator)}, less than the ${money(e.amount)} the escrow locks.`;
      break;
    }
    case 'run_inference': {
      if (error === 'participant is not active') {
        return world.participantIndex.has(e.executor)
          ? `${e.executor} is not in the active set of epoch ${current}: only an active participant can execute an inference.`
          : `${e.executor} is an account, not a participant: only a member of the active set of epoch ${current} can execute an inference.`;
      }
      if (error === 'requester cannot pay for inference') {
        const price = e.price ?? ctx.replay.scenario.params.tokenPrice;
        return `${e.requester} holds ${balance(e.requester)}, less than the escrow of (max_tokens + prompt) × price = ${money((e.maxTokens + e.promptTokens) * price)}.`;
      }
      if (/exceeds limit/.test(error)) return 'Token counts are limited to 1,000,000 per inference.';
      break;
    }
    case 'start_epoch':
      if (/has not ended$/.test(error)) return `Epoch ${current} is still running: end_epoch must settle it before epoch ${current + 1} can start.`;
      break;
    case 'end_epoch':
      if (error === 'no epoch to end') return 'No epoch has started yet, so there is none to end.';
      if (/already ended$/.test(error)) return `Epoch ${current} has already ended; start_epoch begins the next one.`;
      if (/is not in epoch/.test(error)) return `Only members of the active set of epoch ${current} can be punished in it.`;
      break;
    case 'exclude_participant':
      if (/already excluded/.test(error)) return `${e.participant} was already excluded in epoch ${current}; a participant is excluded once per epoch.`;
      if (error === 'participant is not active') return `${e.participant} is not in the active set of epoch ${current}.`;
      break;
    case 'claim_reward':
      if (error === 'participant is not active') {
        if (!world.participantIndex.has(e.participant)) {
          return `${e.participant} is an account, not a participant: only a member of the current or the previous active set may claim, so the chain refuses the claim as a transaction error.`;
        }
        return `${e.participant} is in neither the active set of epoch ${current} (the effective one) nor that of epoch ${current - 1}, so the chain refuses the claim as a transaction error.`;
      }
      break;
    case 'transfer':
      if (/insufficient funds$/.test(error)) return `${e.from} holds ${balance(e.from)}, less than ${money(e.amount)}.`;
      break;
  }
  return 'The chain refused the transaction.';
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
function punishedWhy(ctx: StepContext, before: ChainState, x: number, host: string, rewardInX: bigint | undefined): string {
  if (rewardInX === undefined) {
    return `${host} has no epoch-${x} performance summary (it was not in the active set of epoch ${x}), which counts as punished`;
  }
  const world = ctx.world;
  const index = world.participantIndex.get(host) as number;
  if (exclusionsOf(before, x).includes(host)) return `${host} was excluded in epoch ${x}, so its epoch-${x} reward is 0: it counts as punished`;
  for (let i = ctx.position - 1; i >= 0; i--) {
    const v = ctx.replay.views[i];
    if (v?.kind !== 'event' || v.item.event.type !== 'end_epoch' || v.record.status !== 'ok') continue;
    if (v.before.effectiveEpoch !== x) continue;
    if (v.item.event.punish.includes(host)) {
      return `${host} was punished in epoch ${x}: its epoch-${x} reward is 0 (end_epoch punish at step ${v.item.index}: it failed the downtime test)`;
    }
  }
  const set = activeSetOf(before, x);
  const at = set?.members.indexOf(index) ?? -1;
  if (set && at >= 0 && set.weights[at] === 0n) return `${host}'s epoch-${x} reward is 0 (its weight was 0), which counts as punished`;
  return `${host}'s epoch-${x} reward is 0 (the pool left it nothing), which counts as punished`;
}

function explainSettle(e: EventOf<'settle_escrow'>, view: EventView, ctx: StepContext, t: Text): void {
  const { before } = view;
  const world = ctx.world;
  const escrow = escrowOf(before, Number(e.escrow));
  const window = decisionsOf(view.decisions, 'settle_window')[0];
  const refund = decisionsOf(view.decisions, 'refund')[0];
  if (!escrow || !window || !refund) return;
  const fee = decisionsOf(view.decisions, 'fee_split')[0] ?? { fees: 0n, slots: escrow.slots.length, share: 0n, remainder: 0n, bonusSlots: [] };
  const x = window.escrowEpoch;
  const c = window.current;
  const id = window.escrow;
  const rules = `the ${ctx.replay.run.rules} rules${RULES_ORIGIN[ctx.replay.run.rules] ?? ''}`;
  if (window.mode === 'same_epoch') {
    t.para(
      `Escrow ${id} is from epoch ${x} and the chain is in epoch ${c}, which has not ended: same-epoch settlement. ` +
        `Under ${rules} each host's payout is credited to its ledger (coin_balance and ` +
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
      `Escrow ${id} is from epoch ${x} and the chain is in epoch ${c}${state}, within the window of its own epoch ` +
        `or the next. Under ${rules} every host is paid by bank at once.`,
    );
  } else {
    // A ruleset this renderer does not describe in words yet: the facts, and each host's route below.
    t.para(`Escrow ${id} is from epoch ${x} and the chain is in epoch ${c}. Under ${rules} each host's payout goes as follows.`);
  }

  // The fee split, entry by entry in message order.
  if (fee.fees === 0n) {
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
  const entryLines = e.hosts.map((h) => {
    const host = escrow.slots[h.slot] ?? '?';
    const parts = [`${u.format(h.cost)} cost`];
    if (fee.fees > 0n) parts.push(`${u.format(fee.share)} fees`);
    if (bonus.has(h.slot)) parts.push(`${u.format(1n)} remainder`);
    const counts = [h.missed > 0 ? `missed ${h.missed}` : '', h.invalid > 0 ? `invalid ${h.invalid}` : ''].filter((s) => s !== '');
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
    switch (d.route) {
      case 'ledger':
        t.bullet(`${host} is owed ${a}${slotsText}: credited to its ledger, to be paid with its epoch-${c} settle amount.`);
        break;
      case 'settle_amount':
        t.bullet(
          `${host} was not punished in epoch ${x} (reward ${money(d.rewardInX ?? 0n)}); its epoch-${x} settle amount is ` +
            `unclaimed, so ${a} is added to its work coins (and to the earned coins of its epoch-${x} summary).`,
        );
        break;
      case 'bank': {
        if (window.mode === 'immediate') {
          t.bullet(`${host} is paid ${a}${slotsText} at once by bank (subnet_escrow_payment).`);
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
        t.bullet(
          `${host} was not punished in epoch ${x} (reward ${money(d.rewardInX ?? 0n)}), but ${reason}, so its ${a} cannot wait ` +
            `there: it is paid at once by bank (subnet_escrow_payment) and added to its epoch-${x} summary.`,
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
        t.bullet(`${why}. It is not paid: ${where}.`);
        break;
      }
      default:
        t.bullet(`${host} is owed ${a}${slotsText}; route: ${d.route}.`);
        break;
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
  }
  const forfeited = refund.forfeited > 0n ? ` and ${money(refund.forfeited)} sent to governance` : '';
  t.bullet(
    refund.amount > 0n
      ? `${refund.creator} gets back ${money(refund.amount)}: the ${money(escrow.amount)} locked minus ${money(refund.paid)} for the hosts${forfeited} (subnet_escrow_refund).`
      : `Nothing is refunded to ${refund.creator}: all ${money(escrow.amount)} went to the hosts${forfeited}.`,
  );
  t.bullet(`Escrow ${id} is now settled; the host stats of epoch ${x} add every entry and count the escrow once per host.`);
}

const NO_REWARD: Partial<Record<string, (n: number, status: string) => string>> = {
  punished: (n) => `punished in epoch ${n} (failed the downtime test): reward 0`,
  not_active: (_n, status) => `status ${status}, not ACTIVE: reward 0`,
  zero_weight: () => 'weight 0: reward 0',
  zero_pool: () => 'the pool is 0: reward 0',
};

function explainEndEpoch(view: EventView, ctx: StepContext, t: Text): void {
  const { before } = view;
  const world = ctx.world;
  const pool = decisionsOf(view.decisions, 'reward_pool')[0];
  if (!pool) return;
  const n = pool.epoch;
  const params = ctx.replay.scenario.params;
  const source =
    pool.source === 'param'
      ? `${money(pool.uncapped ?? pool.pool)} (params.epoch_reward)`
      : `the chain's formula, floor(${money(params.initialEpochReward)} × 0.9995251127946402^(${n} − ${params.genesisEpoch})) = ${money(pool.uncapped ?? pool.pool)}`;
  const cap =
    pool.uncapped === undefined
      ? ''
      : ` The lifetime cap (standard_reward_amount ${money(params.standardRewardAmount)}, ${money(before.minted)} minted so far) cuts it to ${money(pool.pool)}.`;
  t.para(
    `Epoch ${n} is settled. Its reward pool F is ${source}.${cap} F is minted into the inference module ` +
      `(reward_distribution) and shared by weight over the whole active set (W = ${pool.totalWeight}): each ACTIVE, ` +
      `unpunished member with weight gets floor(weight × F / W).`,
  );
  const members = decisionsOf(view.decisions, 'member_settled');
  for (const m of members) {
    const p = participantOf(before, world, m.name);
    const parts: string[] = [];
    const why = m.noReward === undefined ? undefined : NO_REWARD[m.noReward];
    parts.push(m.noReward === undefined ? `reward ${money(m.reward)}` : why ? why(n, p?.status ?? 'ACTIVE') : `reward 0 (${m.noReward})`);
    if (m.work > 0n) parts.push(`work coins ${money(m.work)} (its coin_balance)`);
    else if (m.forfeited === 0n) parts.push('no work coins');
    let tail: string;
    if (m.forfeited > 0n) {
      parts.push(`its ${money(m.forfeited)} of owed work coins is forfeited to governance (forfeited_work_coins_to_governance:epoch=${n})`);
    }
    if (m.reward + m.work > 0n) {
      tail = `settle amount for epoch ${n}: ${money(m.reward + m.work)}, claimable during epoch ${n + 1}`;
    } else {
      const held = p?.settle;
      tail = `nothing to settle, so no settle amount is written${held ? ` (its epoch-${held.epoch} one stays)` : ''}`;
    }
    t.bullet(`${m.name} (weight ${m.weight} of ${pool.totalWeight}): ${parts.join('; ')} → ${tail}.`);
  }
  const rest = pool.pool - pool.distributed;
  if (pool.pool > 0n) {
    t.bullet(
      rest > 0n
        ? `Rewards come to ${money(pool.distributed)}; the rest of F, ${money(rest)}, goes to governance (bitcoin_reward_to_governance:epoch=${n}).`
        : `Rewards come to all of F, ${money(pool.distributed)}: nothing is left for governance.`,
    );
  } else {
    t.bullet('The pool is 0: nothing is minted and no one is rewarded.');
  }
  for (const tr of view.transfers) {
    if (tr.memo.startsWith('expired claim:')) {
      const name = tr.memo.slice('expired claim:'.length);
      const old = participantOf(before, world, name)?.settle;
      t.bullet(
        `${name}'s unclaimed settle amount of epoch ${old?.epoch ?? '?'} (${money(tr.amount)}) expires to governance: its new epoch-${n} record replaces it (expired claim:${name}).`,
      );
    } else if (tr.memo.startsWith('expired:')) {
      const name = tr.memo.slice('expired:'.length);
      const old = participantOf(before, world, name)?.settle;
      t.bullet(
        `${name}'s unclaimed settle amount of epoch ${old?.epoch ?? '?'} (${money(tr.amount)}) is older than epoch ${n - 1} and is swept to governance (expired:${name}).`,
      );
    }
  }
  t.para(
    `Epoch ${n} has now ended but stays the effective epoch until the next start_epoch; its settle amounts can be claimed only during epoch ${n + 1}.`,
  );
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
      t.para(
        `${money(e.amount)} moves from ${e.creator} to the inference module and stays locked there as escrow ${id} of epoch ${c}. ` +
          `It can be settled in epoch ${c} or ${c + 1}; whatever the hosts are not paid goes back to ${e.creator}.` +
          `${before.epochEnded ? ` Epoch ${c} has already ended, so any settlement of it counts as cross-epoch.` : ''}`,
      );
      break;
    }
    case 'settle_escrow':
      explainSettle(e, view, ctx, t);
      break;
    case 'exclude_participant': {
      const c = before.effectiveEpoch;
      const owed = participantOf(before, world, e.participant)?.coinBalance ?? 0n;
      t.para(
        `${e.participant} becomes ${e.reason === 'invalid' ? 'INVALID' : 'INACTIVE'} for the rest of epoch ${c}, and an exclusion record ` +
          `is kept. When epoch ${c} ends it gets no reward (its weight still counts in W) and its owed work coins` +
          `${owed > 0n ? `, now ${money(owed)},` : ''} are forfeited to governance.`,
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
  t.para(asked(view.item, view.before, replay.scenario, view.transfers));
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
  t.para(`Rules: ${run.rules} — ${RULESETS[run.rules].summary}.`);
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
  if (run.ok) return p.green(p.bold(`OK: ${run.steps.length} events, ${run.checks.length} checkpoints, invariants hold`));
  const failedSteps = run.steps.filter((s) => s.problem !== undefined).length;
  const failedChecks = run.checks.filter((c) => !c.ok).length;
  const parts = [
    failedSteps > 0 ? `${plural(failedSteps, 'step')} not as expected` : '',
    failedChecks > 0 ? `${plural(failedChecks, 'checkpoint')} failed` : '',
    run.violations.length > 0 ? `${plural(run.violations.length, 'invariant violation')}` : '',
  ].filter((s) => s !== '');
  return p.red(p.bold(`FAILED: ${parts.join(', ')}`));
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
  t.blank().raw([p.bold(p.cyan(rule('Result', width)))]).raw([verdictLine(replay.run, p)]);
  return `${t.lines.join('\n')}\n`;
}

function fullState(title: string, state: ChainState, replay: Replay, p: Palette, width: number): string[] {
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
  t.para(
    `The inference module holds ${money(module)}: ${module === backed ? 'exactly' : `${money(module - backed)} more than`} the owed, ` +
      'claimable and escrowed coins above, which it backs.',
    p.dim,
    '  ',
  );

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
    t.blank().raw(fullState(`State at step ${index}`, stateAfter(view), replay, p, width));
  } else {
    t.blank().raw(fullState(`State before step ${index}`, stateBefore(view), replay, p, width));
    t.blank().raw(explainBlock(replay, position, p, { width, holdings: false }));
    t.blank().raw(fullState(`State after step ${index}`, stateAfter(view), replay, p, width));
  }
  t.blank().raw([p.bold(p.cyan(rule('Result of the whole replay', width)))]).raw([verdictLine(replay.run, p)]);
  return `${t.lines.join('\n')}\n`;
}

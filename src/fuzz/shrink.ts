/**
 * Shrinks a failing scenario while the same property still fails: fewest events (chunks, then
 * single events), fewer settlement host entries, smallest amounts (halving amounts, costs,
 * fees, token counts and prices), fewest participants and accounts (dropping unused ones).
 * Every accepted step makes the scenario strictly smaller and nothing ever grows.
 */
import type { ChainEvent, Scenario } from '../domain/scenario.js';
import { eventsOf, withEvents } from './generate.js';

export interface ShrinkOptions {
  /** Most predicate calls (each one replays the scenario). */
  readonly budget?: number;
}

export interface ShrinkResult {
  readonly scenario: Scenario;
  /** Predicate calls made. */
  readonly tries: number;
}

/** The size the shrinker never grows: events, participants, accounts, and the sum of every amount. */
export interface ScenarioSize {
  readonly events: number;
  readonly participants: number;
  readonly accounts: number;
  readonly amounts: bigint;
  /** List entries of the events: settlement hosts, slots, active sets, weights, punished hosts. */
  readonly entries: number;
}

function eventEntries(e: ChainEvent): number {
  switch (e.type) {
    case 'settle_escrow':
      return e.hosts.length + (e.nonce === undefined ? 0 : 1) + (e.settler === undefined ? 0 : 1);
    case 'create_escrow':
      return e.slots.length;
    case 'start_epoch':
      return (e.active?.length ?? 0) + e.weights.length;
    case 'end_epoch':
      return e.punish.length + (e.punishListed === true ? 1 : 0);
    default:
      return 0;
  }
}

function eventAmounts(e: ChainEvent): bigint {
  switch (e.type) {
    case 'create_escrow':
      return e.amount;
    case 'settle_escrow':
      return e.escrow + e.fees + e.hosts.reduce((a, h) => a + h.cost, 0n);
    case 'transfer':
      return e.amount;
    case 'run_inference':
      return e.promptTokens + e.completionTokens + (e.price ?? 0n);
    default:
      return 0n;
  }
}

export function sizeOf(s: Scenario): ScenarioSize {
  const events = eventsOf(s);
  return {
    events: events.length,
    participants: s.participants.length,
    accounts: s.accounts.length,
    amounts: events.reduce((a, e) => a + eventAmounts(e), 0n),
    entries: events.reduce((a, e) => a + eventEntries(e), 0),
  };
}

/** Smaller-or-equal in every measure. */
export function noLarger(a: ScenarioSize, b: ScenarioSize): boolean {
  return a.events <= b.events && a.participants <= b.participants && a.accounts <= b.accounts && a.amounts <= b.amounts && a.entries <= b.entries;
}

/** Each way to halve one amount of an event (the event with that amount halved). */
function halvings(e: ChainEvent): ChainEvent[] {
  const out: ChainEvent[] = [];
  switch (e.type) {
    case 'create_escrow':
      if (e.amount > 0n) out.push({ ...e, amount: e.amount / 2n });
      break;
    case 'settle_escrow':
      if (e.escrow > 1n) out.push({ ...e, escrow: e.escrow - 1n });
      if (e.fees > 0n) out.push({ ...e, fees: e.fees / 2n });
      e.hosts.forEach((h, i) => {
        if (h.cost > 0n) out.push({ ...e, hosts: e.hosts.map((x, j) => (j === i ? { ...x, cost: x.cost / 2n } : x)) });
      });
      break;
    case 'transfer':
      if (e.amount > 1n) out.push({ ...e, amount: e.amount / 2n });
      break;
    case 'run_inference':
      if (e.promptTokens > 0n) out.push({ ...e, promptTokens: e.promptTokens / 2n });
      if (e.completionTokens > 0n) out.push({ ...e, completionTokens: e.completionTokens / 2n });
      if (e.price !== undefined && e.price > 1n) out.push({ ...e, price: e.price / 2n });
      break;
    default:
  }
  return out;
}

/** Each way to drop one entry of a list in an event: settlement hosts, active set, weights, punished, nonce. */
function fewerEntries(e: ChainEvent): ChainEvent[] {
  const without = <T>(xs: readonly T[], i: number): T[] => xs.filter((_, j) => j !== i);
  switch (e.type) {
    case 'settle_escrow': {
      const out: ChainEvent[] = e.hosts.map((_, i) => ({ ...e, hosts: without(e.hosts, i) }));
      if (e.nonce !== undefined) out.push({ ...e, nonce: undefined });
      if (e.settler !== undefined) out.push({ ...e, settler: undefined });
      return out;
    }
    case 'start_epoch':
      return [
        ...(e.active ?? []).map((_, i) => ({ ...e, active: without(e.active ?? [], i) })),
        ...e.weights.map((_, i) => ({ ...e, weights: without(e.weights, i) })),
      ];
    case 'end_epoch': {
      const out: ChainEvent[] = e.punish.map((_, i) => ({ ...e, punish: without(e.punish, i) }));
      if (e.punish.length === 0 && e.punishListed === true) out.push({ type: 'end_epoch', punish: [] });
      return out;
    }
    case 'create_escrow':
      return e.slots.length > 1 ? e.slots.map((_, i) => ({ ...e, slots: without(e.slots, i) })) : [];
    default:
      return [];
  }
}

function namesUsed(events: readonly ChainEvent[], s: Scenario): Set<string> {
  const used = new Set<string>(s.params.escrow.allowedCreators);
  const add = (...xs: (string | undefined)[]): void => {
    for (const x of xs) if (x !== undefined) used.add(x);
  };
  for (const e of events) {
    switch (e.type) {
      case 'start_epoch':
        add(...(e.active ?? []), ...e.weights.map(([n]) => n));
        break;
      case 'run_inference':
      case 'start_inference':
        add(e.requester, e.executor);
        break;
      case 'create_escrow':
        add(e.creator, ...e.slots);
        break;
      case 'settle_escrow':
        add(e.settler);
        break;
      case 'exclude_participant':
      case 'claim_reward':
        add(e.participant);
        break;
      case 'end_epoch':
        add(...e.punish);
        break;
      case 'transfer':
        add(e.from, e.to);
        break;
      case 'finish_inference':
        add(e.executor);
        break;
      case 'validate_inference':
        add(e.validator);
        break;
      default:
    }
  }
  return used;
}

/**
 * Removing the k-th create_escrow shifts the ids of the escrows created after it: the same
 * removal with every later settlement of an escrow above k renumbered one down (undefined when
 * event i is not a create_escrow or nothing needs renumbering).
 */
function withoutEscrow(events: readonly ChainEvent[], i: number): ChainEvent[] | undefined {
  if (events[i]?.type !== 'create_escrow') return undefined;
  const k = BigInt(events.slice(0, i + 1).filter((e) => e.type === 'create_escrow').length);
  let changed = false;
  const out = events.flatMap((e, j): ChainEvent[] => {
    if (j === i) return [];
    if (j > i && e.type === 'settle_escrow' && e.escrow > k) {
      changed = true;
      return [{ ...e, escrow: e.escrow - 1n }];
    }
    return [e];
  });
  return changed ? out : undefined;
}

export function shrinkScenario(start: Scenario, fails: (s: Scenario) => boolean, options: ShrinkOptions = {}): ShrinkResult {
  const budget = options.budget ?? 2000;
  let tries = 0;
  let best = start;
  const attempt = (candidate: Scenario): boolean => {
    if (tries >= budget) return false;
    tries += 1;
    if (fails(candidate)) {
      best = candidate;
      return true;
    }
    return false;
  };

  const removeEvents = (): boolean => {
    let progress = false;
    let events = eventsOf(best);
    for (let chunk = Math.max(1, Math.floor(events.length / 2)); chunk >= 1; chunk = Math.floor(chunk / 2)) {
      let i = 0;
      while (i < events.length && tries < budget) {
        const candidate = [...events.slice(0, i), ...events.slice(i + chunk)];
        const renumbered = chunk === 1 ? withoutEscrow(events, i) : undefined;
        if (candidate.length < events.length && attempt(withEvents(best, candidate))) {
          events = candidate;
          progress = true;
        } else if (renumbered !== undefined && attempt(withEvents(best, renumbered))) {
          events = renumbered;
          progress = true;
        } else {
          i += chunk;
        }
      }
      if (chunk === 1) break;
    }
    return progress;
  };

  const rewriteEvents = (variants: (e: ChainEvent) => ChainEvent[], repeat: boolean): boolean => {
    let progress = false;
    const events = eventsOf(best);
    for (let i = 0; i < events.length && tries < budget; i++) {
      let again = true;
      while (again && tries < budget) {
        again = false;
        for (const v of variants(events[i] as ChainEvent)) {
          const candidate = [...events];
          candidate[i] = v;
          if (attempt(withEvents(best, candidate))) {
            events[i] = v;
            progress = true;
            again = repeat;
            break;
          }
        }
      }
    }
    return progress;
  };

  const dropNames = (): boolean => {
    let progress = false;
    const used = namesUsed(eventsOf(best), best);
    for (const p of best.participants) {
      if (used.has(p.name) || tries >= budget) continue;
      if (attempt({ ...best, participants: best.participants.filter((x) => x.name !== p.name) })) progress = true;
    }
    for (const a of best.accounts) {
      if (used.has(a.name) || tries >= budget) continue;
      if (attempt({ ...best, accounts: best.accounts.filter((x) => x.name !== a.name) })) progress = true;
    }
    return progress;
  };

  for (let pass = 0; pass < 8 && tries < budget; pass++) {
    let progress = removeEvents();
    progress = rewriteEvents(fewerEntries, true) || progress;
    progress = dropNames() || progress;
    progress = rewriteEvents(halvings, true) || progress;
    if (!progress) break;
  }
  return { scenario: best, tries };
}

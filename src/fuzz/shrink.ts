/**
 * Shrinks a failing scenario while the same property still fails: fewest events (chunks, then
 * single events), fewer settlement host entries, smallest amounts (halving amounts, costs,
 * fees, token counts and prices), fewest participants and accounts (dropping unused ones),
 * params back to their defaults (skipped payouts, power capping, the downtime test) and the
 * least fixed epoch reward that still fails (toward 0), and the least genesis balances and
 * weights that still fail (balances toward 0, genesis weights toward 1, start_epoch weight
 * overrides toward 0).
 * Every accepted step makes the scenario strictly smaller (`sizeOf`, `smaller`) and nothing
 * ever grows.
 */
import { DEFAULT_PARAMS, type ChainEvent, type HostStatInput, type Params, type Scenario } from '../domain/scenario.js';
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

/**
 * The size the shrinker never grows, measure by measure: every accepted step lowers at least one
 * and raises none (`smaller`).
 */
export interface ScenarioSize {
  readonly events: number;
  readonly participants: number;
  readonly accounts: number;
  /** The amounts of the events, summed: escrow amounts and ids, fees, costs and the host entries' counts, transfers, token counts, prices. */
  readonly amounts: bigint;
  /** List entries of the events: settlement hosts, slots, active sets, weights, punished hosts. */
  readonly entries: number;
  /** Genesis bank balances of the accounts and participants, summed. */
  readonly balances: bigint;
  /** Genesis weights and the weights of the start_epoch overrides, summed. */
  readonly weights: bigint;
  /** How many params differ from the defaults (each escrow param, and binom_test_p0, counts as one). */
  readonly params: number;
  /**
   * The epoch reward: the fixed one, or when unset (the default: the chain's decaying formula)
   * the formula's `initial_epoch_reward`, which its pool never exceeds. So a fixed reward below
   * that is never swapped for the formula, which would mint more.
   */
  readonly reward: bigint;
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
      // The host entries' counts (missed, invalid, validations) count here too, as amounts to lower.
      return e.escrow + e.fees + e.hosts.reduce((a, h) => a + h.cost + BigInt(h.missed + h.invalid + h.requiredValidations + h.completedValidations), 0n);
    case 'transfer':
      return e.amount;
    case 'run_inference':
      return e.promptTokens + e.completionTokens + (e.price ?? 0n);
    default:
      return 0n;
  }
}

/** How many params differ from DEFAULT_PARAMS. */
export function paramsOffDefault(p: Params): number {
  const d = DEFAULT_PARAMS;
  const sameList = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);
  return [
    p.tokenPrice !== d.tokenPrice,
    p.escrow.minAmount !== d.escrow.minAmount,
    p.escrow.maxAmount !== d.escrow.maxAmount,
    p.escrow.maxPerEpoch !== d.escrow.maxPerEpoch,
    !sameList(p.escrow.allowedCreators, d.escrow.allowedCreators),
    p.epochReward !== d.epochReward,
    p.initialEpochReward !== d.initialEpochReward,
    p.genesisEpoch !== d.genesisEpoch,
    p.standardRewardAmount !== d.standardRewardAmount,
    p.skippedPayout !== d.skippedPayout,
    p.powerCapping !== d.powerCapping,
    p.downtimeTest !== d.downtimeTest,
    p.decayRate !== d.decayRate,
    p.workVestingPeriod !== d.workVestingPeriod,
    p.rewardVestingPeriod !== d.rewardVestingPeriod,
    p.autoStatus !== d.autoStatus,
    JSON.stringify(p.validation) !== JSON.stringify(d.validation),
    p.binomTestP0.num * d.binomTestP0.den !== d.binomTestP0.num * p.binomTestP0.den,
  ].filter(Boolean).length;
}

export function sizeOf(s: Scenario): ScenarioSize {
  const events = eventsOf(s);
  const sum = (xs: readonly bigint[]): bigint => xs.reduce((a, x) => a + x, 0n);
  const overrides = events.flatMap((e) => (e.type === 'start_epoch' ? e.weights.map(([, w]) => w) : []));
  return {
    events: events.length,
    participants: s.participants.length,
    accounts: s.accounts.length,
    amounts: sum(events.map(eventAmounts)),
    entries: events.reduce((a, e) => a + eventEntries(e), 0),
    balances: sum([...s.accounts.map((a) => a.balance), ...s.participants.map((p) => p.balance)]),
    weights: sum([...s.participants.map((p) => p.weight), ...overrides]),
    params: paramsOffDefault(s.params),
    reward: s.params.epochReward ?? s.params.initialEpochReward,
  };
}

const MEASURES = ['events', 'participants', 'accounts', 'amounts', 'entries', 'balances', 'weights', 'params', 'reward'] as const;

/** Smaller-or-equal in every measure. */
export function noLarger(a: ScenarioSize, b: ScenarioSize): boolean {
  return MEASURES.every((k) => a[k] <= b[k]);
}

/** No larger in any measure and smaller in at least one: what every accepted shrink step is. */
export function smaller(a: ScenarioSize, b: ScenarioSize): boolean {
  return noLarger(a, b) && MEASURES.some((k) => a[k] < b[k]);
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
        const changed = (change: Partial<HostStatInput>): ChainEvent => ({ ...e, hosts: e.hosts.map((x, j) => (j === i ? { ...x, ...change } : x)) });
        if (h.cost > 0n) out.push(changed({ cost: h.cost / 2n }));
        if (h.missed > 0) out.push(changed({ missed: Math.floor(h.missed / 2) }));
        if (h.invalid > 0) out.push(changed({ invalid: Math.floor(h.invalid / 2) }));
        if (h.requiredValidations > 0) out.push(changed({ requiredValidations: Math.floor(h.requiredValidations / 2) }));
        if (h.completedValidations > 0) out.push(changed({ completedValidations: Math.floor(h.completedValidations / 2) }));
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

  /**
   * Lowers one value toward `floor` while the same property still fails: the floor itself, else
   * the least value that still fails, by bisection (assuming a larger value fails whenever a
   * smaller one does; where that is not so, the value found still fails, it is only not the
   * least). `value − 1` is tried first, so a value that is already least costs two replays.
   * `build(v)` is the current scenario with the value set to v.
   */
  const minimize = (value: bigint, floor: bigint, build: (v: bigint) => Scenario): boolean => {
    if (value <= floor || tries >= budget) return false;
    if (attempt(build(floor))) return true;
    if (value - 1n === floor || !attempt(build(value - 1n))) return false;
    let lo = floor; // does not fail (the same way)
    let hi = value - 1n; // fails
    while (hi - lo > 1n && tries < budget) {
      const mid = lo + (hi - lo) / 2n;
      if (attempt(build(mid))) hi = mid;
      else lo = mid;
    }
    return true;
  };

  /**
   * Params back to their defaults where that is no larger (the epoch reward to the formula only
   * from a fixed reward at least its initial reward), then the least fixed epoch reward.
   */
  const shrinkParams = (): boolean => {
    let progress = false;
    const d = DEFAULT_PARAMS;
    const resets: ((p: Params) => Params | undefined)[] = [
      (p) => (p.epochReward === undefined || p.epochReward < p.initialEpochReward ? undefined : { ...p, epochReward: undefined }),
      (p) => (p.skippedPayout === d.skippedPayout ? undefined : { ...p, skippedPayout: d.skippedPayout }),
      (p) => (p.powerCapping === d.powerCapping ? undefined : { ...p, powerCapping: d.powerCapping }),
      (p) => (p.downtimeTest === d.downtimeTest ? undefined : { ...p, downtimeTest: d.downtimeTest }),
      (p) => (p.decayRate === d.decayRate ? undefined : { ...p, decayRate: d.decayRate }),
      (p) => (p.workVestingPeriod === d.workVestingPeriod ? undefined : { ...p, workVestingPeriod: d.workVestingPeriod }),
      (p) => (p.rewardVestingPeriod === d.rewardVestingPeriod ? undefined : { ...p, rewardVestingPeriod: d.rewardVestingPeriod }),
      (p) => (p.autoStatus === d.autoStatus ? undefined : { ...p, autoStatus: d.autoStatus }),
      (p) => (JSON.stringify(p.validation) === JSON.stringify(d.validation) ? undefined : { ...p, validation: d.validation }),
      (p) => (p.binomTestP0.num * d.binomTestP0.den === d.binomTestP0.num * p.binomTestP0.den ? undefined : { ...p, binomTestP0: d.binomTestP0 }),
    ];
    for (const reset of resets) {
      const params = reset(best.params);
      if (params !== undefined && tries < budget && attempt({ ...best, params })) progress = true;
    }
    const reward = best.params.epochReward;
    if (reward !== undefined && minimize(reward, 0n, (v) => ({ ...best, params: { ...best.params, epochReward: v } }))) progress = true;
    return progress;
  };

  /** The least genesis balances (toward 0) and weights (toward 1), and start_epoch weight overrides (toward 0). */
  const shrinkGenesis = (): boolean => {
    let progress = false;
    const setAt = <T>(xs: readonly T[], i: number, x: T): T[] => xs.map((y, j) => (j === i ? x : y));
    best.accounts.forEach((a, i) => {
      const build = (v: bigint): Scenario => ({ ...best, accounts: setAt(best.accounts, i, { ...a, balance: v }) });
      if (minimize(a.balance, 0n, build)) progress = true;
    });
    best.participants.forEach((_, i) => {
      const p = (): Scenario['participants'][number] => best.participants[i] as Scenario['participants'][number];
      const balance = (v: bigint): Scenario => ({ ...best, participants: setAt(best.participants, i, { ...p(), balance: v }) });
      if (minimize(p().balance, 0n, balance)) progress = true;
      const weight = (v: bigint): Scenario => ({ ...best, participants: setAt(best.participants, i, { ...p(), weight: v }) });
      if (minimize(p().weight, 1n, weight)) progress = true;
    });
    eventsOf(best).forEach((e, i) => {
      if (e.type !== 'start_epoch') return;
      e.weights.forEach(([name, w], j) => {
        const build = (v: bigint): Scenario => {
          const events = eventsOf(best);
          const cur = events[i] as typeof e;
          events[i] = { ...cur, weights: setAt(cur.weights, j, [name, v] as const) };
          return withEvents(best, events);
        };
        if (minimize(w, 0n, build)) progress = true;
      });
    });
    return progress;
  };

  for (let pass = 0; pass < 8 && tries < budget; pass++) {
    let progress = removeEvents();
    progress = rewriteEvents(fewerEntries, true) || progress;
    progress = dropNames() || progress;
    progress = rewriteEvents(halvings, true) || progress;
    progress = shrinkParams() || progress;
    progress = shrinkGenesis() || progress;
    if (!progress) break;
  }
  return { scenario: best, tries };
}

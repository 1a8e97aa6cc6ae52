/**
 * The seeded generator of random valid scenarios. A scenario always loads (declared names,
 * unique lists, amounts within bounds); its events may fail as transactions, which is fine.
 *
 * Two modes, chosen by the seed: `free` is a weighted mix aimed at every branch (same- and
 * cross-epoch settlement, punished and excluded hosts, hosts dropped from the active set, a slot
 * naming an address with no participant record, claims
 * before and after settlement and out of window, too-late settlement, fee remainders, expired
 * inferences); `clean` punishes and excludes no one and claims every epoch's settle amounts in
 * their window, so the differential property (deferred and immediate pay the same) applies.
 */
import {
  DEFAULT_PARAMS,
  type ChainEvent,
  type EventItem,
  type GenesisParticipant,
  type HostStatInput,
  type Params,
  type Scenario,
} from '../domain/scenario.js';
import { makeRng, type Rng } from './rng.js';

export type GenMode = 'free' | 'clean';

export interface GenOptions {
  /** About how many events (the clean mode rounds to whole epochs). */
  readonly steps: number;
  readonly participants: number;
  /** Forces a mode; by default about one run in three is clean. */
  readonly mode?: GenMode | undefined;
}

export interface Generated {
  readonly scenario: Scenario;
  readonly mode: GenMode;
}

const GNK = 1_000_000_000n;
export const USERS = ['u1', 'u2'] as const;
export const hostName = (i: number): string => `h${i + 1}`;

/** Items from events: index i + 1, line i + 1 (generated scenarios have no checkpoints). */
export function itemsOf(events: readonly ChainEvent[]): EventItem[] {
  return events.map((event, i) => ({
    kind: 'event',
    index: i + 1,
    loc: { line: i + 1, col: 1 },
    event,
    expectError: undefined,
    expectResult: undefined,
    note: undefined,
  }));
}

export function eventsOf(s: Scenario): ChainEvent[] {
  return s.items.flatMap((it) => (it.kind === 'event' ? [it.event] : []));
}

export function withEvents(s: Scenario, events: readonly ChainEvent[]): Scenario {
  return { ...s, items: itemsOf(events) };
}

interface ModelEscrow {
  readonly id: bigint;
  readonly epoch: number;
  readonly amount: bigint;
  readonly slots: readonly string[];
  settled: boolean;
}

/** A rough model of the chain as the events go, to aim events well (the engine has the last word). */
class Model {
  epoch = 0;
  running = false;
  active: readonly string[];
  readonly escrows: ModelEscrow[] = [];
  nextId = 1n;
  constructor(readonly hosts: readonly string[]) {
    this.active = hosts;
  }
}

function settleEvent(r: Rng, e: ModelEscrow, clean: boolean): ChainEvent {
  const n = e.slots.length;
  // which slots get an entry: all of them usually, a subset sometimes, in message order
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = r.int(i + 1);
    [order[i], order[j]] = [order[j] as number, order[i] as number];
  }
  const count = r.chance(75) ? n : r.int(n + 1);
  const slots = order.slice(0, count);
  if (!clean && r.chance(4) && slots.length > 0) slots.push(slots[0] as number); // a duplicate
  if (!clean && r.chance(4)) slots.push(n); // out of range
  const budget = r.chance(90) || clean ? e.amount : e.amount * 2n;
  const share = budget / BigInt(2 * Math.max(1, slots.length));
  const withNonce = !clean && r.chance(20);
  const hosts: HostStatInput[] = slots.map((slot) => ({
    slot,
    cost: r.chance(15) ? 0n : r.big(0n, share),
    missed: withNonce ? r.int(3) : r.chance(10) ? 1 : 0,
    invalid: withNonce ? r.int(2) : r.chance(5) ? 1 : 0,
    requiredValidations: 0,
    completedValidations: 0,
  }));
  // fees: often with a remainder over the slots (the remainder rule), never above what is left
  let fees = r.chance(20) ? 0n : r.big(0n, budget / 2n);
  if (r.chance(50) && n > 1) fees = (fees / BigInt(n)) * BigInt(n) + BigInt(r.int(n));
  if (fees > budget / 2n) fees = budget / 2n;
  return {
    type: 'settle_escrow',
    escrow: r.chance(97) ? e.id : e.id + 1n,
    settler: !clean && r.chance(5) ? 'u2' : undefined,
    fees,
    nonce: withNonce ? BigInt(10 + r.int(30)) : undefined,
    hosts,
  };
}

function createEvent(r: Rng, m: Model, clean: boolean): ChainEvent {
  const pool = r.chance(85) && m.active.length > 0 ? m.active : m.hosts;
  const slots = Array.from({ length: 1 + r.int(4) }, () => r.pick(pool));
  // Now and then a slot names a user account, an address with no participant record: the chain
  // versions take it (pr-1000 traps its payout), the v1 rulesets refuse the escrow.
  if (!clean && r.chance(5)) slots[r.int(slots.length)] = 'u2';
  const amount = r.chance(3) && !clean ? r.big(1n, 999n) : r.chance(60) ? r.big(1000n, 50_000n) : r.big(1000n, 10n * GNK);
  const creator = clean || r.chance(90) ? 'u1' : 'u2';
  const ev: ChainEvent = { type: 'create_escrow', creator, amount, slots, id: undefined };
  if (m.running && amount >= 1000n && creator === 'u1') {
    m.escrows.push({ id: m.nextId, epoch: m.epoch, amount, slots, settled: false });
    m.nextId += 1n;
  }
  return ev;
}

function inferenceEvent(r: Rng, m: Model, clean: boolean): ChainEvent {
  const pool = r.chance(90) && m.active.length > 0 ? m.active : m.hosts;
  return {
    type: 'run_inference',
    requester: clean || r.chance(85) ? 'u1' : 'u2',
    executor: r.pick(pool),
    promptTokens: r.big(0n, 200n),
    completionTokens: r.big(0n, 200n),
    maxTokens: r.big(50n, 5000n),
    price: r.chance(70) ? undefined : r.big(1n, 2000n),
    id: undefined,
    outcome: r.chance(20) ? 'expired' : 'finished',
  };
}

function pickEscrow(r: Rng, m: Model, filter: (e: ModelEscrow) => boolean): ModelEscrow | undefined {
  const xs = m.escrows.filter(filter);
  return xs.length === 0 ? undefined : r.pick(xs);
}

function freeEvents(r: Rng, m: Model, steps: number): ChainEvent[] {
  const hosts = m.hosts;
  const events: ChainEvent[] = [];
  const push = (e: ChainEvent): void => {
    events.push(e);
  };
  const start = (): void => {
    const subset = r.chance(30) ? hosts.filter(() => r.chance(60)) : undefined;
    const weights: [string, bigint][] = r.chance(10) ? [[r.pick(hosts), r.big(0n, 300n)]] : [];
    push({ type: 'start_epoch', active: subset, weights });
    if (!m.running) {
      m.epoch += 1;
      m.running = true;
      m.active = subset ?? hosts;
    }
  };
  start();
  const table: readonly (readonly [string, number])[] = [
    ['start', 2],
    ['end', 2],
    ['create', 4],
    ['settle', 5],
    ['claim', 3],
    ['exclude', 1],
    ['inference', 3],
    ['transfer', 1],
  ];
  const total = table.reduce((a, [, w]) => a + w, 0);
  while (events.length < steps) {
    let x = r.int(total);
    let kind = 'start';
    for (const [k, w] of table) {
      if (x < w) {
        kind = k;
        break;
      }
      x -= w;
    }
    switch (kind) {
      case 'start':
        start();
        break;
      case 'end': {
        const punish = r.chance(20) ? [r.pick(hosts)] : [];
        push({ type: 'end_epoch', punish, ...(punish.length > 0 || r.chance(10) ? { punishListed: true } : {}) });
        m.running = false;
        break;
      }
      case 'create':
        push(createEvent(r, m, false));
        break;
      case 'settle': {
        // mostly unsettled escrows; sometimes a settled one, or one two epochs old (too late)
        const e = pickEscrow(r, m, (x) => !x.settled || r.chance(10));
        if (e === undefined) {
          push(createEvent(r, m, false));
          break;
        }
        e.settled = true;
        push(settleEvent(r, e, false));
        break;
      }
      case 'claim': {
        const w = r.int(100);
        const epoch = w < 70 ? m.epoch - 1 : w < 80 ? m.epoch : w < 90 ? m.epoch - 2 : r.int(m.epoch + 2);
        push({ type: 'claim_reward', participant: r.pick(hosts), epoch: BigInt(Math.max(0, epoch)) });
        break;
      }
      case 'exclude':
        push({ type: 'exclude_participant', participant: r.pick(hosts), reason: r.chance(50) ? 'invalid' : 'inactive' });
        break;
      case 'inference':
        push(inferenceEvent(r, m, false));
        break;
      case 'transfer': {
        const from = r.chance(60) ? r.pick(USERS) : r.pick(hosts);
        const to = r.chance(10) ? 'gov' : r.pick([...USERS, ...hosts].filter((n) => n !== from));
        push({ type: 'transfer', from, to, amount: r.big(1n, r.chance(50) ? 10_000n : 5n * GNK) });
        break;
      }
    }
  }
  return events;
}

function cleanEvents(r: Rng, m: Model, steps: number): ChainEvent[] {
  const hosts = m.hosts;
  const events: ChainEvent[] = [];
  const claims = (epoch: number): void => {
    for (const h of hosts) events.push({ type: 'claim_reward', participant: h, epoch: BigInt(epoch) });
  };
  const start = (): void => {
    events.push({ type: 'start_epoch', active: undefined, weights: [] });
    m.epoch += 1;
    m.running = true;
  };
  const perEpoch = 4 + hosts.length;
  const epochs = Math.max(1, Math.round(steps / perEpoch));
  for (let e = 1; e <= epochs; e++) {
    start();
    // cross-epoch settlements of the previous epoch's escrows, then the claims of that epoch
    if (e > 1) {
      for (const x of m.escrows.filter((x) => !x.settled && x.epoch === e - 1)) {
        if (!r.chance(60)) continue;
        x.settled = true;
        events.push(settleEvent(r, x, true));
      }
    }
    const busy = 1 + r.int(4);
    const claimAt = e > 1 ? r.int(busy + 1) : -1;
    for (let i = 0; i < busy; i++) {
      if (i === claimAt) claims(e - 1);
      const w = r.int(10);
      if (w < 4) events.push(createEvent(r, m, true));
      else if (w < 7) {
        const x = pickEscrow(r, m, (y) => !y.settled && y.epoch === e);
        if (x === undefined) events.push(createEvent(r, m, true));
        else {
          x.settled = true;
          events.push(settleEvent(r, x, true));
        }
      } else if (w < 9) events.push(inferenceEvent(r, m, true));
      else events.push({ type: 'transfer', from: 'u1', to: 'u2', amount: r.big(1n, 10_000n) });
    }
    if (claimAt === busy) claims(e - 1);
    events.push({ type: 'end_epoch', punish: [] });
    m.running = false;
  }
  start();
  claims(epochs);
  return events;
}

/** The scenario of one run: a pure function of the seed and the options. */
export function generateScenario(seed: number, options: GenOptions): Generated {
  const r = makeRng(seed);
  const mode: GenMode = options.mode ?? (r.chance(33) ? 'clean' : 'free');
  const clean = mode === 'clean';
  const k = Math.max(1, options.participants);
  const hosts = Array.from({ length: k }, (_, i) => hostName(i));
  const params: Params = {
    ...DEFAULT_PARAMS,
    escrow: { ...DEFAULT_PARAMS.escrow, minAmount: 1000n, maxAmount: 10n * GNK },
    epochReward: clean ? r.pick([1000n * GNK, 7n * GNK]) : r.pick<bigint | undefined>([undefined, 0n, 300n, 1000n * GNK]),
    skippedPayout: r.chance(50) ? 'refund' : 'governance',
  };
  const participants: GenesisParticipant[] = hosts.map((name) => ({
    name,
    weight: r.big(1n, 300n),
    balance: clean || r.chance(70) ? 0n : r.big(1n, GNK),
  }));
  const accounts = [
    { name: 'u1', balance: 1000n * GNK },
    { name: 'u2', balance: r.big(0n, 5n * GNK) },
  ];
  const m = new Model(hosts);
  const events = clean ? cleanEvents(r, m, options.steps) : freeEvents(r, m, options.steps);
  return {
    mode,
    scenario: {
      name: `fuzz seed ${seed}${clean ? ' (clean)' : ''}`,
      description: undefined,
      rules: undefined,
      params,
      accounts,
      participants,
      items: itemsOf(events),
    },
  };
}

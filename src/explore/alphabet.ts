/**
 * What `explore` searches over: a genesis (generated, or a scenario file's) and a finite
 * alphabet of actions. An action is an event template; in a given state it is one concrete event
 * (a settlement's costs come from its escrow, a claim's epoch from the effective epoch) or not
 * enabled there (a settlement of an escrow not yet created). The order of the alphabet is fixed
 * (kinds in ACTION_KINDS order, then participants, amounts and slot patterns in the order given):
 * the search orders paths by it, so it decides which of several shortest counterexamples is shown.
 */
import { DEFAULT_PARAMS, type ChainEvent, type HostStatInput, type Scenario } from '../domain/scenario.js';
import { vecGet } from '../engine/storage/pvec.js';
import type { ChainState } from '../engine/storage/state.js';
import { itemsOf } from '../fuzz/generate.js';

/** The kinds of action, in the alphabet's order. */
export const ACTION_KINDS = ['start', 'drop', 'end', 'punish', 'create', 'settle', 'settle-part', 'claim', 'exclude', 'transfer', 'inference'] as const;
export type ActionKind = (typeof ACTION_KINDS)[number];
/** The payout logic's kinds: every kind but transfer and inference. */
export const DEFAULT_KINDS: readonly ActionKind[] = ['start', 'drop', 'end', 'punish', 'create', 'settle', 'settle-part', 'claim', 'exclude'];

/** What each kind adds to the alphabet (for --help and the docs). */
export const KIND_HELP: Readonly<Record<ActionKind, string>> = {
  start: 'start_epoch, every participant active',
  drop: 'start_epoch with one participant left out of the active set (one action per participant)',
  end: 'end_epoch without a punish list (the chain versions run their downtime test)',
  punish: 'end_epoch punishing one participant (one action per participant)',
  create: 'create_escrow by the creator, for each amount and slot pattern',
  settle: 'settle_escrow of each escrow created so far: every slot an entry of cost ⌊amount / 2n⌋ (n slots), fees n + 1',
  'settle-part': 'settle_escrow of each escrow created so far: only slot 0, cost ⌊amount / 2⌋, no fees',
  claim: 'claim_reward by each participant, of the previous epoch (in the window) and of the running one (out of it)',
  exclude: 'exclude_participant (reason invalid), one action per participant',
  transfer: 'transfer of each amount from the creator to each participant',
  inference: 'run_inference by the creator, executed by each participant (10 + 10 tokens at the token price)',
};

/** How the slots of an escrow are filled. */
export const SLOT_PATTERNS = ['one', 'all', 'twice', 'outsider'] as const;
export type SlotPattern = (typeof SLOT_PATTERNS)[number];
export const DEFAULT_SLOTS: readonly SlotPattern[] = ['one', 'all', 'twice', 'outsider'];

export const SLOT_HELP: Readonly<Record<SlotPattern, string>> = {
  one: 'one slot: [h] for each participant h',
  all: 'every participant once, in every order: [h1, h2], [h2, h1] (K! lists, with 2 or more participants)',
  twice: 'the same participant in two slots: [h, h]',
  outsider: 'a participant and an address with no participant record: [h, outsider] (the chain versions take it)',
};

/** The default escrow amounts: one that splits evenly by 2 and 4, and one that leaves remainders. */
export const DEFAULT_AMOUNTS: readonly bigint[] = [1000n, 1001n];

export interface AlphabetOptions {
  readonly kinds: readonly ActionKind[];
  readonly amounts: readonly bigint[];
  readonly slots: readonly SlotPattern[];
  /** The most escrows a path can create (its length): settle actions exist for ids 1 … this. */
  readonly maxEscrows: number;
}

/** Who the actions name. */
export interface Roles {
  readonly hosts: readonly string[];
  /** Creates escrows, sends transfers and requests inferences: the first account. */
  readonly creator: string | undefined;
  /** An address with no participant record, for the `outsider` slot pattern: the second account. */
  readonly outsider: string | undefined;
}

export interface Action {
  readonly kind: ActionKind;
  /** Short text: `create 1001 [h1, u2]`, `settle #2`, `claim h1 previous`. */
  readonly label: string;
  /** The concrete event in `state`, or undefined where the action is not enabled. */
  readonly event: (state: ChainState) => ChainEvent | undefined;
  /**
   * False for punish, exclude and drop: the deferred/immediate differential compares only paths
   * that punish, exclude and leave out no one (fuzz's clean runs).
   */
  readonly clean: boolean;
}

const GNK = 1_000_000_000n;

/** The genesis `explore` uses without --from: K participants alike, a creator, an outsider. */
export function defaultGenesis(participants: number): Scenario {
  return {
    name: 'explore',
    description: undefined,
    rules: undefined,
    params: {
      ...DEFAULT_PARAMS,
      escrow: { ...DEFAULT_PARAMS.escrow, minAmount: 1000n, maxAmount: 10n * GNK },
      epochReward: 1000n,
    },
    accounts: [
      { name: 'u1', balance: 1000n * GNK },
      { name: 'u2', balance: 0n },
    ],
    participants: Array.from({ length: participants }, (_, i) => ({ name: `h${i + 1}`, weight: 100n, balance: 0n })),
    items: [],
  };
}

export function rolesOf(genesis: Scenario): Roles {
  return {
    hosts: genesis.participants.map((p) => p.name),
    creator: genesis.accounts[0]?.name,
    outsider: genesis.accounts[1]?.name,
  };
}

/** The kinds that name the creator: a genesis without accounts has none of them. */
export const NEEDS_CREATOR: readonly ActionKind[] = ['create', 'transfer', 'inference'];

const settleEvent = (id: number, part: boolean) => (state: ChainState): ChainEvent | undefined => {
  const escrow = vecGet(state.escrows, id - 1);
  if (escrow === undefined) return undefined;
  const n = escrow.slots.length;
  const entry = (slot: number, cost: bigint): HostStatInput => ({ slot, cost, missed: 0, invalid: 0, requiredValidations: 0, completedValidations: 0 });
  const hosts = part ? [entry(0, escrow.amount / 2n)] : escrow.slots.map((_, slot) => entry(slot, escrow.amount / BigInt(2 * n)));
  return { type: 'settle_escrow', escrow: BigInt(id), settler: undefined, fees: part ? 0n : BigInt(n + 1), nonce: undefined, hosts };
};

/**
 * Every order of `xs`, in lexicographic order of positions. The alphabet must be closed under
 * renaming participants (the symmetry reduction relies on it), so `all` lists every order.
 */
function orderings(xs: readonly string[]): string[][] {
  if (xs.length <= 1) return [[...xs]];
  return xs.flatMap((x, i) => orderings([...xs.slice(0, i), ...xs.slice(i + 1)]).map((rest) => [x, ...rest]));
}

/**
 * The alphabet, in its fixed order. It is closed under renaming participants: an action's
 * renaming is an action too (every kind names each participant alike, `all` lists every order).
 */
export function buildAlphabet(roles: Roles, o: AlphabetOptions): Action[] {
  const out: Action[] = [];
  const fixed = (kind: ActionKind, label: string, event: ChainEvent, clean: boolean): void => {
    out.push({ kind, label, event: () => event, clean });
  };
  const { hosts, creator, outsider } = roles;
  const list = (xs: readonly string[]): string => `[${xs.join(', ')}]`;
  for (const kind of ACTION_KINDS) {
    if (!o.kinds.includes(kind)) continue;
    if (NEEDS_CREATOR.includes(kind) && creator === undefined) continue;
    const from = creator as string;
    switch (kind) {
      case 'start':
        fixed(kind, 'start', { type: 'start_epoch', active: undefined, weights: [] }, true);
        break;
      case 'drop':
        for (const h of hosts) {
          const active = hosts.filter((x) => x !== h);
          fixed(kind, `start without ${h}`, { type: 'start_epoch', active, weights: [] }, false);
        }
        break;
      case 'end':
        fixed(kind, 'end', { type: 'end_epoch', punish: [] }, true);
        break;
      case 'punish':
        for (const h of hosts) fixed(kind, `end punishing ${h}`, { type: 'end_epoch', punish: [h], punishListed: true }, false);
        break;
      case 'create': {
        const patterns: string[][] = [];
        for (const p of o.slots) {
          if (p === 'one') for (const h of hosts) patterns.push([h]);
          if (p === 'all' && hosts.length > 1) patterns.push(...orderings(hosts));
          if (p === 'twice') for (const h of hosts) patterns.push([h, h]);
          if (p === 'outsider' && outsider !== undefined) for (const h of hosts) patterns.push([h, outsider]);
        }
        for (const amount of o.amounts) {
          for (const slots of patterns) {
            fixed(kind, `create ${amount} ${list(slots)}`, { type: 'create_escrow', creator: from, amount, slots, id: undefined }, true);
          }
        }
        break;
      }
      case 'settle':
      case 'settle-part':
        for (let id = 1; id <= o.maxEscrows; id++) {
          out.push({ kind, label: `${kind} #${id}`, event: settleEvent(id, kind === 'settle-part'), clean: true });
        }
        break;
      case 'claim':
        for (const h of hosts) {
          for (const which of ['previous', 'running'] as const) {
            out.push({
              kind,
              label: `claim ${h} ${which}`,
              event: (state) => {
                const epoch = state.effectiveEpoch - (which === 'previous' ? 1 : 0);
                return { type: 'claim_reward', participant: h, epoch: BigInt(epoch < 0 ? 0 : epoch) };
              },
              clean: true,
            });
          }
        }
        break;
      case 'exclude':
        for (const h of hosts) fixed(kind, `exclude ${h}`, { type: 'exclude_participant', participant: h, reason: 'invalid' }, false);
        break;
      case 'transfer':
        for (const amount of o.amounts) for (const h of hosts) fixed(kind, `transfer ${amount} to ${h}`, { type: 'transfer', from, to: h, amount }, true);
        break;
      case 'inference':
        for (const h of hosts) {
          const event: ChainEvent = {
            type: 'run_inference',
            requester: from,
            executor: h,
            promptTokens: 10n,
            completionTokens: 10n,
            maxTokens: 100n,
            price: undefined,
            id: undefined,
            outcome: 'finished',
          };
          fixed(kind, `inference by ${h}`, event, true);
        }
        break;
    }
  }
  return out;
}

/** How many actions of each kind, in alphabet order; settle kinds count per escrow. */
export function alphabetSummary(roles: Roles, o: Omit<AlphabetOptions, 'maxEscrows'>): { fixed: number; perEscrow: number; kinds: { kind: ActionKind; count: number }[] } {
  const kinds: { kind: ActionKind; count: number }[] = [];
  for (const a of buildAlphabet(roles, { ...o, maxEscrows: 1 })) {
    const last = kinds[kinds.length - 1];
    if (last !== undefined && last.kind === a.kind) last.count += 1;
    else kinds.push({ kind: a.kind, count: 1 });
  }
  const isSettle = (k: ActionKind): boolean => k === 'settle' || k === 'settle-part';
  const perEscrow = kinds.filter((k) => isSettle(k.kind)).length;
  const fixed = kinds.filter((k) => !isSettle(k.kind)).reduce((n, k) => n + k.count, 0);
  return { fixed, perEscrow, kinds };
}

/** The scenario of a path: the genesis with these events. */
export function scenarioOf(genesis: Scenario, events: readonly ChainEvent[]): Scenario {
  return { ...genesis, items: itemsOf(events) };
}

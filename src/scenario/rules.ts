/**
 * Name rules, checked on the plain values after (and independently of) the shape, so a name
 * problem is reported even when another field of the same event is malformed.
 */
import type { EventType, Loc } from '../domain/scenario.js';
import { quote } from '../domain/text.js';
import type { InputIssueCode } from './issues.js';
import { isRawMap, label, type Path, type Raw, type RawMap, type SourceIndex } from './source.js';
import { MAX_VESTING_PERIOD, parseCount } from './schema.js';
import { didYouMean, type SuggestBudget } from './suggest.js';

/** Module account names: never declared; `streamvesting` exists only when a vesting period is set. */
export const RESERVED_NAMES: readonly string[] = ['inference', 'gov', 'streamvesting'];
const NAME_RE = /^[A-Za-z][A-Za-z0-9_.-]*$/;

export interface Sink {
  readonly src: SourceIndex;
  readonly add: (loc: Loc, code: InputIssueCode, message: string, hint?: string) => void;
  /** What the did-you-mean searches of this load may still spend (see suggest.ts). */
  readonly budget?: SuggestBudget;
}

/**
 * Who a field may name: only a participant; any declared account or participant; or also the
 * module accounts (`inference`, `gov`).
 */
type Who = 'participant' | 'declared' | 'declared-or-reserved';

interface NameRole {
  readonly field: string;
  readonly shape: 'one' | 'list' | 'keys';
  readonly who: Who;
  /** What an unknown name is called in "unknown participant …". */
  readonly noun: 'participant' | 'account';
  /** Ends "cannot be …". */
  readonly role: string;
  /** A name may appear only once in the list. */
  readonly unique?: boolean;
}

const one = (field: string, who: Who, noun: NameRole['noun'], role: string): NameRole => ({ field, shape: 'one', who, noun, role });

const EVENT_ROLES: { readonly [T in EventType]: readonly NameRole[] } = {
  start_epoch: [
    { field: 'active', shape: 'list', who: 'participant', noun: 'participant', role: 'in the active set', unique: true },
    { field: 'weights', shape: 'keys', who: 'participant', noun: 'participant', role: 'given a weight' },
  ],
  run_inference: [
    one('requester', 'declared', 'account', 'the requester'),
    one('executor', 'declared', 'participant', 'the executor'),
  ],
  create_escrow: [
    one('creator', 'declared', 'account', 'the escrow creator'),
    { field: 'slots', shape: 'list', who: 'declared', noun: 'participant', role: 'an escrow slot host' },
  ],
  settle_escrow: [one('settler', 'declared', 'account', 'the settler')],
  exclude_participant: [one('participant', 'declared', 'participant', 'excluded')],
  end_epoch: [{ field: 'punish', shape: 'list', who: 'participant', noun: 'participant', role: 'punished', unique: true }],
  claim_reward: [one('participant', 'declared', 'participant', 'the claimant')],
  transfer: [
    one('from', 'declared', 'account', 'the transfer sender'),
    one('to', 'declared-or-reserved', 'account', 'the transfer recipient'),
  ],
  start_inference: [
    one('requester', 'declared', 'account', 'the requester'),
    one('executor', 'declared', 'participant', 'the executor'),
  ],
  finish_inference: [one('executor', 'declared', 'participant', 'the executor')],
  validate_inference: [one('validator', 'declared', 'participant', 'the validator')],
  invalidate_inference: [],
  expire_inference: [],
};

export interface DeclaredNames {
  readonly accounts: ReadonlySet<string>;
  readonly participants: ReadonlySet<string>;
  /** The module accounts of this scenario: inference, gov, and streamvesting where a vesting period is set. */
  readonly modules: readonly string[];
}

/** True when the raw params set a positive work or reward vesting period. */
function vestingSet(root: RawMap): boolean {
  const params = root.params;
  if (!isRawMap(params)) return false;
  return [params.work_vesting_period, params.reward_vesting_period].some((v) => {
    if (typeof v !== 'bigint' && typeof v !== 'string') return false;
    const r = parseCount(v, MAX_VESTING_PERIOD, '');
    return r.ok && r.value > 0n;
  });
}

/**
 * The names declared under `accounts` and `participants` (every key, even a malformed one, so
 * one bad declaration does not also make every use of the name an error), after checking them.
 */
export function checkDeclarations(root: RawMap, sink: Sink): DeclaredNames {
  const accounts = isRawMap(root.accounts) ? Object.keys(root.accounts) : [];
  const participants = isRawMap(root.participants) ? Object.keys(root.participants) : [];
  const declare = (section: 'accounts' | 'participants', name: string): void => {
    // Located only when there is something to report (a big file declares many names).
    const at = (): Loc => sink.src.keyLoc([section, name]);
    const what = section === 'accounts' ? 'account' : 'participant';
    if (RESERVED_NAMES.includes(name)) {
      sink.add(at(), 'RESERVED_NAME', `${quote(name)} is a module account and cannot be declared as ${what === 'account' ? 'an' : 'a'} ${what}`, 'inference and gov always exist, streamvesting with a vesting period');
    } else if (!NAME_RE.test(name)) {
      sink.add(at(), 'BAD_NAME', `invalid ${what} name ${quote(name)}`, 'a name starts with a letter and has only letters, digits, "_", "." and "-"');
    }
  };
  for (const name of accounts) declare('accounts', name);
  for (const name of participants) declare('participants', name);
  const participantSet = new Set(participants);
  for (const name of accounts) {
    if (participantSet.has(name)) {
      sink.add(sink.src.keyLoc(['accounts', name]), 'DUPLICATE_NAME', `${quote(name)} is declared both as an account and as a participant`, 'give the participant a balance instead, and remove it from accounts');
    }
  }
  const modules = vestingSet(root) ? RESERVED_NAMES : RESERVED_NAMES.slice(0, 2);
  return { accounts: new Set(accounts), participants: participantSet, modules };
}

const candidateLists = new WeakMap<DeclaredNames, Map<Who, readonly string[]>>();

/** The names a did-you-mean for `who` chooses from, in the order they are tried (made once per file). */
function candidatesFor(names: DeclaredNames, who: Who): readonly string[] {
  let lists = candidateLists.get(names);
  if (lists === undefined) candidateLists.set(names, (lists = new Map()));
  let list = lists.get(who);
  if (list === undefined) {
    const { accounts, participants } = names;
    list = who === 'participant' ? [...participants] : [...participants, ...accounts, ...(who === 'declared-or-reserved' ? names.modules : [])];
    lists.set(who, list);
  }
  return list;
}

class NameChecker {
  private readonly names: DeclaredNames;
  private readonly sink: Sink;

  constructor(names: DeclaredNames, sink: Sink) {
    this.names = names;
    this.sink = sink;
  }

  /** `at` locates the name; it is called only when there is a problem to report. */
  check(name: string, at: () => Loc, role: NameRole): void {
    const problem = this.problem(name, role);
    if (problem !== undefined) this.sink.add(at(), ...problem);
  }

  /** What is wrong with `name` in `role` (a message and perhaps a hint), if anything. */
  private problem(name: string, role: NameRole): [InputIssueCode, string, string?] | undefined {
    const { accounts, participants, modules } = this.names;
    if (modules.includes(name)) {
      return role.who !== 'declared-or-reserved' ? ['RESERVED_NAME', `${quote(name)} is a module account and cannot be ${role.role}`] : undefined;
    }
    if (!participants.has(name) && !accounts.has(name)) {
      const hint = didYouMean(name, candidatesFor(this.names, role.who), this.sink.budget) ?? `declare ${quote(name)} under ${role.who === 'participant' ? 'participants' : 'accounts or participants'}`;
      return ['UNKNOWN_NAME', `unknown ${role.noun} ${quote(name)}`, hint];
    }
    if (role.who === 'participant' && !participants.has(name)) {
      return ['NOT_A_PARTICIPANT', `${quote(name)} is an account, not a participant, so it cannot be ${role.role}`];
    }
    return undefined;
  }

  /** Applies `role` to the field `role.field` of the map `container` found at `path`. */
  apply(container: Raw | undefined, path: Path, role: NameRole): void {
    if (!isRawMap(container)) return;
    const value = container[role.field];
    // Paths, locations and closures are made only when a problem is reported (a big file has
    // hundreds of thousands of names).
    const { src } = this.sink;
    if (role.shape === 'one') {
      if (typeof value !== 'string') return;
      const problem = this.problem(value, role);
      if (problem !== undefined) this.sink.add(src.valueLoc([...path, role.field]), ...problem);
    } else if (role.shape === 'list') {
      if (!Array.isArray(value)) return;
      const items = value as readonly Raw[];
      const seen = role.unique ? new Set<string>() : undefined;
      for (let j = 0; j < items.length; j++) {
        const item = items[j];
        if (typeof item !== 'string') continue;
        if (seen !== undefined && seen.has(item)) {
          this.sink.add(src.valueLoc([...path, role.field, j]), 'DUPLICATE_NAME', `${quote(item)} is listed twice in ${label([...path, role.field])}`);
          continue;
        }
        seen?.add(item);
        const problem = this.problem(item, role);
        if (problem !== undefined) this.sink.add(src.valueLoc([...path, role.field, j]), ...problem);
      }
    } else if (isRawMap(value)) {
      for (const key of Object.keys(value)) this.check(key, () => src.keyLoc([...path, role.field, key]), role);
    }
  }
}

/** `params.escrow.allowed_creators`. */
export function checkParamNames(root: RawMap, names: DeclaredNames, sink: Sink): void {
  const params = root.params;
  if (!isRawMap(params)) return;
  new NameChecker(names, sink).apply(params.escrow, ['params', 'escrow'], {
    field: 'allowed_creators',
    shape: 'list',
    who: 'declared',
    noun: 'account',
    role: 'an allowed escrow creator',
  });
}

/** The names in one event's fields (`fields` is the raw value at `path`). */
export function checkEventNames(type: EventType, fields: Raw | undefined, path: Path, names: DeclaredNames, sink: Sink): void {
  const checker = new NameChecker(names, sink);
  for (const role of EVENT_ROLES[type]) checker.apply(fields, path, role);
}

/** The names in a checkpoint (`expect` is the raw value at `path`). */
export function checkExpectNames(expect: Raw | undefined, path: Path, names: DeclaredNames, sink: Sink): void {
  if (!isRawMap(expect)) return;
  const checker = new NameChecker(names, sink);
  const under = (field: string): string => `listed under expect.${field}`;
  checker.apply(expect, path, { field: 'bank', shape: 'keys', who: 'declared-or-reserved', noun: 'account', role: 'in bank' });
  for (const field of ['participants', 'settle_amounts', 'vesting']) {
    checker.apply(expect, path, { field, shape: 'keys', who: 'participant', noun: 'participant', role: under(field) });
  }
  const summaries = expect.summaries;
  if (isRawMap(summaries)) {
    for (const epoch of Object.keys(summaries)) {
      checker.apply(summaries, [...path, 'summaries'], { field: epoch, shape: 'keys', who: 'participant', noun: 'participant', role: under('summaries') });
    }
  }
  const escrows = expect.escrows;
  if (isRawMap(escrows)) {
    for (const id of Object.keys(escrows)) {
      const at: Path = [...path, 'escrows', id];
      checker.apply(escrows[id], at, one('creator', 'declared', 'account', 'the escrow creator'));
      checker.apply(escrows[id], at, { field: 'slots', shape: 'list', who: 'declared', noun: 'participant', role: 'an escrow slot host' });
    }
  }
  const inferences = expect.inferences;
  if (isRawMap(inferences)) {
    for (const id of Object.keys(inferences)) {
      const at: Path = [...path, 'inferences', id];
      checker.apply(inferences[id], at, one('requester', 'declared', 'account', 'the requester'));
      checker.apply(inferences[id], at, one('executor', 'declared', 'participant', 'the executor'));
      checker.apply(inferences[id], at, { field: 'validated_by', shape: 'list', who: 'declared', noun: 'participant', role: 'a validator' });
    }
  }
  const exclusions = expect.exclusions;
  if (isRawMap(exclusions)) {
    for (const epoch of Object.keys(exclusions)) {
      checker.apply(exclusions, [...path, 'exclusions'], { field: epoch, shape: 'list', who: 'participant', noun: 'participant', role: under('exclusions'), unique: true });
    }
  }
}

/**
 * The scenario loader: YAML text in, a typed Scenario or every input problem (located) out.
 * Pure: no files, no process, no terminal. The pipeline:
 *
 * 1. YAML → document (syntax errors stop here, all of them reported);
 * 2. document → plain values with exact integers (source.ts), duplicate keys reported;
 * 3. shape and field values, with zod (schema.ts): the top level, then each event item on its own;
 * 4. name rules (rules.ts) and the one cross-field param rule;
 * 5. only when nothing at all was wrong: the typed Scenario, maps in the order written.
 */
import { z } from 'zod';
import { formatGonka } from '../domain/money.js';
import { quote } from '../domain/text.js';
import {
  DEFAULT_PARAMS,
  DEFAULT_MAX_TOKENS,
  EVENT_TYPES,
  type ChainEvent,
  type EventType,
  type Expectation,
  type Loc,
  type Params,
  type Scenario,
  type ScenarioItem,
} from '../domain/scenario.js';
import { INPUT_ISSUE_CODES, lineOf, type InputIssue, type InputIssueCode } from './issues.js';
import { checkDeclarations, checkEventNames, checkExpectNames, checkParamNames, type DeclaredNames, type Sink } from './rules.js';
import {
  eventFieldSchemas,
  expectationSchema,
  ITEM_MODIFIERS,
  nonEmptyTextSchema,
  paramsSchema,
  textSchema,
  topLevelSchema,
  unwrapSchema,
  type ExpectationFields,
} from './schema.js';
import { fastParse } from './fast.js';
import { NESTING_MESSAGE, withinLimits } from './limits.js';
import { locator } from './tree.js';
import { syntaxErrorsNear, WINDOWED_FROM } from './window.js';
import { quickEventFields } from './quick.js';
import { unitlessAmounts, unitlessWords } from './units.js';
import { isRawMap, label, where, yamlPackage, YamlIndex, type Path, type Raw, type RawMap, type SourceIndex } from './source.js';
import { closest, didYouMean, type SuggestBudget } from './suggest.js';

export type LoadResult =
  | { readonly ok: true; readonly scenario: Scenario }
  | { readonly ok: false; readonly issues: readonly InputIssue[] };

const NOT_A_SCENARIO = 'scenario must be a YAML map with name, participants and events';
/** A `\u` or `\U` escape: the only way a file can write a lone surrogate (see limits.ts). */
const ESCAPES = /\\[uU]/;
const EVENT_LIST = `events are: ${EVENT_TYPES.join(', ')}`;

const isEventType = (s: string): s is EventType => (EVENT_TYPES as readonly string[]).includes(s);

/**
 * Reads a scenario. Every problem in the file is reported, sorted by line and column, each once.
 * `file` is only used to label the issues.
 */
export function loadScenario(text: string, file: string, options: LoadOptions = {}): LoadResult {
  return load(text, file, options);
}

/** What loadScenario does; `onNames` is told the declared names of a file that loaded. */
function load(text: string, file: string, options: LoadOptions, onNames?: (names: DeclaredNames) => void): LoadResult {
  // A file the fast readers reproduce exactly (see fast.ts) is decided by them, problems and all:
  // their index locates a problem as the positioned path does, so a file with one typo costs
  // what a valid file costs. Anything else is read by the positioned path, which also reports
  // every YAML-level problem.
  let syntaxErrorAt: number | undefined;
  let tooDeepAt: number | undefined;
  if (options.fast ?? true) {
    const parsed = fastParse(text, { syntaxError: (at) => (syntaxErrorAt = at), tooDeep: (at) => (tooDeepAt = at) });
    if (tooDeepAt !== undefined) return { ok: false, issues: [{ file, ...locator(text)(tooDeepAt), code: 'LIMIT', message: NESTING_MESSAGE }] };
    if (parsed !== undefined && isRawMap(parsed.value)) {
      const issues: InputIssue[] = [];
      const add = sinkFor(file, issues);
      for (const p of parsed.problems) add(p.loc, p.code, p.message, p.hint);
      if (!parsed.withinLimits && !withinLimits(parsed.value, parsed.index, add, ESCAPES.test(text))) return { ok: false, issues: tidy(issues) };
      return fromRaw(parsed.value, parsed.index, file, text, options, issues, add, onNames);
    }
    // a syntax error in a big file: the positioned parser reads only the entries around it
    const near = syntaxErrorAt !== undefined && text.length > (options.windowedFrom ?? WINDOWED_FROM) ? syntaxErrorsNear(text, syntaxErrorAt) : undefined;
    if (near !== undefined) {
      const issues: InputIssue[] = [];
      const add = sinkFor(file, issues);
      const loc = locator(text);
      const addError = yamlErrors(add, text);
      for (const e of near) addError(loc(e.offset), e.code, e.message);
      return { ok: false, issues: tidy(issues) };
    }
  }
  return loadPositioned(text, file, options, onNames);
}

/** Adds the errors of the `yaml` package as input issues. */
function yamlErrors(add: Add, text: string): (at: Loc, code: string, message: string) => void {
  let deep = false;
  return (at, code, message) => {
    // the yaml package ran out of stack (once or more): the file nests far deeper than the limit
    if (/call stack/i.test(message)) {
      if (!deep) add(at, 'LIMIT', NESTING_MESSAGE);
      deep = true;
    } else if (code === 'MULTIPLE_DOCS') add(at, 'YAML_SYNTAX', 'a scenario file holds one YAML document; this starts a second one', 'remove this "---" or split the file');
    else add(at, 'YAML_SYNTAX', `invalid YAML: ${lowerFirst(message.split('\n')[0] ?? message)}`, code === 'MULTILINE_IMPLICIT_KEY' ? bareEventHint(text, at.line) : undefined);
  };
}

/**
 * The hint for a common slip: an event without fields written bare (`- start_epoch`) with
 * `expect_error:` or `note:` indented under it. YAML then reads the two lines as one key; the
 * event needs its colon (`- start_epoch:`) for the keys below to join it.
 */
function bareEventHint(text: string, line: number): string | undefined {
  const m = /^\s*-\s+([A-Za-z_][A-Za-z0-9_]*)\s*$/.exec(lineOf(text, line) ?? '');
  return m === null ? undefined : `an event with keys under it needs a colon: write "- ${m[1]}:" (expect_error, expect_result and note then belong to it)`;
}

/** How to read: `fast: false` takes the positioned path only (the tests compare both). */
export interface LoadOptions {
  readonly fast?: boolean;
  /** From how many characters a syntax error is read in a window (window.ts): tests lower it. */
  readonly windowedFrom?: number;
  /** `--strict-units`: an amount written without a unit (zero aside) is an input issue. */
  readonly strictUnits?: boolean;
}


function loadPositioned(text: string, file: string, options: LoadOptions, onNames?: (names: DeclaredNames) => void): LoadResult {
  const issues: InputIssue[] = [];
  const add = sinkFor(file, issues);
  const fail = (): LoadResult => ({ ok: false, issues: tidy(issues) });

  const { LineCounter, parseDocument } = yamlPackage();
  const lines = new LineCounter();
  // duplicate keys are found by toRaw (the yaml package's own check is quadratic in a map's size)
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: false, prettyErrors: false });
  const src = new YamlIndex(doc, lines);
  const addError = yamlErrors(add, text);
  for (const error of doc.errors) addError(src.loc(error.pos[0]), error.code, error.message);
  if (issues.length > 0) return fail();

  const { value: raw, broken } = src.toRaw(add);
  if (broken) return fail();
  if (!isRawMap(raw)) {
    add(doc.contents ? src.valueLoc([]) : { line: 1, col: 1 }, 'NOT_A_SCENARIO', NOT_A_SCENARIO);
    return fail();
  }
  if (!withinLimits(raw, src, add, ESCAPES.test(text))) return fail();
  return fromRaw(raw, src, file, text, options, issues, add, onNames);
}

/**
 * What the did-you-mean searches of one load may spend, in steps (see suggest.ts; a step is
 * 10–50 ns): enough for every unknown name of a small file, and for a big one a fraction of what
 * reading it costs (a file with 2 000 unknown names and 100 000 declared ones took 16 s).
 */
const suggestBudget = (text: string): SuggestBudget => ({ steps: 2_000_000 + 3 * text.length });

/** Steps 3 to 5: the plain values checked and typed. */
function fromRaw(
  raw: RawMap,
  src: SourceIndex,
  file: string,
  text: string,
  options: LoadOptions,
  issues: InputIssue[] = [],
  add = sinkFor(file, issues),
  onNames?: (names: DeclaredNames) => void,
): LoadResult {
  const fail = (): LoadResult => ({ ok: false, issues: tidy(issues) });
  const sink: Sink = { src, add, budget: suggestBudget(text) };
  const top = validate(topLevelSchema, raw, [], sink);
  const names = checkDeclarations(raw, sink);
  checkParamNames(raw, names, sink);
  const params = checkParams(raw, sink);
  const items: ScenarioItem[] = [];
  let complete = true;
  if (Array.isArray(raw.events)) {
    (raw.events as readonly Raw[]).forEach((item, i) => {
      const loaded = loadItem(item, i, names, sink);
      if (loaded) items.push(loaded);
      else complete = false;
    });
  }
  if (issues.length > 0 || top === undefined || params === undefined || !complete) return fail();
  if (options.strictUnits === true) {
    for (const a of unitlessAmounts(raw, src)) {
      const { message, hint } = unitlessWords(a);
      add(a.loc, 'UNITLESS_AMOUNT', message, hint);
    }
    if (issues.length > 0) return fail();
  }
  onNames?.(names);

  return {
    ok: true,
    scenario: {
      name: top.name,
      description: top.description,
      rules: top.rules,
      params,
      accounts: inOrder(top.accounts, ['accounts'], src).map(([name, balance]) => ({ name, balance })),
      participants: inOrder(top.participants, ['participants'], src).map(([name, p]) => ({
        name,
        weight: p.weight,
        balance: p.balance ?? 0n,
      })),
      items,
    },
  };
}

type Add = (loc: Loc, code: InputIssueCode, message: string, hint?: string) => void;

function sinkFor(file: string, issues: InputIssue[]): Add {
  return (loc, code, message, hint) => {
    issues.push(hint === undefined ? { file, ...loc, code, message } : { file, ...loc, code, message, hint });
  };
}

/** The code a custom zod issue carries (the schema's refinements set it), else BAD_VALUE. */
function customCode(issue: z.core.$ZodIssueCustom): InputIssueCode {
  const code: unknown = issue.params?.['code'];
  return typeof code === 'string' && Object.hasOwn(INPUT_ISSUE_CODES, code) ? (code as InputIssueCode) : 'BAD_VALUE';
}

/** Sorted by position (stable), exact repeats dropped. */
function tidy(issues: readonly InputIssue[]): InputIssue[] {
  const seen = new Set<string>();
  return [...issues]
    .sort((a, b) => a.line - b.line || a.col - b.col)
    .filter((i) => {
      const key = `${i.line}:${i.col}:${i.message}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
}

function lowerFirst(s: string): string {
  return /^[A-Z][a-z]/.test(s) ? s.charAt(0).toLowerCase() + s.slice(1) : s;
}

/** The entries of a zod-parsed map, in the order the keys are written in the file. */
function inOrder<V>(map: Readonly<Record<string, V>> | undefined, path: Path, src: SourceIndex): [string, V][] {
  if (map === undefined) return [];
  const out: [string, V][] = [];
  for (const key of src.keysInOrder(path)) {
    if (Object.hasOwn(map, key)) out.push([key, map[key] as V]);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// zod → located issues

/** Parses `value` (found at `path`) with `schema`; reports every issue, returns the data if none. */
function validate<S extends z.ZodType>(schema: S, value: unknown, path: Path, sink: Sink): z.output<S> | undefined {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  for (const issue of result.error.issues) reportZodIssue(issue, schema, value, path, sink);
  return undefined;
}

function reportZodIssue(issue: z.core.$ZodIssue, schema: z.ZodType, value: unknown, base: Path, { src, add }: Sink): void {
  const rel = issue.path.filter((seg): seg is string | number => typeof seg !== 'symbol');
  const path: Path = [...base, ...rel];
  const found = (): string => src.describe(path, rawAt(value, rel));
  switch (issue.code) {
    case 'unrecognized_keys': {
      const known = objectKeysAt(schema, rel);
      for (const key of issue.keys) {
        const hint = didYouMean(key, known) ?? (known.length > 0 ? `allowed keys: ${known.join(', ')}` : undefined);
        add(src.keyLoc([...path, key]), 'UNKNOWN_KEY', `unknown key ${quote(key)} ${where(path)}`, hint);
      }
      return;
    }
    case 'invalid_type':
    case 'invalid_union': {
      const last = rel.at(-1);
      const parent = rawAt(value, rel.slice(0, -1));
      if (typeof last === 'string' && isRawMap(parent) && !Object.hasOwn(parent, last)) {
        add(src.keyLoc(path.slice(0, -1)), 'MISSING_FIELD', `missing required field ${quote(last)} ${where(path.slice(0, -1))}`);
      } else {
        add(src.valueLoc(path), 'WRONG_TYPE', `${label(path)} must be ${issue.message}, found ${found()}`);
      }
      return;
    }
    case 'invalid_value': {
      const values = issue.values.map(String);
      const actual = rawAt(value, rel);
      add(
        src.valueLoc(path),
        'BAD_VALUE',
        `${label(path)} must be ${orList(values.map((v) => JSON.stringify(v)))}, found ${found()}`,
        typeof actual === 'string' ? didYouMean(actual, values) : undefined,
      );
      return;
    }
    case 'invalid_key': {
      const key = String(rel.at(-1));
      const expected = issue.issues[0]?.message ?? 'valid';
      add(src.keyLoc(path), 'WRONG_TYPE', `each key of ${label(path.slice(0, -1))} must be ${expected}, found ${quote(key)}`);
      return;
    }
    case 'custom':
      add(src.valueLoc(path), customCode(issue), issue.message.replaceAll('{field}', label(path)).replaceAll('{found}', found()));
      return;
    default:
      add(src.valueLoc(path), 'BAD_VALUE', `${label(path)}: ${issue.message}`);
  }
}

function orList(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`;
}

function rawAt(value: unknown, rel: readonly (string | number)[]): Raw | undefined {
  let v = value as Raw | undefined;
  for (const seg of rel) {
    if (Array.isArray(v) && typeof seg === 'number') v = (v as readonly Raw[])[seg];
    else if (isRawMap(v) && typeof seg === 'string' && Object.hasOwn(v, seg)) v = v[seg];
    else return undefined;
  }
  return v;
}

/** The keys of the object schema found at `rel` inside `schema` (for did-you-mean hints). */
function objectKeysAt(schema: z.ZodType, rel: readonly (string | number)[]): string[] {
  let s: z.ZodType | undefined = schema;
  for (const seg of rel) {
    const cur: z.ZodType = unwrapSchema(s);
    if (cur instanceof z.ZodObject && typeof seg === 'string') s = (cur.shape as Record<string, z.ZodType>)[seg];
    else if (cur instanceof z.ZodArray) s = cur.element as z.ZodType;
    else if (cur instanceof z.ZodRecord) s = cur.valueType as z.ZodType;
    else return [];
    if (s === undefined) return [];
  }
  const last = unwrapSchema(s);
  return last instanceof z.ZodObject ? Object.keys(last.shape) : [];
}

// ---------------------------------------------------------------------------------------------
// Params

/** The params fields as the schema reads them (each one optional). */
export type ParsedParams = z.output<typeof paramsSchema>;

/** Params from the fields given, each field not given taken from `base` (the chain's defaults). */
export function paramsFrom(p: ParsedParams, base: Params = DEFAULT_PARAMS): Params {
  const d = base;
  return {
    tokenPrice: p.token_price ?? d.tokenPrice,
    escrow: {
      minAmount: p.escrow?.min_amount ?? d.escrow.minAmount,
      maxAmount: p.escrow?.max_amount ?? d.escrow.maxAmount,
      maxPerEpoch: p.escrow?.max_per_epoch ?? d.escrow.maxPerEpoch,
      allowedCreators: p.escrow?.allowed_creators ?? d.escrow.allowedCreators,
    },
    epochReward: p.epoch_reward ?? d.epochReward,
    initialEpochReward: p.initial_epoch_reward ?? d.initialEpochReward,
    genesisEpoch: p.genesis_epoch ?? d.genesisEpoch,
    decayRate: p.decay_rate ?? d.decayRate,
    standardRewardAmount: p.standard_reward_amount ?? d.standardRewardAmount,
    skippedPayout: p.skipped_payout ?? d.skippedPayout,
    workVestingPeriod: p.work_vesting_period ?? d.workVestingPeriod,
    rewardVestingPeriod: p.reward_vesting_period ?? d.rewardVestingPeriod,
    powerCapping: p.power_capping ?? d.powerCapping,
    downtimeTest: p.downtime_test ?? d.downtimeTest,
    binomTestP0: p.binom_test_p0 ?? d.binomTestP0,
    autoStatus: p.auto_status ?? d.autoStatus,
    validation: {
      falsePositiveRate: p.validation?.false_positive_rate ?? d.validation.falsePositiveRate,
      quickFailureThreshold: p.validation?.quick_failure_threshold ?? d.validation.quickFailureThreshold,
      badParticipantInvalidationRate: p.validation?.bad_participant_invalidation_rate ?? d.validation.badParticipantInvalidationRate,
      invalidationHThreshold: p.validation?.invalidation_h_threshold ?? d.validation.invalidationHThreshold,
      downtimeBadPercentage: p.validation?.downtime_bad_percentage ?? d.validation.downtimeBadPercentage,
      downtimeGoodPercentage: p.validation?.downtime_good_percentage ?? d.validation.downtimeGoodPercentage,
      downtimeHThreshold: p.validation?.downtime_h_threshold ?? d.validation.downtimeHThreshold,
    },
  };
}

/** The rule between params fields the schema cannot state: the escrow bounds in order. */
export function escrowBoundsProblem(params: Params): string | undefined {
  const { minAmount, maxAmount } = params.escrow;
  return minAmount > maxAmount ? `params.escrow.min_amount (${minAmount}) must not exceed params.escrow.max_amount (${maxAmount})` : undefined;
}

function checkParams(root: RawMap, sink: Sink): Params | undefined {
  const written = root.params === undefined ? {} : root.params;
  const parsed = paramsSchema.safeParse(written);
  if (!parsed.success) return undefined;
  const p = parsed.data;
  const params = paramsFrom(p);
  const problem = escrowBoundsProblem(params);
  if (problem !== undefined) {
    const { minAmount, maxAmount } = params.escrow;
    const minWritten = p.escrow?.min_amount !== undefined;
    const maxWritten = p.escrow?.max_amount !== undefined;
    const at = sink.src.valueLoc(['params', 'escrow', minWritten ? 'min_amount' : 'max_amount']);
    const hint = !minWritten
      ? `min_amount defaults to ${formatGonka(minAmount)} gonka`
      : !maxWritten
        ? `max_amount defaults to ${formatGonka(maxAmount)} gonka`
        : undefined;
    sink.add(at, 'PARAM_CONFLICT', problem, hint);
    return undefined;
  }
  return params;
}

// ---------------------------------------------------------------------------------------------
// Event items

/** How stream.ts reads the items of a file whose header loaded (see loadHeader). */
export type ItemReader = (item: Raw, i: number, src: SourceIndex) => ScenarioItem | undefined;

/**
 * For the streaming reader (stream.ts): `text` is a file's header with an empty event list,
 * loaded as loadScenario loads it, and a reader of its items one at a time, each checked as
 * loadScenario checks it (item `i` of `events`, positions in `src`): undefined when the item, or
 * the whole file loaded at once, would have any problem at all (its words are then left to
 * loadScenario). Undefined when the header has a problem.
 */
export function loadHeader(text: string, file: string, options: LoadOptions = {}): { scenario: Scenario; readItem: ItemReader } | undefined {
  let names: DeclaredNames | undefined;
  const loaded = load(text, file, options, (n) => (names = n));
  if (!loaded.ok || names === undefined) return undefined;
  const declared = names;
  const readItem: ItemReader = (item, i, src) => {
    let problems = 0;
    // (no hint is shown, so none is searched for)
    const sink: Sink = { src, add: () => void problems++, budget: { steps: 0 } };
    const loadedItem = loadItem(item, i, declared, sink);
    return problems === 0 ? loadedItem : undefined;
  };
  return { scenario: loaded.scenario, readItem };
}

function loadItem(item: Raw, i: number, names: DeclaredNames, sink: Sink): ScenarioItem | undefined {
  const { src, add } = sink;
  const base: Path = ['events', i];
  const index = i + 1;

  if (typeof item === 'string') {
    const at = src.valueLoc(base);
    if (item === 'expect') {
      add(at, 'EXPECT_MISUSE', 'a checkpoint needs something to compare', 'write "- expect: { ... }" with the fields to compare');
      return undefined;
    }
    if (!isEventType(item)) {
      add(at, 'UNKNOWN_EVENT', `unknown event ${quote(item)}`, didYouMean(item, EVENT_TYPES) ?? EVENT_LIST);
      return undefined;
    }
    const event = parseEvent(item, Object.create(null) as RawMap, [...base, item], sink);
    return event && { kind: 'event', index, loc: at, event, expectError: undefined, expectResult: undefined, note: undefined };
  }
  if (!isRawMap(item)) {
    add(src.valueLoc(base), 'BAD_ITEM', `each item of events must be an event name or a map with one event key, found ${src.describe(base, item)}`);
    return undefined;
  }

  // The keys in the order written; an item with one key (nearly every item) needs no lookup.
  const own = Object.keys(item);
  const keys = own.length <= 1 ? own : src.keysInOrder(base).filter((k) => Object.hasOwn(item, k));
  if (keys.includes('expect')) {
    for (const key of keys) {
      if (key !== 'expect') {
        add(src.keyLoc([...base, key]), 'BAD_ITEM', `a checkpoint takes no other key: found ${quote(key)} beside "expect"`, 'put "- expect:" in an item of its own');
      }
    }
    const at: Path = [...base, 'expect'];
    checkExpectNames(item.expect, at, names, sink);
    const fields = validate(expectationSchema, item.expect, at, sink);
    if (fields === undefined || keys.length > 1) return undefined;
    const fieldLocs: Record<string, Loc> = {};
    for (const key of src.keysInOrder(at)) fieldLocs[key] = src.valueLoc([...at, key]);
    return { kind: 'expect', index, loc: src.keyLoc(at), expect: buildExpectation(fields, at, src), fieldLocs };
  }

  let ok = true;
  const events: EventType[] = [];
  for (const key of keys) {
    if (isEventType(key)) {
      events.push(key);
      if (events.length > 1) {
        add(src.keyLoc([...base, key]), 'BAD_ITEM', `two events in one item: "${events[0]}" and "${key}"`, 'give each event its own "- " item');
        ok = false;
      }
    } else if (!(ITEM_MODIFIERS as readonly string[]).includes(key)) {
      ok = false;
      const at = src.keyLoc([...base, key]);
      const near = closest(key, [...EVENT_TYPES, ...ITEM_MODIFIERS, 'expect']);
      const hint = near === undefined ? undefined : `did you mean "${near}"?`;
      const event = keys.find(isEventType);
      if (near !== undefined ? !isEventType(near) : event !== undefined) {
        const what = event === undefined ? 'an event item' : `the ${event} item`;
        add(at, 'UNKNOWN_KEY', `unknown key ${quote(key)} in ${what}`, hint ?? 'an event item has one event key and may add expect_error, expect_result or note');
      } else {
        add(at, 'UNKNOWN_EVENT', `unknown event ${quote(key)}`, hint ?? EVENT_LIST);
      }
    }
  }
  const type = events[0];
  if (type === undefined) {
    if (ok) add(src.valueLoc(base), 'BAD_ITEM', 'this item has no event', EVENT_LIST);
    return undefined;
  }

  // An item with one key has no modifiers (and needs no closure to read them).
  let expectError: string | undefined;
  let expectResult: string | undefined;
  let note: string | undefined;
  if (keys.length > 1) {
    const modifier = (key: (typeof ITEM_MODIFIERS)[number]): string | undefined => {
      if (!Object.hasOwn(item, key)) return undefined;
      const schema = key === 'note' ? textSchema : nonEmptyTextSchema;
      const value = validate(schema, item[key], [...base, key], sink);
      if (value === undefined) ok = false;
      return value;
    };
    expectError = modifier('expect_error');
    expectResult = modifier('expect_result');
    note = modifier('note');
    if (Object.hasOwn(item, 'expect_result')) {
      const at = src.keyLoc([...base, 'expect_result']);
      if (type !== 'claim_reward') {
        add(at, 'EXPECT_MISUSE', `expect_result applies only to claim_reward, not to ${type}`, 'use expect_error to expect a failed transaction');
        ok = false;
      } else if (Object.hasOwn(item, 'expect_error')) {
        const later = keys.indexOf('expect_result') > keys.indexOf('expect_error') ? 'expect_result' : 'expect_error';
        add(src.keyLoc([...base, later]), 'EXPECT_MISUSE', 'expect_error and expect_result cannot be used together', 'a claim_reward either fails as a transaction (expect_error) or reports a result (expect_result)');
        ok = false;
      }
    }
  }

  let event: ChainEvent | undefined;
  let eventPath: Path = base;
  for (let n = 0; n < events.length; n++) {
    const key = events[n] as EventType;
    const value = item[key];
    const fields = value === null ? (Object.create(null) as RawMap) : value;
    const path: Path = [...base, key];
    const parsed = parseEvent(key, fields, path, sink);
    checkEventNames(key, fields, path, names, sink);
    if (n === 0) {
      event = parsed;
      eventPath = path;
    }
  }
  if (!ok || event === undefined) return undefined;
  return { kind: 'event', index, loc: src.keyLoc(eventPath), event, expectError, expectResult, note };
}

/** Checks one event's fields (`fields` is at `path`) and builds the typed event. */
function parseEvent(type: EventType, fields: Raw | undefined, path: Path, sink: Sink): ChainEvent | undefined {
  const { src } = sink;
  switch (type) {
    case 'start_epoch': {
      const d = validate(eventFieldSchemas.start_epoch, fields, path, sink);
      return d && { type, active: d.active, weights: inOrder(d.weights, [...path, 'weights'], src) };
    }
    case 'run_inference': {
      const d = quickEventFields('run_inference', fields) ?? validate(eventFieldSchemas.run_inference, fields, path, sink);
      return (
        d && {
          type,
          requester: d.requester,
          executor: d.executor,
          promptTokens: d.prompt_tokens,
          completionTokens: d.completion_tokens,
          maxTokens: d.max_tokens ?? DEFAULT_MAX_TOKENS,
          price: d.price,
          id: d.id,
          outcome: d.outcome ?? 'finished',
        }
      );
    }
    case 'create_escrow': {
      const d = quickEventFields('create_escrow', fields) ?? validate(eventFieldSchemas.create_escrow, fields, path, sink);
      return d && { type, creator: d.creator, amount: d.amount, slots: d.slots, id: d.id };
    }
    case 'settle_escrow': {
      const d = quickEventFields('settle_escrow', fields) ?? validate(eventFieldSchemas.settle_escrow, fields, path, sink);
      return (
        d && {
          type,
          escrow: d.escrow,
          settler: d.settler,
          fees: d.fees ?? 0n,
          nonce: d.nonce,
          hosts: d.hosts.map((h) => ({
            slot: h.slot,
            cost: h.cost,
            missed: h.missed ?? 0,
            invalid: h.invalid ?? 0,
            requiredValidations: h.required_validations ?? 0,
            completedValidations: h.completed_validations ?? 0,
          })),
        }
      );
    }
    case 'exclude_participant': {
      const d = validate(eventFieldSchemas.exclude_participant, fields, path, sink);
      return d && { type, participant: d.participant, reason: d.reason };
    }
    case 'end_epoch': {
      const d = validate(eventFieldSchemas.end_epoch, fields, path, sink);
      return d && { type, punish: d.punish ?? [], ...(d.punish !== undefined ? { punishListed: true } : {}) };
    }
    case 'claim_reward': {
      const d = quickEventFields('claim_reward', fields) ?? validate(eventFieldSchemas.claim_reward, fields, path, sink);
      return d && { type, participant: d.participant, epoch: d.epoch };
    }
    case 'transfer': {
      const d = quickEventFields('transfer', fields) ?? validate(eventFieldSchemas.transfer, fields, path, sink);
      return d && { type, from: d.from, to: d.to, amount: d.amount };
    }
    case 'start_inference': {
      const d = validate(eventFieldSchemas.start_inference, fields, path, sink);
      return (
        d && {
          type,
          id: d.id,
          requester: d.requester,
          executor: d.executor,
          promptTokens: d.prompt_tokens,
          maxTokens: d.max_tokens ?? 0n,
          price: d.price,
        }
      );
    }
    case 'finish_inference': {
      const d = validate(eventFieldSchemas.finish_inference, fields, path, sink);
      return d && { type, id: d.id, executor: d.executor, promptTokens: d.prompt_tokens ?? 0n, completionTokens: d.completion_tokens };
    }
    case 'validate_inference': {
      const d = validate(eventFieldSchemas.validate_inference, fields, path, sink);
      return d && { type, id: d.id, validator: d.validator, passed: d.passed ?? true };
    }
    case 'invalidate_inference': {
      const d = validate(eventFieldSchemas.invalidate_inference, fields, path, sink);
      return d && { type, id: d.id };
    }
    case 'expire_inference': {
      const d = validate(eventFieldSchemas.expire_inference, fields, path, sink);
      return d && { type, id: d.id };
    }
  }
}

/** Drops the keys whose value is undefined, so "not given" is "absent" for the engine. */
function compact<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

function buildExpectation(d: ExpectationFields, path: Path, src: SourceIndex): Expectation {
  const numbered = <V>(map: Readonly<Record<string, V>> | undefined, at: Path): [number, V][] | undefined =>
    map && inOrder(map, at, src).map(([k, v]) => [Number(k), v]);
  const nullable = <V extends object>(v: V | null): V | null => (v === null ? null : compact(v));
  return compact<Expectation>({
    epoch: d.epoch,
    ended: d.ended,
    bank: d.bank && inOrder(d.bank, [...path, 'bank'], src),
    participants: d.participants && inOrder(d.participants, [...path, 'participants'], src).map(([k, v]) => [k, compact(v)] as const),
    settle_amounts:
      d.settle_amounts && inOrder(d.settle_amounts, [...path, 'settle_amounts'], src).map(([k, v]) => [k, nullable(v)] as const),
    summaries:
      d.summaries &&
      inOrder(d.summaries, [...path, 'summaries'], src).map(
        ([epoch, inner]) =>
          [Number(epoch), inOrder(inner, [...path, 'summaries', epoch], src).map(([k, v]) => [k, nullable(v)] as const)] as const,
      ),
    escrows: numbered(d.escrows, [...path, 'escrows'])?.map(([id, v]) => [id, nullable(v)] as const),
    supply: d.supply && compact(d.supply),
    surplus: d.surplus,
    exclusions: numbered(d.exclusions, [...path, 'exclusions']),
    inferences: d.inferences && inOrder(d.inferences, [...path, 'inferences'], src).map(([k, v]) => [k, nullable(v)] as const),
    vesting: d.vesting && inOrder(d.vesting, [...path, 'vesting'], src),
  });
}

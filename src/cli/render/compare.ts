/**
 * `epochsim compare`: one scenario replayed under several rulesets. The comparison is data
 * (`compareReplays`): the replays, the first step after which they differ, and each
 * participant's liquid balance over time; `renderCompare` and `comparisonJson` present it.
 */
import type { RuleName, Scenario } from '../../domain/scenario.js';
import { RULESETS } from '../../engine/rules/registry.js';
import { canonicalJson, runToJson, type Json } from '../../engine/replay/json.js';
import { vecDiff } from '../../engine/storage/pvec.js';
import { balanceOf, escrowOf, holdingsOf, type Holdings } from '../../engine/storage/queries.js';
import type { StepView } from '../../engine/replay/run.js';
import type { World } from '../../engine/storage/state.js';
import type { Palette } from '../palette.js';
import { diffState } from './diff.js';
import { explainBlock, verdictLine } from './explain.js';
import { knownDivergences, netWords } from './known.js';
import { fitTable, listWords, money, plural, rule, unitFor, wrap, WIDTH } from './layout.js';
import { replay, type Replay } from './replay.js';

export interface Divergence {
  /** Position in the views (0-based). */
  readonly position: number;
  /** The item's index (as `run` numbers steps) and line. */
  readonly step: number;
  readonly line: number;
  /** Checkpoint paths whose values differ after the step. */
  readonly fields: readonly string[];
  /** True when the step's outcome (ok/failed, error, result, checkpoint verdict) differs. */
  readonly outcome: boolean;
}

/** One participant's liquid balance over the replay: index 0 is genesis, i + 1 is after views[i]. */
export type Series = readonly bigint[];

export interface Comparison {
  readonly rules: readonly RuleName[];
  readonly replays: readonly Replay[];
  readonly firstDivergence: Divergence | null;
}

function outcomeOf(view: StepView): string {
  if (view.kind === 'expect') return `checkpoint ${view.record.ok ? 'holds' : 'fails'}`;
  const r = view.record;
  return `${r.status}|${r.error ?? ''}|${r.result ?? ''}`;
}

/**
 * The fields that differ after a step, given that the states were equal before it: the changes
 * each replay made must be the same paths with the same new values. Only what the step changed is
 * visited, so finding the first divergence costs the size of the changes, not of the chain.
 */
function divergedFields(views: readonly StepView[], world: World): string[] {
  const maps = views.map((v) => {
    const m = new Map<string, string>();
    if (v.kind === 'event') for (const c of diffState(v.before, v.after, world)) m.set(c.path, c.after);
    return m;
  });
  const first = maps[0] ?? new Map<string, string>();
  const paths: string[] = [];
  const seen = new Set<string>();
  for (const m of maps) {
    for (const path of m.keys()) {
      if (seen.has(path)) continue;
      seen.add(path);
      if (maps.some((other) => other.get(path) !== first.get(path))) paths.push(path);
    }
  }
  // The order diffState uses (epoch, bank, ledgers, settle amounts, …), whichever replay named a path first.
  const rank = (path: string): number => SECTIONS.indexOf(path.split('.')[0] ?? '');
  return paths.map((path, i) => ({ path, i })).sort((a, b) => rank(a.path) - rank(b.path) || a.i - b.i).map((x) => x.path);
}

const SECTIONS = ['epoch', 'ended', 'bank', 'participants', 'settle_amounts', 'summaries', 'escrows', 'inferences', 'host_stats', 'exclusions', 'supply'];

export function compareReplays(scenario: Scenario, rules: readonly RuleName[]): Comparison {
  const replays = rules.map((r) => replay(scenario, r));
  const world = (replays[0] as Replay).run.world;
  let firstDivergence: Divergence | null = null;
  const count = scenario.items.length;
  for (let i = 0; i < count && firstDivergence === null; i++) {
    const views = replays.map((r) => r.views[i] as StepView);
    const outcomes = views.map(outcomeOf);
    const outcome = outcomes.some((o) => o !== outcomes[0]);
    const fields = divergedFields(views, world);
    if (outcome || fields.length > 0) {
      const item = (views[0] as StepView).item;
      firstDivergence = { position: i, step: item.index, line: item.loc.line, fields, outcome };
    }
  }

  return { rules, replays, firstDivergence };
}

/**
 * Each participant's liquid balance after every step, one series per ruleset (in `rules` order),
 * built from what each step changed; only the text needs it, so `--json` never builds it.
 */
export function liquidTimeline(c: Comparison): Map<string, Series[]> {
  const world = (c.replays[0] as Replay).run.world;
  const liquid = new Map<string, Series[]>();
  const indexOfAccount = new Map(world.participants.map((name) => [world.accountIndex.get(name) as number, name]));
  for (const name of world.participants) liquid.set(name, []);
  for (const r of c.replays) {
    const current = new Map(world.participants.map((name) => [name, balanceOf(r.run.initial, world, name)]));
    const series = new Map(world.participants.map((name) => [name, [current.get(name) as bigint]]));
    for (const v of r.views) {
      if (v.kind === 'event') {
        vecDiff(v.before.balances, v.after.balances, (index, _b, a) => {
          const name = indexOfAccount.get(index);
          if (name !== undefined) current.set(name, a ?? 0n);
        });
      }
      for (const name of world.participants) series.get(name)?.push(current.get(name) as bigint);
    }
    for (const name of world.participants) liquid.get(name)?.push(series.get(name) as bigint[]);
  }
  return liquid;
}

/** `compare --json`: `{rules, runs: {<rule>: <run --json>}, first_divergence: {step, line} | null}`. */
export function comparisonJson(c: Comparison): string {
  const runs: Record<string, Json> = {};
  c.replays.forEach((r, i) => {
    runs[c.rules[i] as string] = runToJson(r.run);
  });
  const d = c.firstDivergence;
  return canonicalJson({ rules: [...c.rules], runs, first_divergence: d === null ? null : { step: d.step, line: d.line } });
}

// ---------------------------------------------------------------------------------------------
// Text

const BARS = '▁▂▃▄▅▆▇█';
const MAX_MARKS = 60;

/** One mark per step (or per group of steps when there are many): ▁ is 0, █ the largest value. */
export function sparkline(values: readonly bigint[], max: bigint): string {
  const marks = values.length > MAX_MARKS ? bucket(values, MAX_MARKS) : values;
  return marks
    .map((v) => {
      if (v <= 0n || max <= 0n) return BARS[0];
      const level = Number((v * 7n + max - 1n) / max); // 1..7: any positive value shows above 0
      return BARS[Math.min(7, Math.max(1, level))];
    })
    .join('');
}

/** The last value of each of `n` equal groups. */
function bucket(values: readonly bigint[], n: number): bigint[] {
  return Array.from({ length: n }, (_, i) => values[Math.ceil(((i + 1) * values.length) / n) - 1] ?? 0n);
}

const BUCKETS = ['liquid', 'owed', 'claimable', 'escrowed', 'total'] as const;

function differs(values: readonly bigint[]): boolean {
  return values.some((v) => v !== values[0]);
}

/** A cell with its mark: `*` when the values across rulesets differ, a space otherwise (keeps alignment). */
const marked = (text: string, mark: boolean): string => `${text}${mark ? '*' : ' '}`;

function finalHoldings(c: Comparison, p: Palette, width: number): string[] {
  const world = (c.replays[0] as Replay).run.world;
  const finals = c.replays.map((r) => holdingsOf(r.run.final, world));
  const get = (i: number, name: string): Holdings => finals[i]?.get(name) as Holdings;
  const showEscrowed = world.participants.some((n) => c.replays.some((_, i) => get(i, n).escrowed !== 0n));
  const buckets = BUCKETS.filter((b) => b !== 'escrowed' || showEscrowed);
  const u = unitFor(world.participants.flatMap((n) => c.replays.flatMap((_, i) => buckets.map((b) => get(i, n)[b]))));
  const rows: string[][] = [];
  const marks: boolean[][] = [];
  for (const name of world.participants) {
    c.replays.forEach((_, i) => {
      const row = [i === 0 ? name : '', c.rules[i] as string];
      const rowMarks = [false, false];
      for (const b of buckets) {
        const across = c.replays.map((__, j) => get(j, name)[b]);
        const d = differs(across);
        row.push(marked(u.format(get(i, name)[b]), d));
        rowMarks.push(d);
      }
      rows.push(row);
      marks.push(rowMarks);
    });
  }
  const head = ['name', 'rules', ...buckets.map((b) => `${b} `)];
  const lines = fitTable(head, rows, {
    right: buckets.map((_, i) => i + 2),
    head: p.dim,
    paint: (r, col) => (marks[r]?.[col] ? p.yellow : undefined),
  }, width);
  const note = showEscrowed ? '' : '; escrowed is 0 for every participant and not shown';
  return [p.bold(`Final holdings of the participants (${u.name})`), ...wrap(`* differs between rulesets${note}`, width, '  ').map((l) => p.dim(l)), ...lines];
}

function finalBank(c: Comparison, p: Palette, width: number): string[] {
  const world = (c.replays[0] as Replay).run.world;
  const u = unitFor(world.accounts.flatMap((a) => c.replays.map((r) => balanceOf(r.run.final, world, a))));
  const marks: boolean[][] = [];
  const rows = world.accounts.map((a) => {
    const values = c.replays.map((r) => balanceOf(r.run.final, world, a));
    const d = differs(values);
    marks.push([false, ...values.map(() => d)]);
    return [a, ...values.map((v) => marked(u.format(v), d))];
  });
  const lines = fitTable(['account', ...c.rules.map((r) => `${r} `)], rows, {
    right: c.rules.map((_, i) => i + 1),
    head: p.dim,
    paint: (r, col) => (marks[r]?.[col] ? p.yellow : undefined),
  }, width);
  return [p.bold(`Final bank balances (${u.name})`), ...lines];
}

function timeline(c: Comparison, p: Palette, width: number): string[] {
  const first = c.replays[0] as Replay;
  const world = first.run.world;
  const out: string[] = [p.bold(p.cyan(rule('Timeline: liquid balance after each step', width)))];
  out.push(
    ...wrap(
      "Only the steps where a participant's bank balance changed under at least one ruleset are listed; * marks the " +
        'values that differ between rulesets. Each line of marks is the balance after every step, ▁ for 0 up to █ ' +
        "for the largest value in that participant's table.",
      width,
    ),
  );
  const timelines = liquidTimeline(c);
  for (const name of world.participants) {
    const series = timelines.get(name) ?? [];
    const length = (series[0]?.length ?? 1) - 1;
    const changed: number[] = [];
    for (let i = 1; i <= length; i++) {
      if (series.some((s) => s[i] !== s[i - 1])) changed.push(i);
    }
    out.push('');
    if (changed.length === 0) {
      const v = series[0]?.[0] ?? 0n;
      out.push(p.bold(name), `  ${money(v)} throughout, under every ruleset.`);
      continue;
    }
    const all = series.flatMap((s) => s);
    const u = unitFor(all);
    const max = all.reduce((a, b) => (b > a ? b : a), 0n);
    const rowsAt = [0, ...changed];
    const marks: boolean[][] = [];
    const rows = rowsAt.map((i) => {
      const view = first.views[i - 1];
      const values = series.map((s) => s[i] ?? 0n);
      const d = differs(values);
      marks.push([false, false, false, ...values.map(() => d)]);
      const event = view === undefined ? 'genesis' : view.kind === 'event' ? view.item.event.type : 'expect';
      return [String(i === 0 ? 0 : view?.item.index ?? i), view ? String(view.item.loc.line) : '', event, ...values.map((v) => marked(u.format(v), d))];
    });
    out.push(p.bold(`${name} (${u.name})`));
    out.push(
      ...fitTable(['step', 'line', 'event', ...c.rules.map((r) => `${r} `)], rows, {
        right: [0, 1, ...c.rules.map((_, i) => i + 3)],
        head: p.dim,
        paint: (r, col) => (marks[r]?.[col] ? p.yellow : undefined),
      }, width),
    );
    const label = Math.max(...c.rules.map((r) => r.length));
    c.rules.forEach((r, i) => {
      out.push(`  ${r.padEnd(label)}  ${sparkline((series[i] ?? []).slice(1), max)}`);
    });
    const marksNote = length > MAX_MARKS ? ` (${MAX_MARKS} marks for ${length} steps)` : '';
    out.push(p.dim(`  ${' '.repeat(label)}  steps 1–${length}${marksNote}; █ = ${money(max)}`));
  }
  return out;
}

interface Story {
  readonly name: string;
  readonly epoch: number;
  readonly step: number;
}

/** Hosts punished at an epoch's end (listed, or by the chain's downtime test), and hosts excluded: the events that make totals differ. */
function punishments(r: Replay): { punished: Story[]; excluded: Story[] } {
  const punished: Story[] = [];
  const excluded: Story[] = [];
  for (const v of r.views) {
    if (v.kind !== 'event' || v.record.status !== 'ok') continue;
    const e = v.item.event;
    const story = (name: string): Story => ({ name, epoch: v.before.effectiveEpoch, step: v.item.index });
    if (e.type === 'end_epoch') {
      for (const name of e.punish) punished.push(story(name));
      for (const d of v.decisions) {
        if (d.kind === 'downtime_test') for (const m of d.results) if (!m.passed) punished.push(story(m.name));
      }
    }
    if (e.type === 'exclude_participant') excluded.push(story(e.participant));
  }
  return { punished, excluded };
}

/** What becomes of an excluded host's coins under each ruleset, in a few words. */
const EXCLUDED_FATE: Readonly<Record<RuleName, string>> = {
  deferred: 'its owed work coins go to governance when the epoch ends, and a later cross-epoch payout counts as punished',
  immediate: 'its settlement payouts were paid at once, and its owed work coins go to governance when the epoch ends',
  'v0.2.11': 'its settlement payouts were paid at once, and its owed work coins are zeroed when the epoch ends (#1746)',
  'fees-kept': 'its settlement payouts were paid at once, and its owed work coins are zeroed when the epoch ends (#1746)',
  'fees-split': 'its settlement payouts were paid at once, and its owed work coins are zeroed when the epoch ends (#1746)',
  'pr-1000': 'its owed work coins, settlement credits included, are zeroed when the epoch ends (#1746)',
  'v0.2.12': 'its owed work coins are zeroed when the epoch ends (#1746)',
  newest: 'its owed work coins go to governance when the epoch ends, and so do its later payouts from escrows of that epoch',
};

/** "under a and b, X; under c, Y": rulesets grouped by the same words, in `rules` order. */
function byRuleset(rules: readonly RuleName[], words: (r: RuleName) => string): string {
  const groups = new Map<string, RuleName[]>();
  for (const r of rules) groups.set(words(r), [...(groups.get(words(r)) ?? []), r]);
  return [...groups].map(([text, names]) => `under ${listWords(names)}, ${text}`).join('; ');
}

/** Why totals differ, beyond punishment and exclusion: pruning, ignored fees and known divergences. Returns the names it explains. */
function versionReasons(c: Comparison, para: (text: string) => void): Set<string> {
  const explained = new Set<string>();
  // Unsettled escrows pruned at X + 2 under some rulesets.
  const pruned = new Map<number, { creator: string; amount: bigint; step: number; epoch: number; how: Map<RuleName, string> }>();
  c.replays.forEach((r, i) => {
    for (const v of r.views) {
      if (v.kind !== 'event' || v.record.status !== 'ok') continue;
      for (const d of v.decisions) {
        if (d.kind !== 'escrow_pruned' || d.settled) continue;
        const escrow = escrowOf(v.before, d.escrow);
        if (!escrow) continue;
        const entry = pruned.get(d.escrow) ?? { creator: escrow.creator, amount: escrow.amount, step: v.item.index, epoch: v.after.effectiveEpoch, how: new Map() };
        entry.how.set(c.rules[i] as RuleName, d.split === 'per_slot' ? 'per slot' : 'per unique host');
        pruned.set(d.escrow, entry);
        explained.add(escrow.creator);
        for (const h of escrow.slots) explained.add(h);
      }
    }
  });
  for (const [id, e] of pruned) {
    const kept = c.rules.filter((r) => !e.how.has(r));
    const groups = new Map<string, RuleName[]>();
    for (const [r, how] of e.how) groups.set(how, [...(groups.get(how) ?? []), r]);
    const how = [...groups].map(([words, names]) => `${words} under ${listWords(names)}`);
    para(
      `Escrow ${id} (${money(e.amount)} from ${e.creator}) was never settled. When epoch ${e.epoch} started (step ${e.step}) it ` +
        `was pruned — shared among its hosts ${listWords(how)} — with nothing back for ${e.creator}` +
        `${kept.length > 0 ? `; under ${listWords(kept)} it stays locked (no pruning)` : ''}.`,
    );
  }
  // v0.2.11 ignores the settlement fees.
  c.replays.forEach((r, i) => {
    for (const v of r.views) {
      if (v.kind !== 'event' || v.record.status !== 'ok' || v.item.event.type !== 'settle_escrow') continue;
      const ignored = v.decisions.find((d) => d.kind === 'fees_ignored');
      if (ignored?.kind !== 'fees_ignored') continue;
      const escrow = escrowOf(v.before, Number(v.item.event.escrow));
      if (!escrow) continue;
      para(
        `Under ${c.rules[i]} the settlement at step ${v.item.index} ignores its ${money(ignored.fees)} of fees (the ${c.rules[i]} message ` +
          `has no fees field): the hosts are paid their costs only and ${escrow.creator} keeps the fees.`,
      );
      explained.add(escrow.creator);
      for (const h of escrow.slots) explained.add(h);
    }
  });
  // Known divergences, per ruleset.
  let said = false;
  c.replays.forEach((r, i) => {
    const known = knownDivergences(r);
    if (known.length === 0) return;
    const total = known.reduce((sum, k) => sum + k.amount, 0n);
    const lead = said ? '' : 'Known divergences of the chain versions account for part of it. ';
    said = true;
    para(`${lead}Under ${c.rules[i]}, ${netWords(total)}: ${known.map((k) => `at step ${k.step}, ${k.what}`).join('; ')}.`);
    for (const k of known) for (const name of k.who) explained.add(name);
  });
  return explained;
}

function verdict(c: Comparison, p: Palette, width: number): string[] {
  const first = c.replays[0] as Replay;
  const world = first.run.world;
  const finals = c.replays.map((r) => holdingsOf(r.run.final, world));
  const rulesText = listWords([...c.rules]);
  const out: string[] = [p.bold(p.cyan(rule('Verdict', width)))];
  const para = (text: string, paint?: (s: string) => string): void => {
    for (const line of wrap(text, width)) out.push(paint ? paint(line) : line);
  };
  const totals = (name: string): bigint[] => finals.map((f) => f.get(name)?.total ?? 0n);
  const liquids = (name: string): bigint[] => finals.map((f) => f.get(name)?.liquid ?? 0n);
  const totalDiff = world.participants.filter((n) => differs(totals(n)));
  const liquidDiff = world.participants.filter((n) => differs(liquids(n)));
  const d = c.firstDivergence;
  const { punished, excluded } = punishments(first);
  const values = (name: string, of: (n: string) => bigint[]): string =>
    of(name)
      .map((v, i) => `${c.rules[i]} ${money(v)}`)
      .join(', ');
  /** The comparison the v1 verdict was written for: deferred against immediate, nothing else. */
  const v1Pair = c.rules.length === 2 && c.rules.includes('deferred') && c.rules.includes('immediate');
  const skipped =
    first.scenario.params.skippedPayout === 'refund'
      ? 'skipped_payout: refund sends it back to the escrow creator'
      : 'skipped_payout: governance sends it to governance';

  if (totalDiff.length === 0) {
    para(
      `Totals agree: every participant ends with the same total (liquid + owed + claimable + escrowed) under ${rulesText}.`,
      p.green,
    );
  } else {
    para(`Totals differ: ${totalDiff.map((n) => `${n} ends with ${values(n, totals)}`).join('; ')}.`, p.yellow);
    const explained = new Set<string>();
    for (const s of punished) {
      if (v1Pair) {
        para(
          `${s.name} was punished at the end of epoch ${s.epoch} (step ${s.step}): a difference is expected. Under the deferred ` +
            `rules a host punished in an escrow's epoch is not paid that escrow's cross-epoch payout (${skipped}); paying at ` +
            `settlement (immediate) pays every host, punished or not.`,
        );
      } else if (c.rules.includes('deferred')) {
        const others = c.rules.filter((r) => r !== 'deferred');
        para(
          `${s.name} was punished at the end of epoch ${s.epoch} (step ${s.step}): a difference is expected. Under deferred a ` +
            `host punished in an escrow's epoch is not paid that escrow's cross-epoch payout (${skipped}); ${listWords(others)} ` +
            `${others.length === 1 ? 'pays' : 'pay'} every host, punished or not.`,
        );
      } else {
        continue;
      }
      explained.add(s.name);
    }
    for (const s of excluded) {
      para(
        v1Pair
          ? `${s.name} was excluded in epoch ${s.epoch} (step ${s.step}): a difference is expected. Under the deferred rules its ` +
              `owed work coins are forfeited to governance when the epoch ends; paying at settlement (immediate) has ` +
              `already paid them.`
          : `${s.name} was excluded in epoch ${s.epoch} (step ${s.step}): a difference is expected. An excluded host's coins: ` +
              `${byRuleset(c.rules, (r) => EXCLUDED_FATE[r])}.`,
      );
      explained.add(s.name);
    }
    if (!v1Pair) for (const name of versionReasons(c, (text) => para(text))) explained.add(name);
    const unexplained = totalDiff.filter((n) => !explained.has(n));
    if (unexplained.length > 0 && v1Pair) {
      para(
        `No host punishment or exclusion explains the difference for ${listWords(unexplained)}: see the first divergence.`,
        p.red,
      );
    } else if (unexplained.length > 0) {
      para(
        `For ${listWords(unexplained)} the rest of the difference comes from how each ruleset delivers a settlement's payouts ` +
          '(`epochsim rules` lists them): see the first divergence.',
      );
    }
  }
  if (d === null) {
    para(`Timing agrees too: the replays never diverge — no step treats a payout differently under ${rulesText}.`);
  } else {
    const view = first.views[d.position];
    const event = view?.kind === 'event' ? view.item.event.type : 'checkpoint';
    para(`Timing differs: the replays diverge at step ${d.step} (line ${d.line}, ${event}).`);
    const pending = liquidDiff.filter((n) => !totalDiff.includes(n));
    if (pending.length > 0) {
      para(
        `At the end, ${listWords(pending)} still ${pending.length === 1 ? 'has' : 'have'} coins owed or claimable under one ruleset ` +
          `that are liquid under another (${pending.map((n) => `${n}: liquid ${values(n, liquids)}`).join('; ')}).`,
      );
    } else if (totalDiff.length === 0) {
      para('By the end every participant holds the same liquid balance under each ruleset.');
    }
  }
  const others = world.accounts.filter(
    (a) => !world.participantIndex.has(a) && differs(c.replays.map((r) => balanceOf(r.run.final, world, a))),
  );
  if (others.length > 0) para(`Other accounts that end with a different balance: ${listWords(others)}.`);
  return out;
}

/** A ruleset's known divergences under its verdict line (chain versions only): the net amount, then one line each. */
function knownLines(r: Replay, indent: string, p: Palette, width: number): string[] {
  if (!RULESETS[r.run.rules].reportsDivergences) return [];
  const known = knownDivergences(r);
  if (known.length === 0) return wrap('known divergences: none in this run', width, indent);
  const total = known.reduce((sum, k) => sum + k.amount, 0n);
  const out = wrap(`known ${known.length === 1 ? 'divergence' : 'divergences'}: ${netWords(total)}`, width, indent);
  for (const k of known) out.push(...wrap(`step ${k.step}: ${k.what}`, width, `${indent}- `, `${indent}  `).map((l) => p.yellow(l)));
  return out;
}

export function renderCompare(c: Comparison, file: string, p: Palette, width: number = WIDTH): string {
  const first = c.replays[0] as Replay;
  const out: string[] = [];
  out.push(...wrap(first.scenario.name, width).map((l) => p.bold(l)));
  out.push(...wrap(`${file} · compared: ${c.rules.join(', ')}`, width, '', '  ').map((l) => p.dim(l)));
  out.push('', p.bold('Replays'));
  const label = Math.max(...c.rules.map((r) => r.length));
  c.replays.forEach((r, i) => {
    out.push(`  ${(c.rules[i] as string).padEnd(label)}  ${verdictLine(r.run, p)}`);
    out.push(...knownLines(r, ' '.repeat(label + 4), p, width));
  });
  if (c.replays.some((r) => !r.run.ok)) {
    out.push(
      ...wrap(
        "A file's checkpoints and expectations are usually written for one ruleset, so a replay that fails them under " +
          'another is not an error of the comparison.',
        width,
        '  ',
      ).map((l) => p.dim(l)),
    );
  }
  out.push('', ...finalHoldings(c, p, width));
  out.push('', ...finalBank(c, p, width));
  out.push('', ...timeline(c, p, width));

  out.push('');
  const d = c.firstDivergence;
  if (d === null) {
    out.push(p.bold(p.cyan(rule('First divergence: none', width))));
    out.push(...wrap('Every step has the same outcome and leaves the same state under each ruleset.', width));
  } else {
    out.push(p.bold(p.cyan(rule(`First divergence: step ${d.step} (line ${d.line})`, width))));
    const what = [
      d.outcome ? "the step's outcome" : '',
      d.fields.length > 0 ? `${plural(d.fields.length, 'field')}: ${d.fields.join(', ')}` : '',
    ].filter((s) => s !== '');
    out.push(...wrap(`After this step the rulesets differ in ${what.join(', and ')}. What each did:`, width));
    c.replays.forEach((r, i) => {
      out.push('', ...explainBlock(r, d.position, p, { width, title: `under ${c.rules[i]}` }));
    });
  }
  out.push('', ...verdict(c, p, width));
  return `${out.join('\n')}\n`;
}

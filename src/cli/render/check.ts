/**
 * What `epochsim check` prints: one line per scenario, the failures in detail, the golden-file
 * summary, the count line, and the JUnit XML. Pure functions of the outcomes; colour is a
 * parameter.
 */
import type { RunResult } from '../../engine/replay/run.js';
import type { Palette } from '../palette.js';
import { describeChanges, type JsonChange } from './jsondiff.js';

/** What became of a scenario's golden file. */
export type GoldenOutcome =
  | { readonly kind: 'match'; readonly file: string }
  | { readonly kind: 'differs'; readonly file: string; readonly changes: readonly JsonChange[] }
  | { readonly kind: 'missing'; readonly file: string }
  | { readonly kind: 'unreadable'; readonly file: string; readonly why: string }
  // with --update:
  | { readonly kind: 'created'; readonly file: string }
  | { readonly kind: 'changed'; readonly file: string; readonly changes: readonly JsonChange[] }
  | { readonly kind: 'rewritten'; readonly file: string; readonly why: string }
  | { readonly kind: 'unchanged'; readonly file: string };

/** An input problem: the scenario could not run, or its golden file could not be handled. */
export interface InputProblem {
  /** One line, e.g. `2 errors in bad.yaml; nothing was run` or `cannot read x.yaml: no such file`. */
  readonly message: string;
  /** The full text as printed on stderr, without colour. */
  readonly details: string;
}

export interface ScenarioOutcome {
  /** The file as given or found (`<stdin>` for `-`). */
  readonly name: string;
  readonly nanos: bigint;
  readonly run?: RunResult;
  readonly golden?: GoldenOutcome;
  readonly problem?: InputProblem;
}

export type Verdict = 'passed' | 'failed' | 'error';

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

export function verdictOf(o: ScenarioOutcome): Verdict {
  if (o.problem) return 'error';
  if (o.run && !o.run.ok) return 'failed';
  const g = o.golden?.kind;
  if (g === 'differs' || g === 'missing' || g === 'unreadable') return 'failed';
  return 'passed';
}

/** Whole milliseconds, `<1 ms` below half a millisecond. */
export function formatMillis(nanos: bigint): string {
  const ms = (nanos + 500_000n) / 1_000_000n;
  return ms === 0n ? '<1 ms' : `${ms} ms`;
}

/** `✓ name  12 ms` / `✗ name  3 ms`, names padded to `width`, plus what --update did. */
export function renderScenarioLine(o: ScenarioOutcome, width: number, p: Palette): string {
  const verdict = verdictOf(o);
  const mark = verdict === 'passed' ? p.green('✓') : p.red('✗');
  const notes: string[] = [];
  if (o.problem && !o.run) notes.push(p.red('invalid input'));
  else if (o.problem) notes.push(p.red('golden file error'));
  const g = o.golden?.kind;
  if (g === 'created' || g === 'changed' || g === 'rewritten') notes.push(p.yellow(`golden ${g}`));
  const line = `${mark} ${o.name.padEnd(width)}  ${p.dim(formatMillis(o.nanos).padStart(5))}`;
  return notes.length > 0 ? `${line}  ${notes.join('  ')}` : line;
}

/** The lines that say why a scenario failed (plain text; the caller colours or escapes them). */
function failureLines(o: ScenarioOutcome): string[] {
  const lines: string[] = [];
  const run = o.run;
  if (run) {
    const entries: { index: number; order: number; text: string }[] = [];
    for (const s of run.steps) {
      if (s.problem !== undefined) entries.push({ index: s.index, order: 0, text: `step ${s.index} (line ${s.line}, ${s.event}): ${s.problem}` });
    }
    for (const c of run.checks) {
      for (const f of c.failures) {
        entries.push({ index: c.step, order: 0, text: `step ${c.step} (line ${c.line}, checkpoint): ${f.field}: expected ${f.expected}, actual ${f.actual}` });
      }
    }
    for (const v of run.violations) {
      entries.push({ index: v.step, order: 1, text: `step ${v.step} (line ${v.line}, ${v.event}): ${v.invariant} invariant: ${v.message}` });
    }
    // stable sort: by item, a step's own problem before the invariants it broke
    entries.sort((a, b) => a.index - b.index || a.order - b.order);
    lines.push(...entries.map((e) => e.text));
  }
  if (o.problem) {
    const more = o.problem.details.trim().includes('\n');
    lines.push(more ? `${o.problem.message} (see stderr)` : o.problem.message);
  }
  const g = o.golden;
  if (g?.kind === 'differs') {
    lines.push(`golden ${g.file} differs at ${plural(g.changes.length, 'path')} (golden → this run):`);
    lines.push(...describeChanges(g.changes).map((l) => `  ${l}`));
  } else if (g?.kind === 'missing') {
    lines.push(`no golden file ${g.file}; run with --update to create it`);
  } else if (g?.kind === 'unreadable') {
    lines.push(`golden ${g.file} cannot be read (${g.why}); run with --update to rewrite it`);
  }
  return lines;
}

/** A one-line reason, for a JUnit failure message. */
export function failureSummary(o: ScenarioOutcome): string {
  if (o.problem && !o.run) return o.problem.message;
  const parts: string[] = [];
  const run = o.run;
  if (run) {
    const steps = run.steps.filter((s) => s.problem !== undefined).length;
    const checks = run.checks.filter((c) => !c.ok).length;
    if (steps > 0) parts.push(`${plural(steps, 'step')} not as expected`);
    if (checks > 0) parts.push(`${plural(checks, 'checkpoint')} failed`);
    if (run.violations.length > 0) parts.push(plural(run.violations.length, 'invariant violation'));
  }
  const g = o.golden;
  if (g?.kind === 'differs') parts.push(`golden file differs at ${plural(g.changes.length, 'path')}`);
  else if (g?.kind === 'missing') parts.push('no golden file');
  else if (g?.kind === 'unreadable') parts.push('golden file cannot be read');
  if (o.problem) parts.push(o.problem.message);
  return parts.join(', ');
}

/** The detail block of one failed scenario: a heading, then one indented line per problem. */
export function renderFailure(o: ScenarioOutcome, p: Palette): string {
  const heading = o.run ? `${o.name} · ${o.run.scenario} · rules: ${o.run.rules}` : o.name;
  return [`${p.red('✗')} ${p.bold(heading)}`, ...failureLines(o).map((l) => `  ${l}`)].join('\n');
}

/** What --update did: each changed golden with its diff, then the counts. */
export function renderUpdates(outcomes: readonly ScenarioOutcome[], dir: string): string[] {
  const lines: string[] = [];
  const count = { created: 0, changed: 0, rewritten: 0, unchanged: 0 };
  for (const o of outcomes) {
    const g = o.golden;
    if (!g) continue;
    if (g.kind === 'created' || g.kind === 'changed' || g.kind === 'rewritten' || g.kind === 'unchanged') count[g.kind]++;
    if (g.kind === 'changed') {
      lines.push(`golden ${g.file} changed at ${plural(g.changes.length, 'path')} (old → new):`);
      lines.push(...describeChanges(g.changes).map((l) => `  ${l}`));
    } else if (g.kind === 'rewritten') {
      lines.push(`golden ${g.file} rewritten (it could not be read: ${g.why})`);
    }
  }
  const parts = [
    `${count.created} created`,
    `${count.changed} changed`,
    ...(count.rewritten > 0 ? [`${count.rewritten} rewritten`] : []),
    `${count.unchanged} unchanged`,
  ];
  lines.push(`Golden files in ${dir}: ${parts.join(', ')}`);
  return lines;
}

/** The last line, exactly `N passed, N failed` once colour is stripped. Nothing is ever skipped. */
export function renderCounts(outcomes: readonly ScenarioOutcome[], p: Palette): string {
  const passed = outcomes.filter((o) => verdictOf(o) === 'passed').length;
  const failed = outcomes.length - passed;
  return `${p.green(`${passed} passed`)}, ${failed > 0 ? p.red(`${failed} failed`) : `${failed} failed`}`;
}

// --- JUnit XML ---------------------------------------------------------------------------------

/** Characters XML 1.0 cannot hold at all (most C0 controls, lone surrogates) become U+FFFD. */
const NOT_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

export function xmlText(s: string): string {
  return s.replace(NOT_XML, '\uFFFD').replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

/** An attribute value: also quotes, and line breaks and tabs kept as character references. */
export function xmlAttr(s: string): string {
  return xmlText(s).replaceAll('"', '&quot;').replaceAll("'", '&apos;').replaceAll('\n', '&#10;').replaceAll('\r', '&#13;').replaceAll('\t', '&#9;');
}

const seconds = (nanos: bigint): string => (Number(nanos / 1000n) / 1e6).toFixed(3);

/**
 * One `<testsuite name="epochsim">` inside `<testsuites>`; one `<testcase classname="epochsim"
 * name="FILE" time="SECONDS">` per scenario; a failed one holds `<failure message="…">` with the
 * details, an invalid input `<error message="…">` with the input errors.
 */
export function renderJunit(outcomes: readonly ScenarioOutcome[]): string {
  const failures = outcomes.filter((o) => verdictOf(o) === 'failed').length;
  const errors = outcomes.filter((o) => verdictOf(o) === 'error').length;
  const total = seconds(outcomes.reduce((sum, o) => sum + o.nanos, 0n));
  const counts = `tests="${outcomes.length}" failures="${failures}" errors="${errors}" skipped="0" time="${total}"`;
  const out = ['<?xml version="1.0" encoding="UTF-8"?>', `<testsuites name="epochsim" ${counts}>`, `  <testsuite name="epochsim" ${counts}>`];
  for (const o of outcomes) {
    const open = `    <testcase classname="epochsim" name="${xmlAttr(o.name)}" time="${seconds(o.nanos)}"`;
    const verdict = verdictOf(o);
    if (verdict === 'passed') {
      out.push(`${open}/>`);
      continue;
    }
    const tag = verdict === 'error' ? 'error' : 'failure';
    const type = verdict === 'error' ? 'input' : 'failure';
    const details = [...(o.problem && !o.run ? [o.problem.details.trimEnd()] : failureLines(o))].join('\n');
    out.push(`${open}>`);
    out.push(`      <${tag} message="${xmlAttr(failureSummary(o))}" type="${type}">${xmlText(details)}</${tag}>`);
    out.push('    </testcase>');
  }
  out.push('  </testsuite>', '</testsuites>');
  return `${out.join('\n')}\n`;
}

/**
 * What `epochsim sweep` prints: a table (the default), CSV (RFC 4180) or the JSON document
 * (src/sweep/sweep.ts), one row per point done, in the grid's order.
 */
import { failureText, metricJson, type SweepDocument } from '../../sweep/sweep.js';
import { plural } from './layout.js';
import { renderTable } from './table.js';

/** The cells of each point: its params, its ruleset, then its metrics (or, failed, its failure). */
function rowsOf(doc: SweepDocument): { params: string[]; rules: string; metrics: (string | null)[] | undefined; failure: string | undefined }[] {
  return doc.points.map((p) => ({
    params: doc.params.map((spec) => p.params[spec.path] ?? ''),
    rules: p.rules,
    metrics: p.ok ? doc.metrics.map((m) => cell(p.metrics[m] ?? null)) : undefined,
    failure: p.ok ? undefined : failureText(p.failure),
  }));
}

const cell = (v: ReturnType<typeof metricJson>): string | null => (v === null ? null : String(v));

/**
 * The sweep as CSV (RFC 4180 quoting, lines ended by a line feed: what a terminal shows is made
 * terminal-safe, and a carriage return is a control character): params, rules, metrics, failure
 * (empty for a point that passed); an absent value is an empty field.
 */
export function sweepCsv(doc: SweepDocument): string {
  const field = (s: string): string => (/[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);
  const head = [...doc.params.map((p) => p.path), 'rules', ...doc.metrics, 'failure'];
  const lines = [head.map(field).join(',')];
  for (const r of rowsOf(doc)) {
    const metrics = r.metrics ?? doc.metrics.map(() => null);
    lines.push([...r.params, r.rules, ...metrics.map((m) => m ?? ''), r.failure ?? ''].map(field).join(','));
  }
  return `${lines.join('\n')}\n`;
}

/**
 * The sweep as a table: a line that says what was swept, the rows (an absent value is "—"; a
 * failed point has "✗" for its metrics and its first failing step in a last column), and a
 * count of the points.
 */
export function sweepTable(doc: SweepDocument): string {
  const factors = [...doc.params.map((p) => `${p.values.length} ${p.path}`), plural(doc.rules.length, 'ruleset')];
  const rows = rowsOf(doc);
  const anyFailed = rows.some((r) => r.failure !== undefined);
  const head = [...doc.params.map((p) => p.path), 'rules', ...doc.metrics, ...(anyFailed ? ['failure'] : [])];
  const body = rows.map((r) => [
    ...r.params,
    r.rules,
    ...(r.metrics ?? doc.metrics.map(() => '✗')).map((m) => m ?? '—'),
    ...(anyFailed ? [r.failure ?? ''] : []),
  ]);
  const first = doc.params.length + 1;
  const right = doc.metrics.map((_, i) => first + i);
  const failed = rows.filter((r) => r.failure !== undefined).length;
  const done = doc.interrupted ? ` (${rows.length} done)` : '';
  return [
    `sweep of ${doc.file}: ${factors.join(' × ')} = ${plural(doc.grid, 'point')}`,
    renderTable(head, body, right),
    `${plural(doc.grid, 'point')}${done}: ${rows.length - failed} ok, ${failed} failed`,
    '',
  ].join('\n');
}

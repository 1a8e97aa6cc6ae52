/**
 * The "Known divergences" section of the human report: what a chain-version ruleset really
 * leaks or traps in this run, each with its step, amount and the chain issue or review point it
 * comes from. A finding about that version, not a violation (the run stays ok). Pure text; the
 * v1 rulesets (deferred, immediate) report none and get no section.
 */
import { formatGonka, groupDigits } from '../domain/money.js';
import { RULESETS } from '../engine/rules/registry.js';
import type { RunResult } from '../engine/replay/run.js';
import type { Palette } from './palette.js';
import { DIVERGENCE_SOURCES, divergenceMessage } from '../words/divergences.js';

const amount = (n: bigint): string => `${groupDigits(n)} ngonka (${formatGonka(n)} gonka)`;

/** The section, or '' for a ruleset that does not report divergences. */
export function renderDivergences(run: RunResult, p: Palette): string {
  if (!RULESETS[run.rules].reportsDivergences) return '';
  const head = p.bold(`Known divergences of ${run.rules}`) + p.dim(' (findings about that chain version, not violations)');
  if (run.divergences.length === 0) return `${head}\n  none in this run`;
  const lines = [head];
  for (const d of run.divergences) {
    lines.push(`  step ${d.step} (line ${d.line}, ${d.event}): ${p.yellow(amount(d.amount))}`);
    lines.push(`    ${divergenceMessage(d)}`);
    lines.push(p.dim(`    source: ${DIVERGENCE_SOURCES[d.id]}`));
  }
  const total = run.divergences.reduce((a, d) => a + d.amount, 0n);
  const share = total === run.surplus ? 'the whole surplus' : `of a surplus of ${groupDigits(run.surplus)} ngonka`;
  lines.push(`  total ${amount(total)}, ${share}`);
  return lines.join('\n');
}

/** Puts the section just before the report's last line (its verdict). */
export function withDivergences(report: string, section: string): string {
  if (section === '') return report;
  const cut = report.trimEnd().lastIndexOf('\n\n');
  if (cut < 0) return `${report}\n${section}\n`;
  return `${report.slice(0, cut)}\n\n${section}${report.slice(cut)}`;
}

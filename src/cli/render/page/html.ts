/**
 * The report page: one self-contained HTML document. What does not change with the selected
 * step is written here as plain HTML (the header, the verdicts and invariants, the first
 * divergence, the final holdings); the timeline, the state after a step, its coin flows, its
 * explanation and the charts are drawn in the browser by the page's own script from the data
 * (format.ts), with uPlot for the charts. Scripts, styles and data are inline, the only fonts are
 * the system's, and the page's Content-Security-Policy lets it fetch nothing at all.
 *
 * Every text from the scenario is escaped for HTML, with its control and invisible characters
 * shown as \uXXXX; the data is JSON in a `<script type="application/json">` with `<`, `>`, `&`,
 * U+2028 and U+2029 written as \u escapes, so no input can end that element. Pure: data in, text out.
 */
import type { Scenario } from '../../../domain/scenario.js';
import { formatGonka } from '../../../domain/money.js';
import { escapeInvisible } from '../../../domain/text.js';
import type { RunResult } from '../../../engine/replay/run.js';
import type { Holdings } from '../../../engine/storage/queries.js';
import { renderDivergences } from '../../divergences.js';
import { accountHoldings } from '../holdings.js';
import { paragraphs } from '../layout.js';
import { invariantLines } from '../report.js';
import { PAGE_CSS, PAGE_JS, SCRIPT_HASHES, UPLOT_CSS, UPLOT_JS, UPLOT_VERSION } from './assets.generated.js';
import { PLAIN } from './data.js';
import type { PageData } from './format.js';


const ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text as HTML: special characters as entities, control and invisible ones as visible \uXXXX. */
export function escapeHtml(text: string): string {
  return escapeInvisible(text).replace(/[&<>"']/g, (c) => ENTITIES[c] as string);
}

/** JSON that can stand inside a `<script>` element: nothing in it can close the element or start a comment. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

const BUCKETS = ['liquid', 'owed', 'claimable', 'escrowed', 'vesting', 'total'] as const;

/** The final holdings of every account that has any, side by side per ruleset; ≠ marks a difference. */
function finalHoldings(runs: readonly RunResult[]): string {
  const finals = runs.map((r) => new Map(accountHoldings(r.final, r.world).map((row) => [row.name, row.holdings])));
  const names = [...(finals[0]?.keys() ?? [])];
  const buckets = BUCKETS.filter((b) => b !== 'vesting' || finals.some((f) => [...f.values()].some((h) => h.vesting !== 0n)));
  const several = runs.length > 1;
  const head = several
    ? `<tr><th scope="col">account</th><th scope="col">rules</th>${buckets.map((b) => `<th scope="col" class="num">${b} (gonka)</th>`).join('')}</tr>`
    : `<tr><th scope="col">account</th>${buckets.map((b) => `<th scope="col" class="num">${b} (gonka)</th>`).join('')}</tr>`;
  const rows: string[] = [];
  for (const name of names) {
    const values = finals.map((f) => f.get(name) as Holdings);
    runs.forEach((r, i) => {
      const h = values[i] as Holdings;
      const cells = buckets.map((b) => {
        const differs = values.some((v) => v[b] !== h[b]);
        const mark = differs ? ' <span class="differs" title="differs between rulesets">≠</span>' : '';
        return `<td class="num${differs ? ' differs' : ''}" data-value="${h[b]}">${escapeHtml(formatGonka(h[b]))}${mark}</td>`;
      });
      const who = several ? (i === 0 ? `<th scope="row" rowspan="${runs.length}">${escapeHtml(name)}</th>` : '') + `<td>${escapeHtml(r.rules)}</td>` : `<th scope="row">${escapeHtml(name)}</th>`;
      rows.push(`<tr data-account="${escapeHtml(name)}" data-rules="${escapeHtml(r.rules)}">${who}${cells.join('')}</tr>`);
    });
  }
  const note = several ? '<p class="note">≠ marks a value that differs between the rulesets.</p>' : '';
  return `<table class="holdings" id="final-holdings"><caption>Where every account's coins are after the last step: liquid (bank), owed (coin_balance), claimable (settle amount), escrowed${buckets.includes('vesting') ? ', vesting' : ''}.</caption><thead>${head}</thead><tbody>${rows.join('')}</tbody></table>${note}`;
}

function runSummary(run: RunResult, data: PageData, index: number): string {
  const verdict = data.runs[index]?.verdict ?? '';
  const known = renderDivergences(run, PLAIN);
  const text = ['Invariants', ...invariantLines(run, PLAIN), ...(known === '' ? [] : ['', known])].join('\n');
  return (
    `<section class="run-summary" data-rules="${escapeHtml(run.rules)}"><h3>rules: ${escapeHtml(run.rules)}</h3>` +
    `<p class="verdict ${run.ok ? 'ok' : 'failed'}"><span class="mark" aria-hidden="true">${run.ok ? '✓' : '✗'}</span> ${escapeHtml(verdict)}</p>` +
    `<pre class="invariants">${escapeHtml(text)}</pre></section>`
  );
}

function divergenceSection(data: PageData): string {
  if (data.runs.length < 2) return '';
  const d = data.divergence;
  const rules = data.runs.map((r) => r.rules).join(', ');
  if (d === null) {
    return `<section id="divergence"><h2>First divergence</h2><p>None: every step has the same outcome and leaves the same state under ${escapeHtml(rules)}.</p></section>`;
  }
  const what = [d.outcome ? "the step's outcome" : '', d.fields.length > 0 ? `the fields ${d.fields.join(', ')}` : ''].filter((s) => s !== '').join(', and ');
  return (
    `<section id="divergence"><h2>First divergence: step ${d.step} (line ${d.line})</h2>` +
    `<p>After step ${d.step} the rulesets ${escapeHtml(rules)} differ in ${escapeHtml(what)}. ` +
    `<button type="button" class="goto" data-position="${d.position}">Show step ${d.step}</button></p></section>`
  );
}

export interface PageInput {
  readonly scenario: Scenario;
  readonly data: PageData;
  readonly runs: readonly RunResult[];
}

/**
 * A page's start, to its body: a Content-Security-Policy that runs only the scripts of
 * `scriptHashes` and fetches nothing, the title (HTML already), uPlot's and the pages' style and `css`.
 */
export function pageHead(title: string, scriptHashes: readonly string[], css = ''): string {
  const csp = `default-src 'none'; script-src ${scriptHashes.map((h) => `'${h}'`).join(' ')}; style-src 'unsafe-inline'; img-src data:`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<title>${title}</title>
<style>
${UPLOT_CSS}
${PAGE_CSS}
${css}</style>
</head>
`;
}

/** The whole page. */
export function renderPage({ scenario, data, runs }: PageInput): string {
  const name = escapeHtml(scenario.name);
  const rules = runs.map((r) => r.rules).join(', ');
  const description =
    scenario.description === undefined ? '' : `<div class="description">${paragraphs(scenario.description).map((p) => `<p>${escapeHtml(p)}</p>`).join('')}</div>`;
  const steps = data.lines.length;
  return `${pageHead(`${name} · epochsim report`, SCRIPT_HASHES)}<body${runs.length > 1 ? ' class="several"' : ''}>
<header>
<h1>${name}</h1>
<p class="meta"><span class="file">${escapeHtml(data.file)}</span> · rules: <span class="rules">${escapeHtml(rules)}</span> · ${steps} step${steps === 1 ? '' : 's'}</p>
${description}
<div class="summaries">${runs.map((r, i) => runSummary(r, data, i)).join('')}</div>
</header>
<main>
<noscript><p class="note">The step timeline, the state after each step, the coin flows and the charts need JavaScript; the summary above and the final holdings below do not.</p></noscript>
${divergenceSection(data)}
<section id="charts-section" aria-labelledby="charts-title"><h2 id="charts-title">Holdings over the steps</h2><div id="charts"></div></section>
<div class="travel">
<section id="timeline-section" aria-labelledby="timeline-title"><h2 id="timeline-title">Steps</h2>
<p class="note" id="timeline-help">Click a step, or use the arrow keys (Home, End, Page Up and Page Down too), to see the state after it.</p>
<div id="timeline"></div></section>
<div class="panes">
<section id="state-section" aria-labelledby="state-title"><h2 id="state-title">State</h2><div id="state"></div></section>
<section id="flow-section" aria-labelledby="flow-title"><h2 id="flow-title">Coin flows</h2><div id="flow"></div></section>
<section id="explain-section" aria-labelledby="explain-title"><h2 id="explain-title">Explanation</h2><div id="explain"></div></section>
</div>
</div>
<section id="final-section" aria-labelledby="final-title"><h2 id="final-title">Final holdings</h2>${finalHoldings(runs)}</section>
<p id="announce" class="visually-hidden" aria-live="polite"></p>
</main>
<footer><p>Made by <code>epochsim report</code>. Charts drawn with uPlot ${escapeHtml(UPLOT_VERSION)} (MIT licence, © Leon Sorokin), inlined in this page.</p></footer>
<script type="application/json" id="epochsim-data">${scriptJson(data)}</script>
<script>${UPLOT_JS}</script>
<script>${PAGE_JS}</script>
</body>
</html>
`;
}

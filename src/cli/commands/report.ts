/**
 * `epochsim report FILE [--rules R[,R…]] [-o OUT.html]`: one self-contained HTML page of a replay
 * (render/page/): the timeline, the state after any step with what it changed, the coin flows
 * and explanation of each step, and the holdings of every account over the steps, charted.
 */
import { basename, dirname } from 'node:path';
import { Option, type Command } from 'commander';
import { RULE_NAMES, type RuleName } from '../../domain/scenario.js';
import { SWEEP_JSON_FORMAT, sweepDocumentSchema } from '../../sweep/sweep.js';
import { readJsonFile } from '../jsonFile.js';
import { describeError } from '../oserror.js';
import { writeSweepPage } from './sweep.js';
import { buildPageData, EXPLAINED } from '../render/page/data.js';
import { renderPage } from '../render/page/html.js';
import { EXIT_FAILED, EXIT_INPUT, EXIT_OK, InputError, loadForCommand, maxSizeOption, strictUnitsOption, OutputError, parseRulesets, sourceName, type Cli } from '../shared.js';

interface ReportFlags {
  readonly rules?: RuleName[];
  readonly output?: string;
  readonly maxSize?: number;
  readonly strictUnits?: boolean;
  readonly sweep?: boolean;
  readonly color: boolean;
}

const HELP = `
Writes one HTML page that shows where every coin went, to open in a browser (it works from
file://: every script, style and datum is in the page, and it fetches nothing). The page has:
the scenario's name, description, verdict and invariants; the steps, each with its event, line,
outcome, error code and checkpoint results; the state after the selected step (click a step, or
move with the arrow keys) with what the step changed marked: holdings, bank balances, ledgers,
settle amounts, escrows; the step's coin flows as a diagram and its explanation (as explain
prints it, for the first ${EXPLAINED} steps); and each account's holdings over the steps, stacked
(liquid, owed, claimable, escrowed, vesting), with the epochs marked. With several rulesets
(--rules a,b) each is shown side by side, with the first divergence marked and the final
holdings compared.

The page is written to OUT (default: the scenario file's name with .html in place of .yaml, in
the current folder; stdin's is stdin.html), replacing it whole or not at all; -o - writes it
to stdout. Long scenarios page their timeline and thin out their charts.

With --sweep, FILE is the document epochsim sweep --json printed, and the page shows it: a chart
per metric against the last param whose values are integers, a line per ruleset (and per value
of the other params), and the points as a table (as sweep --html writes it).

Examples:
  $ epochsim report scenarios/03-cross-epoch-unclaimed.yaml
  $ epochsim report scenarios/01-deferred-same-epoch.yaml --rules deferred,immediate -o compare.html   # exit 1: a checkpoint fails under immediate (the page shows why)
  $ epochsim report scenarios/17-pr1000-trapped-payout.yaml -o - > trapped.html
  $ epochsim sweep scenarios/05-punished-host-refund.yaml --param epoch_reward=1000gonka..3000gonka:1000gonka --json | epochsim report --sweep - -o sweep.html

Exit codes: 0 the run is ok (under every ruleset); 1 an event, checkpoint or invariant failed
(the page is written and shows why; with --sweep: a point failed); 2 the input or the command
line is invalid (nothing is written); 74 the page could not be written.
`;

/** `scenarios/03-x.yaml` → `03-x.html` (in the current folder); stdin → `stdin.html`. */
export function defaultOutput(file: string): string {
  if (file === '-') return 'stdin.html';
  return `${basename(file).replace(/\.(ya?ml|json)$/i, '')}.html`;
}

/** A path as a shell command would need it written. */
const shellWord = (s: string): string => (/^[A-Za-z0-9_./@:+,=-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

/** The most bytes a sweep --json document read by report --sweep may have. */
const MAX_SWEEP_BYTES = 256 * 1024 * 1024;

/** report --sweep: the page of a saved sweep --json document. */
function sweepReport(file: string, out: string, cli: Cli): number {
  const fail = (why: string): InputError => new InputError(`epochsim: report --sweep: ${sourceName(file)}: ${why}\n`);
  const value = readJsonFile(cli.io, file, MAX_SWEEP_BYTES, fail);
  const head = typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  if (head['format'] !== 'epochsim sweep') throw fail('not an epochsim sweep document (written by epochsim sweep --json)');
  if (head['format_version'] !== SWEEP_JSON_FORMAT) throw fail(`a document of format_version ${JSON.stringify(head['format_version'])}; this epochsim reads format_version ${SWEEP_JSON_FORMAT}`);
  const parsed = sweepDocumentSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const at = issue === undefined || issue.path.length === 0 ? '' : ` at ${issue.path.map(String).join('.')}`;
    throw fail(`not a valid sweep document${at}: ${issue?.message ?? 'invalid'}`);
  }
  const doc = parsed.data;
  writeSweepPage(cli, out, doc);
  const failed = doc.points.filter((p) => !p.ok).length;
  if (out !== '-') cli.io.out(`wrote ${out}: ${doc.points.length} point${doc.points.length === 1 ? '' : 's'} of ${sourceName(doc.file)}, ${doc.metrics.length} metric${doc.metrics.length === 1 ? '' : 's'}; ${failed} failed\n`);
  return failed > 0 ? EXIT_FAILED : EXIT_OK;
}

export function reportCommand(file: string, flags: ReportFlags, cli: Cli): number {
  const { io } = cli;
  const out = flags.output ?? defaultOutput(file);
  if (flags.sweep === true) return sweepReport(file, out, cli);
  if (out !== '-' && file !== '-') {
    const input = io.fileId(file);
    if (input !== undefined && input === io.fileId(out)) throw new InputError(`epochsim: ${out} is the scenario itself; name another page with -o\n`);
  }
  const scenario = loadForCommand(file, io, flags.color, flags.maxSize, flags.strictUnits);
  if (!scenario) return EXIT_INPUT;
  const build = buildPageData(scenario, sourceName(file), flags.rules, `epochsim explain ${shellWord(file)}`);
  const page = renderPage({ scenario, data: build.data, runs: build.runs });
  const ok = build.runs.every((r) => r.ok);
  if (out === '-') {
    io.out(page);
    return ok ? EXIT_OK : EXIT_FAILED;
  }
  try {
    io.mkdir(dirname(out));
    io.writeFile(out, page);
  } catch (error) {
    throw new OutputError(`epochsim: cannot write ${out}: ${describeError(error, out)}\n`);
  }
  const steps = scenario.items.length;
  const verdicts = build.runs.map((r, i) => `${build.runs.length > 1 ? `${r.rules}: ` : ''}${build.data.runs[i]?.verdict ?? ''}`);
  const d = build.data.divergence;
  const divergence = build.runs.length < 2 ? '' : d === null ? '; no divergence' : `; first divergence at step ${d.step} (line ${d.line})`;
  io.out(`wrote ${out}: ${steps} step${steps === 1 ? '' : 's'} under ${build.runs.map((r) => r.rules).join(', ')}; ${verdicts.join('; ')}${divergence}\n`);
  return ok ? EXIT_OK : EXIT_FAILED;
}

export function registerReport(program: Command, cli: Cli): void {
  program
    .command('report')
    .description('write one self-contained HTML page that shows where every coin went, step by step, with charts')
    .argument('<file>', 'scenario YAML file, or - to read it from stdin')
    .addOption(
      new Option('--rules <r[,r…]>', `ruleset, or several to compare side by side, overriding the file's rules: (${RULE_NAMES.join(', ')})`).argParser(parseRulesets),
    )
    .option('-o, --output <file>', 'where to write the page (- for stdout; default: the scenario file name with .html)')
    .addOption(maxSizeOption())
    .addOption(strictUnitsOption())
    .option('--sweep', 'FILE is a sweep: the document epochsim sweep --json printed; write its page (a chart per metric against a param, a line per ruleset)')
    .option('--no-color', 'never colour the messages (colour is used only on a terminal; NO_COLOR is honoured)')
    .addHelpText('after', HELP)
    .action((file: string, flags: ReportFlags) => {
      cli.setExit(reportCommand(file, flags, cli));
    });
}

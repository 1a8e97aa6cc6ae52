/**
 * `epochsim compare FILE --rules A,B[,C]`: one scenario replayed under several rulesets, side by
 * side: final holdings and balances, each participant's liquid balance over time, the first step
 * where the replays diverge (explained under each ruleset), and a verdict.
 */
import { Option, type Command } from 'commander';
import { RULE_NAMES, type RuleName } from '../../domain/scenario.js';
import { compareReplays, comparisonJson, renderCompare } from '../render/compare.js';
import { EXIT_FAILED, EXIT_INPUT, EXIT_OK, loadForCommand, maxSizeOption, strictUnitsOption, parseRulesList, sourceName, stdoutPalette, type Cli } from '../shared.js';

/** The comparison the issue is about: PR #1000's deferred payouts against the chain before it. */
const DEFAULT_PAIR: readonly RuleName[] = ['deferred', 'immediate'];

interface CompareFlags {
  readonly rules: RuleName[];
  readonly json?: boolean;
  readonly maxSize?: number;
  readonly strictUnits?: boolean;
  readonly color: boolean;
}

const HELP = `
Replays the scenario once per ruleset (the file's own rules: line is ignored) and shows where
the payouts differ in amount and in timing: each participant's final liquid, owed and
claimable coins and every account's balance side by side (* marks a difference), a timeline of
each participant's liquid balance, the first step after which the replays differ (explained
under each ruleset), and a verdict: do the final totals agree, and if not, was a host punished
or excluded. Under a chain version each replay's known divergences are listed with their
amounts, and the verdict names them (and any escrow pruning) when totals differ.

Examples:
  $ epochsim compare scenarios/01-deferred-same-epoch.yaml
  $ epochsim compare scenarios/05-punished-host-refund.yaml --rules deferred,immediate
  $ epochsim compare scenarios/20-one-story-six-versions.yaml --rules v0.2.11,pr-1000,v0.2.12,newest,deferred
  $ epochsim compare scenarios/03-cross-epoch-unclaimed.yaml --json | jq .first_divergence

--json prints {"rules": [...], "runs": {"<rule>": <run --json object>, ...},
"first_divergence": {"step": N, "line": L} | null} with sorted keys.

Exit codes: 0 every replay ran (whatever each replay's checkpoints say: a file's checkpoints
are usually written for one ruleset); 1 an invariant (supply, bounds, surplus) was violated
under some ruleset; 2 the input or the command line is invalid (nothing goes to stdout);
74 stdout could not be written.
`;

export function compareCommand(file: string, flags: CompareFlags, cli: Cli): number {
  const { io } = cli;
  const scenario = loadForCommand(file, io, flags.color, flags.maxSize, flags.strictUnits);
  if (!scenario) return EXIT_INPUT;
  const comparison = compareReplays(scenario, flags.rules);
  io.out(flags.json ? comparisonJson(comparison) : renderCompare(comparison, sourceName(file), stdoutPalette(io, flags.color)));
  return comparison.replays.some((r) => r.run.violations.length > 0) ? EXIT_FAILED : EXIT_OK;
}

export function registerCompare(program: Command, cli: Cli): void {
  program
    .command('compare')
    .description('replay a scenario under several rulesets and show where payouts differ in amount and timing')
    .argument('<file>', 'scenario YAML file, or - to read it from stdin')
    .addOption(
      new Option('--rules <a,b[,c]>', `two or more rulesets, comma-separated (${RULE_NAMES.join(', ')})`)
        .argParser(parseRulesList)
        .default([...DEFAULT_PAIR], DEFAULT_PAIR.join(',')),
    )
    .option('--json', 'print {rules, runs, first_divergence} as one JSON object')
    .addOption(maxSizeOption())
    .addOption(strictUnitsOption())
    .option('--no-color', 'never colour the output (colour is used only on a terminal; NO_COLOR is honoured)')
    .addHelpText('after', HELP)
    .action((file: string, flags: CompareFlags) => {
      cli.setExit(compareCommand(file, flags, cli));
    });
}

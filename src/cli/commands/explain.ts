/**
 * `epochsim explain FILE [--step N]`: the replay told step by step, for a person learning the
 * rules; `--step N` shows one item with the full state before and after it.
 */
import { InvalidArgumentError, Option, type Command } from 'commander';
import { RULE_NAMES, type RuleName } from '../../domain/scenario.js';
import { renderExplain, renderExplainStep } from '../render/explain.js';
import { replay } from '../render/replay.js';
import {
  EXIT_FAILED,
  EXIT_INPUT,
  EXIT_OK,
  InputError,
  loadForCommand,
  maxSizeOption,
  strictUnitsOption,
  parseRules,
  sourceName,
  stdoutPalette,
  type Cli,
} from '../shared.js';

interface ExplainFlags {
  readonly step?: number;
  readonly rules?: RuleName;
  readonly maxSize?: number;
  readonly strictUnits?: boolean;
  readonly color: boolean;
}

const HELP = `
Replays the scenario and tells each step in words: what the event asked, which rule applied
and why, every transfer with its memo, the ledger fields that changed (named as a checkpoint
names them), and where each account's coins are after it, in four buckets that always add up:
liquid (bank), owed (coin_balance), claimable (settle amount) and escrowed (unsettled
devshard escrows and inference escrows it locked). Notes and the description of the scenario
are shown too. Under a chain version (v0.2.11 … newest) each known divergence is named where
it happens, with its amount and source, and listed again before the verdict; the inference
lifecycle, power capping, debt, the downtime test and pruning are told the same way.

Examples:
  $ epochsim explain scenarios/03-cross-epoch-unclaimed.yaml
  $ epochsim explain scenarios/03-cross-epoch-unclaimed.yaml --step 5
  $ epochsim explain scenarios/17-pr1000-trapped-payout.yaml --step 5
  $ epochsim explain scenarios/02-immediate-same-epoch.yaml --no-color | less

Steps are numbered as in \`epochsim run\`: the position of the item in \`events\`, checkpoints
included. Output fits 80 columns; colour only on a terminal.

Exit codes: 0 the run is ok; 1 it ran but an event, checkpoint or invariant failed;
2 the input is invalid or --step is out of range (nothing goes to stdout); 74 stdout could not
be written.
`;

function parseStep(value: string): number {
  if (!/^[0-9]+$/.test(value) || Number(value) < 1 || !Number.isSafeInteger(Number(value))) {
    throw new InvalidArgumentError('a step number: 1, 2, 3, …');
  }
  return Number(value);
}

export function explainCommand(file: string, flags: ExplainFlags, cli: Cli): number {
  const { io } = cli;
  const scenario = loadForCommand(file, io, flags.color, flags.maxSize, flags.strictUnits);
  if (!scenario) return EXIT_INPUT;
  const count = scenario.items.length;
  if (flags.step !== undefined && flags.step > count) {
    throw new InputError(
      count === 0
        ? `epochsim: --step ${flags.step} is out of range: ${sourceName(file)} has no steps\n`
        : `epochsim: --step ${flags.step} is out of range: ${sourceName(file)} has steps 1 to ${count}\n`,
    );
  }
  const replayed = replay(scenario, flags.rules);
  const p = stdoutPalette(io, flags.color);
  io.out(
    flags.step === undefined
      ? renderExplain(replayed, sourceName(file), p)
      : renderExplainStep(replayed, flags.step, sourceName(file), p),
  );
  return replayed.run.ok ? EXIT_OK : EXIT_FAILED;
}

export function registerExplain(program: Command, cli: Cli): void {
  program
    .command('explain')
    .description('tell the replay step by step: which rule applied and why, and where the coins are')
    .argument('<file>', 'scenario YAML file, or - to read it from stdin')
    .addOption(new Option('--step <n>', 'explain only step N, with the full state before and after it').argParser(parseStep))
    .addOption(
      new Option('--rules <ruleset>', `ruleset to replay under, overriding the file's rules: (${RULE_NAMES.join(' | ')})`).argParser(
        parseRules,
      ),
    )
    .addOption(maxSizeOption())
    .addOption(strictUnitsOption())
    .option('--no-color', 'never colour the output (colour is used only on a terminal; NO_COLOR is honoured)')
    .addHelpText('after', HELP)
    .action((file: string, flags: ExplainFlags) => {
      cli.setExit(explainCommand(file, flags, cli));
    });
}
